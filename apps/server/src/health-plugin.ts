// Liveness and readiness. /readyz answers 200 only once recovery (snapshot + journal replay) is done
// and the engine accepts commands; load balancers route on it.
import { Type } from '@sinclair/typebox';
import { ServiceError } from '@parite/contracts';
import type { HttpPlugin } from '@parite/http';
import type { ExchangeEngineApi } from '@parite/exchange';

const Health = Type.Object({ status: Type.String(), sequence: Type.String() }, { additionalProperties: false });

export const healthPlugin: HttpPlugin<{ engine: ExchangeEngineApi }> = async (app, { engine }) => {
  app.get('/healthz', {
    config: { permission: 'public' },
    schema: { tags: ['health'], summary: 'Liveness', response: { 200: Health } },
  }, async () => ({ status: 'alive', sequence: engine.lastAppliedSequence.toString() }));

  app.get('/readyz', {
    config: { permission: 'public' },
    schema: { tags: ['health'], summary: 'Readiness: recovery done, engine accepting commands',
      response: { 200: Health } },
  }, async () => {
    if (!engine.ready) throw new ServiceError('SERVICE_NOT_READY');
    return { status: 'ready', sequence: engine.lastAppliedSequence.toString() };
  });
};
