// Assertions guard invariants (programmer errors) and stay on in production, as in TigerBeetle:
// a broken invariant in a money system must stop the process rather than corrupt state.
// Expected business failures are never asserted: they are returned as result codes.

export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** Documents that a condition may go either way; it only exists to be read. */
export function maybe(_condition: boolean): void {}

export function unreachable(value: never, message = 'unreachable'): never {
  throw new AssertionError(`${message}: ${String(value)}`);
}

export function assertSafeInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value)) throw new AssertionError(`${name} must be a safe integer, got ${value}`);
}
