// Liveness and readiness. /readyz answers 200 only once recovery (snapshot + journal replay) is done
// and the engine accepts commands; load balancers route on it.
import { Type } from '@sinclair/typebox';
import { ServiceError } from '@parite/contracts';
import type { HttpPlugin } from '@parite/http';
import type { ExchangeEngineApi } from '@parite/exchange';

const Health = Type.Object({
  status: Type.String(), sequence: Type.String(),
  projections: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('catching-up'), Type.Literal('failed')])),
}, { additionalProperties: false });

export interface HealthPluginOptions {
  engine: ExchangeEngineApi;
  /** The read models' state: trading goes on without them, but monitoring must see a failure. */
  projections?: () => 'ok' | 'catching-up' | 'failed';
}

export const healthPlugin: HttpPlugin<HealthPluginOptions> = async (app, { engine, projections }) => {
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
    const projectionState = projections?.();
    // Still 200: the exchange trades and answers without its read models; the body says degraded.
    return { status: projectionState === 'failed' ? 'degraded' : 'ready', sequence: engine.lastAppliedSequence.toString(),
      ...(projectionState === undefined ? {} : { projections: projectionState }) };
  });
};
