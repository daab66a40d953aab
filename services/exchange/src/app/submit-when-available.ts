// Start-up across processes: an engine (or engine shard) run by another process may still be
// starting when this one needs it (seeding the catalogue, repairing a shard's assets, waiting to see
// the catalogue another process seeds). One bounded poll serves every such wait.

import { ServiceError } from '@parite/contracts';
import type { CommittedCommand, ExchangeEngineApi } from './engine-api.ts';
import type { ExchangeCommand } from '../domain/types.ts';

/** How long a starting process waits for another process's engine. */
export const engineStartWaitMsMax = 60_000;
const engineStartRetryMs = 50;

function isStarting(error: unknown): boolean {
  return error instanceof ServiceError && (error.code === 'SERVICE_UNAVAILABLE' || error.code === 'SERVICE_NOT_READY');
}

/**
 * Calls `attempt` every 50 ms until it gives a value (undefined: not yet), for at most `waitMsMax`;
 * then `timedOut` throws. An error thrown by `attempt` ends the wait at once.
 */
export async function waitWhileStarting<T>(attempt: () => Promise<T | undefined>, timedOut: () => never,
  waitMsMax: number = engineStartWaitMsMax): Promise<T> {
  for (let waitedMs = 0; ; waitedMs += engineStartRetryMs) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (waitedMs >= waitMsMax) timedOut();
    await new Promise((resolve) => setTimeout(resolve, engineStartRetryMs));
  }
}

/** engine.submit, retried while the engine is starting; after waitMsMax (default engineStartWaitMsMax) its last refusal is thrown. */
export async function submitWhenAvailable(engine: Pick<ExchangeEngineApi, 'submit'>, command: ExchangeCommand,
  waitMsMax: number = engineStartWaitMsMax): Promise<CommittedCommand> {
  let lastRefusal: unknown;
  return waitWhileStarting(async () => {
    try {
      return await engine.submit(command);
    } catch (error) {
      if (!isStarting(error)) throw error;
      lastRefusal = error;
      return undefined;
    }
  }, () => {
    throw lastRefusal;
  }, waitMsMax);
}
