// The spike guard: a tick whose mid is further than spikeTolerancePpm from its own source's smoothed
// mid is held, not used. A held move is believed when either
//   (a) other fresh sources confirm it: the tick is within crossSourceTolerancePpm of the median of
//       the other sources' smoothed mids (the market really moved); with an even number of others
//       it must be within tolerance of both middle values, so one broken peer cannot vouch, or
//   (b) the source itself sends spikeConfirmationTicks consecutive held ticks consistent with one
//       another (each within spikeTolerancePpm of the first), and the move is no larger than
//       spikeSelfConfirmMovePpmMax. A x10 or /10 tick (+900 %, -90 %) therefore never moves a
//       source alone, however often it repeats; an operator or the other sources must vouch for it.
// A tick back within tolerance of the reference abandons the held run, so alternating garbage never
// accumulates into a confirmation. On a cold start (no accepted quote, or the last one older than the
// source's max age) there is no reference, so every tick is held until (a) or (b) holds.
// After a confirmation the history restarts from the confirming ticks: averaging the old level into
// the new one would only delay the move.

import type { ProviderTick } from './rate.ts';
import type { PairSettings, SourcePairSettings, SourceSettings } from './engine-settings.ts';
import type { SourcePairState } from './quote-history.ts';
import type { MedianBounds } from './rate-math.ts';
import { deviationExceedsPpm, midOf } from './rate-math.ts';

export interface PeerMedian {
  /** The median bounds of the other usable sources' smoothed mids for this pair at `atMs`, if any. */
  peerMedian(self: SourcePairState, atMs: number): MedianBounds | undefined;
}

export type GuardOutcome = 'ACCEPTED' | 'TICK_SPIKE' | 'TICK_UNCONFIRMED';

export interface GuardContext {
  readonly pair: PairSettings;
  readonly source: SourceSettings;
  readonly sourcePair: SourcePairSettings;
  readonly peers: PeerMedian;
}

export function guardTick(state: SourcePairState, tick: ProviderTick, context: GuardContext): GuardOutcome {
  const mid = midOf(tick.bidUnits, tick.askUnits);
  const { pair } = context;
  const warm = state.accepted.count > 0 && tick.sourceTimeMs - state.latestSourceTimeMs <= context.sourcePair.maxAgeMs;
  if (warm && !deviationExceedsPpm(mid, state.smoothed.midUnits, pair.spikeTolerancePpm)) {
    state.held.clear();
    accept(state, tick, context);
    return 'ACCEPTED';
  }
  if (!warm) state.accepted.clear();
  const peers = context.peers.peerMedian(state, tick.receiveTimeMs);
  if (peers !== undefined && !deviationExceedsPpm(mid, peers.lowerUnits, pair.crossSourceTolerancePpm)
    && !deviationExceedsPpm(mid, peers.upperUnits, pair.crossSourceTolerancePpm)) {
    state.held.clear();
    state.accepted.clear();
    accept(state, tick, context);
    return 'ACCEPTED';
  }
  if (warm && deviationExceedsPpm(mid, state.smoothed.midUnits, pair.spikeSelfConfirmMovePpmMax)) return 'TICK_SPIKE';
  if (state.held.count === 0 || deviationExceedsPpm(mid, state.heldAnchorMidUnits, pair.spikeTolerancePpm)) {
    state.held.clear();
    state.heldAnchorMidUnits = mid;
  }
  state.held.push(tick.bidUnits, tick.askUnits);
  if (state.held.count < context.source.spikeConfirmationTicks) return warm ? 'TICK_SPIKE' : 'TICK_UNCONFIRMED';
  state.accepted.copyFrom(state.held);
  state.held.clear();
  state.latestSourceTimeMs = tick.sourceTimeMs;
  state.accepted.smoothInto(context.source.smoothingDepth, state.smoothed);
  return 'ACCEPTED';
}

function accept(state: SourcePairState, tick: ProviderTick, context: GuardContext): void {
  state.accepted.push(tick.bidUnits, tick.askUnits);
  state.latestSourceTimeMs = tick.sourceTimeMs;
  state.accepted.smoothInto(context.source.smoothingDepth, state.smoothed);
}
