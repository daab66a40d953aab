// The WebSocket protocol, JSON text frames only.
//
// Client -> server (every request is one object with an `op`; `id` is optional and echoed back):
//   { "op": "subscribe",   "channel": "depth" | "trades" | "ticker", "symbol": "BTC-TRY", "id": 1 }
//   { "op": "unsubscribe", "channel": ..., "symbol": ..., "id": 2 }
//   { "op": "ping", "id": 3 }
//   plus operations registered with hub.registerOperation (e.g. "auth", "order.place").
// Server -> client:
//   replies   { "id": 1, "result": <any> }  or  { "id": 1, "error": { "code": "WS_...", "message": "..." } }
//             (id is null when the request had none or could not be read)
//   pushes    { "channel": "depth", "symbol": "BTC-TRY", "type": "snapshot" | "update", "data": ... }
//             private channels push { "channel": "orders", "type": ..., "data": ... } (no symbol)
import { errorCatalogue, type ErrorCode } from '@parite/contracts';

/** Request ids are echoed back; bounded so an echo cannot be large. */
export const requestIdLengthMax = 64;
export const operationNameLengthMax = 32;
const operationNamePattern = /^[a-z][a-z0-9._-]*$/;
/** Channel names (public and private) share one namespace. */
export const channelNamePattern = /^[a-z][a-z0-9._-]{0,31}$/;

export type RequestId = number | string | null;

export interface InboundRequest {
  op: string;
  id: RequestId;
  /** The whole parsed object, for operation handlers to validate further. */
  message: Readonly<Record<string, unknown>>;
}

export type InboundParse =
  | { ok: true; request: InboundRequest }
  | { ok: false; id: RequestId; code: ErrorCode };

export interface ErrorReply {
  id: RequestId;
  error: { code: ErrorCode; message: string };
}

export function errorReply(id: RequestId, code: ErrorCode, message?: string): ErrorReply {
  return { id, error: { code, message: message ?? errorCatalogue[code].message } };
}

/** Reads one text frame; the caller has already checked its size. Never throws. */
export function parseInbound(text: string): InboundParse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, id: null, code: 'WS_MESSAGE_INVALID' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, id: null, code: 'WS_MESSAGE_INVALID' };
  }
  const message = parsed as Record<string, unknown>;
  const id = readRequestId(message['id']);
  if (id === undefined) return { ok: false, id: null, code: 'WS_MESSAGE_INVALID' };
  const op = message['op'];
  if (typeof op !== 'string' || op.length > operationNameLengthMax || !operationNamePattern.test(op)) {
    return { ok: false, id, code: 'WS_MESSAGE_INVALID' };
  }
  return { ok: true, request: { op, id, message } };
}

/** undefined when the id is present but unusable. */
function readRequestId(value: unknown): RequestId | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string') return value.length <= requestIdLengthMax ? value : undefined;
  return undefined;
}

/** True when the message has no keys besides `allowed` (requests are closed, like REST bodies). */
export function hasOnlyKeys(message: Readonly<Record<string, unknown>>, allowed: readonly string[]): boolean {
  return Object.keys(message).every((key) => allowed.includes(key));
}

export interface SubscriptionRequest {
  channel: string;
  symbol: string | undefined;
}

const subscriptionKeys = ['op', 'id', 'channel', 'symbol'] as const;

/** The shape of subscribe / unsubscribe; whether the channel and symbol exist is the hub's call. */
export function readSubscription(message: Readonly<Record<string, unknown>>): SubscriptionRequest | undefined {
  if (!hasOnlyKeys(message, subscriptionKeys)) return undefined;
  const channel = message['channel'];
  const symbol = message['symbol'];
  if (typeof channel !== 'string' || !channelNamePattern.test(channel)) return undefined;
  if (symbol !== undefined && (typeof symbol !== 'string' || symbol.length > 32)) return undefined;
  return { channel, symbol };
}
