// Turns the per-cycle SOURCE_STALE drops into transitions: one SOURCE_STALE alert when a source's
// quote for a pair goes stale, one SOURCE_FRESH when it takes part again. Bounded by the settings
// (sources x pairs); forgotten when a source-pair leaves them.

import type { RateCycle } from '../domain/rate-cycle.ts';
import type { FxAlert } from './rate-history-port.ts';

export class SourceStalenessTracker {
  private stale = new Map<string, { sourceId: string; pair: string; sinceMs: number }>();

  update(cycle: RateCycle): FxAlert[] {
    const alerts: FxAlert[] = [];
    const now = new Map<string, { sourceId: string; pair: string; sinceMs: number }>();
    for (const drop of cycle.dropped) {
      if (drop.reason !== 'SOURCE_STALE') continue;
      const key = `${drop.sourceId}\u0000${drop.pair}`;
      const previous = this.stale.get(key);
      now.set(key, previous ?? { sourceId: drop.sourceId, pair: drop.pair, sinceMs: cycle.atMs });
      if (previous === undefined) {
        alerts.push({ code: 'SOURCE_STALE', severity: 'warning', pair: drop.pair, sourceId: drop.sourceId, atMs: cycle.atMs,
          message: `${drop.sourceId} ${drop.pair}: latest quote is ${drop.ageMs ?? '?'} ms old, older than its max age` });
      }
    }
    const used = new Set<string>();
    for (const rate of cycle.rates) for (const sourceId of rate.sourceIds) used.add(`${sourceId}\u0000${rate.pair}`);
    for (const [key, entry] of this.stale) {
      if (now.has(key)) continue;
      if (used.has(key)) {
        alerts.push({ code: 'SOURCE_FRESH', severity: 'info', pair: entry.pair, sourceId: entry.sourceId, atMs: cycle.atMs,
          message: `${entry.sourceId} ${entry.pair}: quoting again after ${cycle.atMs - entry.sinceMs} ms stale` });
      }
    }
    this.stale = now;
    return alerts;
  }
}
