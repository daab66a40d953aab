// Bounds a call to a dependency: a dead Redis makes ioredis retry for seconds, and the rate read
// path must answer from PostgreSQL long before that.

export class DependencyTimeoutError extends Error {
  override readonly name = 'DependencyTimeoutError';
}

export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DependencyTimeoutError(`${what} took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  // The losing promise may still reject later: observe it so it is never an unhandled rejection.
  promise.catch(() => {});
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
