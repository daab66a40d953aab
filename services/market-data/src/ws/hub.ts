// The WebSocket hub: one socket per client carrying public market data today and, once the lead
// adds them, private channels and order entry. Built on `ws` with `noServer: true`, attached to
// the HTTP server's `upgrade` event by attachWebSocketHub (see upgrade.ts for the protocol of a
// refusal).
//
// Extension points for private data and order entry over the same socket:
// - hub.registerOperation(op, handler): a new request `{ "op": op, "id": ..., ...fields }`. The
//   handler gets the connection and the whole parsed object (validate its fields yourself), and
//   its promise decides the reply: a value -> `{ id, result: value }` ('ok' for undefined); a
//   thrown ServiceError -> `{ id, error: { code, message } }`; anything else -> INTERNAL_ERROR
//   (+ onError). An `auth` operation would verify credentials and set `connection.principal`.
// - connection.principal: anonymous until set; setting it drops the connection's private
//   subscriptions, so a re-login as someone else never inherits another user's streams.
// - hub.registerPrivateChannel(name, { permission?, snapshot? }): subscribable (without symbol)
//   by connections whose principal is a user holding `permission`; `snapshot(connection)` is
//   pushed first.
// - hub.publishPrivate(channel, filter, data): pushes `{ channel, type: 'update', data }` to the
//   channel's subscribers for which filter(connection) is true, e.g. the order's owner.
// - hub.sendTo(filter, message): sends any JSON message to every connection matching filter.
// - hub.onConnectionClosed(listener): clean-up of per-connection state kept elsewhere.
//
// Bounds: connections, subscriptions per connection, inbound frame size, inbound messages per
// window, operations in flight per connection, frames received but not yet handled (hub-wide, in
// bytes: a burst is handled in slices of inboundTurnBudgetMs, see inbound-turns.ts) and unread
// outbound bytes per connection (a slow consumer is closed with 4001). Bad input always gets an
// error reply; it never closes the socket (except frames above payloadSizeBytesMax, which `ws`
// closes with 1009 before buffering them).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ServiceError } from '@parite/contracts';
import { assert } from '@parite/kernel';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { publicSymbol } from '../domain/symbols.ts';
import type { PublicMessage } from '../domain/types.ts';
import { HubCloseCode, HubConnection, type HubSocket } from './connection.ts';
import { FramedSocket } from './framed-socket.ts';
import { InboundTurns } from './inbound-turns.ts';
import { hubSettings, type HubSettings, type WebSocketHubOptions } from './hub-options.ts';
import { replyFailure, runOperation, type OperationHandler } from './operations.ts';
import { errorReply, parseInbound, readSubscription, type RequestId, type SubscriptionRequest } from './protocol.ts';
import { isPublicKey, publicChannels, publicKey, SubscriptionIndex } from './subscriptions.ts';
import { resolveSubscription, type PrivateChannelDefinition, type PublicFeed } from './targets.ts';
import { pathOf, refuseUpgrade } from './upgrade.ts';

export { attachWebSocketHub } from './upgrade.ts';
export type { OperationHandler } from './operations.ts';
export type { PrivateChannelDefinition, PublicFeed } from './targets.ts';

/** Bounds on registrations (programmer-controlled, but still bounded). */
export const operationsMax = 64;
export const privateChannelsMax = 32;
const builtInOperations: ReadonlySet<string> = new Set(['subscribe', 'unsubscribe', 'ping']);

export class WebSocketHub {
  readonly settings: HubSettings;
  /** Frames from sockets, handled at most inboundTurnBudgetMs per event-loop turn (inbound-turns.ts). */
  private readonly inbound: InboundTurns<InboundFrame>;
  private readonly server: WebSocketServer;
  private readonly connections = new Set<HubConnection>();
  private readonly index = new SubscriptionIndex();
  private readonly privateChannels = new Map<string, PrivateChannelDefinition>();
  private readonly operations = new Map<string, OperationHandler>();
  private readonly closedListeners = new Set<(connection: HubConnection) => void>();
  private readonly unsubscribeFeed: () => void;
  private readonly heartbeat: NodeJS.Timeout | undefined;
  private nextConnectionId = 1;
  private closing = false;

  constructor(private readonly feed: PublicFeed, options: WebSocketHubOptions = {}) {
    this.settings = hubSettings(options);
    this.inbound = new InboundTurns((frame) => this.handle(frame.connection, frame.data),
      this.settings.inboundQueuedBytesMax, this.settings.inboundTurnBudgetMs);
    this.server = new WebSocketServer({ noServer: true, maxPayload: this.settings.payloadSizeBytesMax,
      perMessageDeflate: false, clientTracking: false });
    this.unsubscribeFeed = feed.onPublicMessage((message) => this.publishPublic(message));
    if (this.settings.heartbeatIntervalMs > 0) {
      this.heartbeat = setInterval(() => this.checkHeartbeats(), this.settings.heartbeatIntervalMs);
      this.heartbeat.unref();
    }
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** The open connections matching `filter` (e.g. all sessions of one user, to log them out). */
  connectionsMatching(filter: (connection: HubConnection) => boolean): HubConnection[] {
    return [...this.connections].filter((connection) => !connection.isClosed && filter(connection));
  }

  registerOperation(op: string, handler: OperationHandler): void {
    assert(/^[a-z][a-z0-9._-]{0,31}$/.test(op), 'operation names are short lowercase words');
    assert(!builtInOperations.has(op) && !this.operations.has(op), `operation ${op} already exists`);
    assert(this.operations.size < operationsMax, 'too many operations');
    this.operations.set(op, handler);
  }

  registerPrivateChannel(channel: string, definition: PrivateChannelDefinition = {}): void {
    assert(/^[a-z][a-z0-9._-]{0,31}$/.test(channel), 'channel names are short lowercase words');
    assert(!publicChannels.has(channel) && !this.privateChannels.has(channel), `channel ${channel} already exists`);
    assert(this.privateChannels.size < privateChannelsMax, 'too many private channels');
    this.privateChannels.set(channel, definition);
  }

  onConnectionClosed(listener: (connection: HubConnection) => void): () => void {
    this.closedListeners.add(listener);
    return () => {
      this.closedListeners.delete(listener);
    };
  }

  /** Sends `message` to every connection matching `filter`; returns how many got it. */
  sendTo(filter: (connection: HubConnection) => boolean, message: unknown): number {
    return this.broadcast(this.connections, filter, message);
  }

  /** Pushes an update on a private channel to its subscribers matching `filter`. */
  publishPrivate(channel: string, filter: (connection: HubConnection) => boolean, data: unknown): number {
    assert(this.privateChannels.has(channel), `unknown private channel ${channel}`);
    const subscribers = this.index.subscribersOf(channel);
    if (subscribers === undefined) return 0;
    return this.broadcast(subscribers, filter, { channel, type: 'update', data });
  }

  /**
   * The users with at least one private subscription: a publisher builds private messages for these
   * owners only (under order load most owners watch nothing).
   */
  privateSubscriberUserIds(): ReadonlySet<number> {
    const userIds = new Set<number>();
    for (const channel of this.privateChannels.keys()) {
      for (const connection of this.index.subscribersOf(channel) ?? []) {
        const principal = connection.principal;
        if (principal.kind === 'user') userIds.add(principal.userId);
      }
    }
    return userIds;
  }

  /** Handles an HTTP upgrade; false when the path is not the hub's (someone else may take it). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (pathOf(request.url) !== this.settings.path) return false;
    if (this.closing) {
      refuseUpgrade(socket, 503, 'SERVICE_UNAVAILABLE');
    } else if (this.connections.size >= this.settings.connectionsMax) {
      refuseUpgrade(socket, 503, 'WS_TOO_MANY_CONNECTIONS');
    } else if (this.settings.originAllowed !== undefined && !this.settings.originAllowed(request.headers.origin)) {
      refuseUpgrade(socket, 403, 'AUTH_FORBIDDEN');
    } else {
      this.server.handleUpgrade(request, socket, head, (webSocket) => this.accept(webSocket, request));
    }
    return true;
  }

  /** Registers a connection over any HubSocket (the `ws` path uses accept(); tests may call it directly). */
  addConnection(socket: HubSocket, remoteAddress: string): HubConnection {
    const connection = new HubConnection(this.nextConnectionId++, socket, remoteAddress, this.settings, {
      principalChanged: (changed) => this.index.removeWhere(changed, (key) => !isPublicKey(key)),
      closed: (closed) => this.forget(closed),
    });
    this.connections.add(connection);
    return connection;
  }

  /** One inbound frame, handled at once. Never throws and never closes the connection for bad input. */
  receive(connection: HubConnection, data: RawData | string, isBinary: boolean): void {
    if (this.screen(connection, data, isBinary) !== undefined) this.handle(connection, data);
  }

  /**
   * A frame from a socket: the cheap checks at once, so that a flood is limited and refused on
   * arrival and never fills the inbound queue; the rest within the turn budget (inbound-turns.ts).
   */
  private arrive(connection: HubConnection, data: RawData, isBinary: boolean): void {
    const sizeBytes = this.screen(connection, data, isBinary);
    if (sizeBytes === undefined) return;
    // Refused only when the hub-wide queue is full; nothing of the frame was read or done.
    if (!this.inbound.offer({ connection, data }, sizeBytes)) {
      connection.send(errorReply(null, 'SERVICE_OVERLOADED'));
    }
  }

  /**
   * Liveness, the inbound rate and the frame's kind and size: the frame's size in bytes when it
   * passes, undefined when it was answered or dropped.
   */
  private screen(connection: HubConnection, data: RawData | string, isBinary: boolean): number | undefined {
    if (connection.isClosed) return undefined;
    connection.awaitingPong = false;
    if (!this.admit(connection)) return undefined;
    if (isBinary) {
      connection.send(errorReply(null, 'WS_MESSAGE_INVALID'));
      return undefined;
    }
    const sizeBytes = frameBytes(data);
    if (sizeBytes > this.settings.messageSizeBytesMax) {
      connection.send(errorReply(null, 'WS_MESSAGE_TOO_LARGE'));
      return undefined;
    }
    return sizeBytes;
  }

  /** A screened text frame: parsed and dispatched (its connection may have closed while it waited). */
  private handle(connection: HubConnection, data: RawData | string): void {
    if (connection.isClosed) return;
    const buffer = typeof data === 'string' ? Buffer.from(data) : bufferOf(data);
    const parsed = parseInbound(buffer.toString('utf8'));
    if (!parsed.ok) return void connection.send(errorReply(parsed.id, parsed.code));
    const { op, id, message } = parsed.request;
    if (op === 'ping') return void connection.send({ id, result: 'pong' });
    if (op === 'subscribe' || op === 'unsubscribe') {
      const subscription = readSubscription(message);
      if (subscription === undefined) return void connection.send(errorReply(id, 'WS_MESSAGE_INVALID'));
      if (op === 'subscribe') return this.subscribe(connection, id, subscription);
      return this.unsubscribe(connection, id, subscription);
    }
    const handler = this.operations.get(op);
    if (handler === undefined) return void connection.send(errorReply(id, 'WS_UNKNOWN_OPERATION'));
    if (connection.pendingOperations >= this.settings.pendingOperationsPerConnectionMax) {
      return void connection.send(errorReply(id, 'WS_TOO_MANY_PENDING'));
    }
    runOperation(connection, id, handler, message, this.settings.onError);
  }

  /** Closes every connection (1001) and stops the heartbeat and the feed. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.unsubscribeFeed();
    for (const connection of [...this.connections]) connection.close(HubCloseCode.GoingAway, 'server shutdown');
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(webSocket: WebSocket, request: IncomingMessage): void {
    const connection = this.addConnection(new FramedSocket(webSocket, request.socket), request.socket.remoteAddress ?? 'unknown');
    webSocket.on('message', (data, isBinary) => this.arrive(connection, data, isBinary));
    webSocket.on('pong', () => {
      connection.awaitingPong = false;
    });
    webSocket.on('close', () => connection.socketClosed());
    webSocket.on('ping', () => {
      connection.awaitingPong = false;
    });
    // `ws` reports protocol violations (oversized frame, bad UTF-8) here and then closes by itself.
    webSocket.on('error', (error) => this.settings.onError?.(error, connection));
    // Counted before the handshake completed; a burst of upgrades may overshoot by the ones in flight.
    if (this.connections.size > this.settings.connectionsMax) {
      connection.close(HubCloseCode.GoingAway, 'WS_TOO_MANY_CONNECTIONS');
    }
  }

  /** Fixed-window inbound rate: the first excess message in a window gets the error, the rest are dropped. */
  private admit(connection: HubConnection): boolean {
    const nowMs = this.settings.clock.nowMs();
    if (nowMs - connection.rateWindowStartMs >= this.settings.inboundWindowMs || nowMs < connection.rateWindowStartMs) {
      connection.rateWindowStartMs = nowMs;
      connection.rateWindowCount = 0;
    }
    connection.rateWindowCount++;
    if (connection.rateWindowCount <= this.settings.inboundMessagesPerWindowMax) return true;
    if (connection.rateWindowCount === this.settings.inboundMessagesPerWindowMax + 1) {
      connection.send(errorReply(null, 'WS_RATE_LIMITED'));
    }
    return false;
  }

  private subscribe(connection: HubConnection, id: RequestId, request: SubscriptionRequest): void {
    try {
      const context = { feed: this.feed, privateChannels: this.privateChannels,
        tradesSnapshotMax: this.settings.tradesSnapshotMax };
      const { key, push } = resolveSubscription(context, connection, request);
      if (!connection.subscriptions.has(key)) {
        if (connection.subscriptions.size >= this.settings.subscriptionsPerConnectionMax) {
          throw new ServiceError('WS_TOO_MANY_SUBSCRIPTIONS');
        }
        this.index.add(connection, key);
      }
      // Reply and snapshot go out in the same synchronous step, so no update can slip in between.
      connection.send({ id, result: 'ok' });
      if (push !== undefined) connection.send(push);
    } catch (error) {
      replyFailure(connection, id, error, this.settings.onError);
    }
  }

  private unsubscribe(connection: HubConnection, id: RequestId, request: SubscriptionRequest): void {
    const { channel, symbol } = request;
    if (!publicChannels.has(channel) && !this.privateChannels.has(channel)) {
      return void connection.send(errorReply(id, 'WS_UNKNOWN_CHANNEL'));
    }
    // Both symbol spellings name one subscription; unsubscribing what is not subscribed is a no-op.
    const key = symbol === undefined ? channel : publicKey(channel, publicSymbol(symbol));
    this.index.remove(connection, key);
    connection.send({ id, result: 'ok' });
  }

  private publishPublic(message: PublicMessage): void {
    const subscribers = this.index.subscribersOf(publicKey(message.channel, message.symbol));
    if (subscribers === undefined) return;
    const { channel, symbol, data } = message;
    this.broadcast(subscribers, () => true, { channel, symbol, type: 'update', data });
  }

  /** Serialises once, sends to each match; a slow consumer drops out inside sendText. */
  private broadcast(targets: ReadonlySet<HubConnection>, filter: (connection: HubConnection) => boolean,
    message: unknown): number {
    let text: string | undefined;
    let sizeBytes = 0;
    let sent = 0;
    for (const connection of [...targets]) {
      if (connection.isClosed || !filter(connection)) continue;
      if (text === undefined) {
        text = JSON.stringify(message);
        sizeBytes = Buffer.byteLength(text);
      }
      if (connection.sendText(text, sizeBytes)) sent++;
    }
    return sent;
  }

  /** One heartbeat round (the interval calls it): cut connections silent since the last ping, ping the rest. */
  checkHeartbeats(): void {
    for (const connection of [...this.connections]) {
      if (connection.awaitingPong) connection.terminate();
      else connection.ping();
    }
  }

  private forget(connection: HubConnection): void {
    this.index.removeWhere(connection, () => true);
    this.connections.delete(connection);
    for (const listener of this.closedListeners) {
      try {
        listener(connection);
      } catch (error) {
        this.settings.onError?.(error, connection);
      }
    }
  }
}

/** A screened text frame waiting for its turn. */
interface InboundFrame {
  connection: HubConnection;
  data: RawData;
}

function frameBytes(data: RawData | string): number {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (Array.isArray(data)) return data.reduce((total, part) => total + part.length, 0);
  return data.byteLength;
}

function bufferOf(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
