// The hub's bounds, each named, with defaults sized for a public market-data edge.
import { assert, systemClock, type Clock } from '@parite/kernel';
import type { HubConnection } from './connection.ts';

export const hubDefaults = {
  path: '/ws',
  connectionsMax: 10_000,
  subscriptionsPerConnectionMax: 64,
  /** Larger frames get a WS_MESSAGE_TOO_LARGE reply; requests are a few hundred bytes. */
  messageSizeBytesMax: 4 * 1024,
  /** Frames above this close the connection (1009) inside `ws`, before they are buffered whole. */
  payloadSizeBytesMax: 64 * 1024,
  /** A client whose unread data passes this is disconnected (WS_BACKPRESSURE, close code 4001). */
  outboundBufferBytesMax: 4 * 1024 * 1024,
  inboundMessagesPerWindowMax: 50,
  inboundWindowMs: 1_000,
  pendingOperationsPerConnectionMax: 16,
  /**
   * Frames received but not yet handled, hub-wide (inbound-turns.ts: a burst is handled in slices);
   * beyond it a frame is answered SERVICE_OVERLOADED unread.
   */
  inboundQueuedBytesMax: 16 * 1024 * 1024,
  /** Inbound handling per event-loop turn before the rest of a burst waits for the next (0: one frame). */
  inboundTurnBudgetMs: 1,
  /** 0 disables the heartbeat; a connection that misses one pong interval is terminated. */
  heartbeatIntervalMs: 30_000,
  /** After a close frame, how long a peer gets to finish the handshake before the socket is cut. */
  closeGraceMs: 1_000,
  /** Recent trades sent as the snapshot of a `trades` subscription. */
  tradesSnapshotMax: 50,
} as const;

export interface WebSocketHubOptions {
  path?: string;
  connectionsMax?: number;
  subscriptionsPerConnectionMax?: number;
  messageSizeBytesMax?: number;
  payloadSizeBytesMax?: number;
  outboundBufferBytesMax?: number;
  inboundMessagesPerWindowMax?: number;
  inboundWindowMs?: number;
  pendingOperationsPerConnectionMax?: number;
  inboundQueuedBytesMax?: number;
  inboundTurnBudgetMs?: number;
  heartbeatIntervalMs?: number;
  closeGraceMs?: number;
  tradesSnapshotMax?: number;
  /** Time for the inbound rate window (a ManualClock in tests). */
  clock?: Clock;
  /** Refuses the upgrade (403) when false; undefined allows every origin (public data). */
  originAllowed?: (origin: string | undefined) => boolean;
  /** Unexpected failures: a handler that threw something other than a ServiceError, a socket error. */
  onError?: (error: unknown, connection: HubConnection | undefined) => void;
}

export type HubSettings = Required<Omit<WebSocketHubOptions, 'originAllowed' | 'onError'>> &
  Pick<WebSocketHubOptions, 'originAllowed' | 'onError'>;

export function hubSettings(options: WebSocketHubOptions): HubSettings {
  const settings: HubSettings = { ...hubDefaults, clock: systemClock, ...definedOnly(options) };
  for (const [name, value] of Object.entries(settings)) {
    if (typeof value !== 'number') continue;
    const mayBeZero = name === 'heartbeatIntervalMs' || name === 'inboundTurnBudgetMs';
    assert(Number.isSafeInteger(value) && (mayBeZero ? value >= 0 : value > 0), `hub option ${name} out of range`);
  }
  assert(settings.path.startsWith('/'), 'hub path must start with /');
  assert(settings.messageSizeBytesMax <= settings.payloadSizeBytesMax, 'messageSizeBytesMax above payloadSizeBytesMax');
  return settings;
}

function definedOnly(options: WebSocketHubOptions): Partial<WebSocketHubOptions> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
