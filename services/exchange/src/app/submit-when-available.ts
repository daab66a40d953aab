// Start-up across processes: an engine (or engine shard) run by another process may still be
// starting when this one needs it (seeding the catalogue, repairing a shard's assets). Such a
// command is retried while the engine answers "not ready" or "unavailable", for a bounded time.

import { ServiceError } from '@parite/contracts';
import type { CommittedCommand, ExchangeEngineApi } from './engine-api.ts';
import type { ExchangeCommand } from '../domain/types.ts';

/** How long a starting process waits for another process's engine. */
export const engineStartWaitMsMax = 60_000;
const engineStartRetryMs = 50;

function isStarting(error: unknown): boolean {
  return error instanceof ServiceError && (error.code === 'SERVICE_UNAVAILABLE' || error.code === 'SERVICE_NOT_READY');
}

/** engine.submit, retried while the engine is starting; after engineStartWaitMsMax its last refusal is thrown. */
export async function submitWhenAvailable(engine: Pick<ExchangeEngineApi, 'submit'>, command: ExchangeCommand):
  Promise<CommittedCommand> {
  for (let waitedMs = 0; ; waitedMs += engineStartRetryMs) {
    try {
      return await engine.submit(command);
    } catch (error) {
      if (!isStarting(error) || waitedMs >= engineStartWaitMsMax) throw error;
      await new Promise((resolve) => setTimeout(resolve, engineStartRetryMs));
    }
  }
}
