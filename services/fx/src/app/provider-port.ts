// The provider port: every rate source (a FIX 4.4 session, the TCMB bulletin, the built-in
// simulator, later a Refinitiv or Bloomberg connector) is an adapter that pushes ProviderTicks.

import type { ProviderTick } from '../domain/rate.ts';

export type TickSink = (tick: ProviderTick) => void;

export type ProviderState = 'stopped' | 'connecting' | 'live' | 'disconnected';

export interface ProviderStatus {
  readonly sourceId: string;
  readonly state: ProviderState;
  readonly ticksReceived: number;
  readonly ticksDroppedAsDuplicate: number;
  readonly lastTickAtMs: number | undefined;
  readonly lastError: string | undefined;
}

export interface RateProvider {
  readonly sourceId: string;
  /** Starts delivering ticks to the sink; resolves once the first connection attempt is under way. */
  start(sink: TickSink): Promise<void>;
  stop(): Promise<void>;
  status(): ProviderStatus;
}
