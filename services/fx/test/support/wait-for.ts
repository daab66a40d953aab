// Waiting on a condition with a bounded timeout: tests assert what happened, never how long it took.

export const waitPollIntervalMs = 20;

export async function waitFor(condition: () => boolean, description: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${description}`);
    await new Promise((resolve) => setTimeout(resolve, waitPollIntervalMs));
  }
}
