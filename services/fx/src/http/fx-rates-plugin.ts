// The public rate board: GET /v1/fx/rates lists every pair's current customer rate for one segment
// and tier (defaults: the first configured of each), as decimal strings. Served from the cache,
// from PostgreSQL when the cache is down or misses: `origin` says which.

import type { HttpPlugin } from '@parite/http';
import type { FxService } from '../app/fx-service.ts';
import type { FxRateReader } from '../adapters/cache/fx-rate-reader.ts';
import { RatesQuery, RatesReply } from './fx-admin-schemas.ts';

export interface FxRatesPluginOptions {
  service: FxService;
  reader: FxRateReader;
}

export function publicPair(pair: string): string {
  return pair.replace('/', '-');
}

export function internalPair(pair: string): string {
  return pair.replace('-', '/');
}

export const fxRatesPlugin: HttpPlugin<FxRatesPluginOptions> = async (app, { service, reader }) => {
  app.get('/v1/fx/rates', {
    config: { permission: 'public' },
    schema: { tags: ['fx'], summary: 'Current customer FX rates for a segment and amount tier', querystring: RatesQuery,
      response: { 200: RatesReply } },
  }, async (request) => {
    const settings = service.settings;
    const segment = request.query.segment ?? settings.segments[0]!;
    const tier = request.query.tier ?? settings.tiers[0]!.tierId;
    service.checkVariation(undefined, segment, tier);
    const list = await reader.currentRates(segment, tier);
    return { segment, tier, origin: list.origin, rates: list.rates.map((rate) => ({
      pair: publicPair(rate.pair), buy: rate.buy, sell: rate.sell, mid: rate.mid, cycleId: rate.cycleId, atMs: rate.atMs,
      validUntilMs: rate.validUntilMs, overridden: rate.overridden })) };
  });
};
