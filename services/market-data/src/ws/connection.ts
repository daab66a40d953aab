// One client connection of the hub: its socket, principal, subscriptions and the per-connection
// bounds (inbound rate window, operations in flight, outbound buffer).
import { anonymousPrincipal, type Principal } from '@parite/http';

/** The part of a `ws` WebSocket the hub uses; a fake in tests. */
export interface HubSocket {
  readonly bufferedAmount: number;
  /** `sizeBytes`: the UTF-8 length of `data`, when the caller knows it already. */
  send(data: string, sizeBytes?: number): void;
  close(code: number, reason: string): void;
  terminate(): void;
  ping(): void;
}

export interface ConnectionHooks {
  /** The principal changed: the hub drops private subscriptions the new principal may not hold. */
  principalChanged(connection: HubConnection, previous: Principal): void;
  /** The connection ended (either side); called exactly once. */
  closed(connection: HubConnection): void;
}

/** Close codes the hub uses; 4000-4999 are reserved for applications by RFC 6455. */
export const HubCloseCode = {
  /** The server is shutting down. */
  GoingAway: 1001,
  /** The client did not read its messages fast enough (outbound buffer over the limit). */
  Backpressure: 4001,
  /** No pong to the last heartbeat ping. */
  HeartbeatTimeout: 4002,
} as const;
export type HubCloseCode = (typeof HubCloseCode)[keyof typeof HubCloseCode];

export class HubConnection {
  /** Public subscription keys (`channel|symbol`) and private channel names, for the limit and cleanup. */
  readonly subscriptions = new Set<string>();
  /** Operations (async handlers) started and not yet answered. */
  pendingOperations = 0;
  rateWindowStartMs = 0;
  rateWindowCount = 0;
  /** Heartbeat: set when a ping is sent, cleared by the pong. */
  awaitingPong = false;
  private currentPrincipal: Principal = anonymousPrincipal;
  private closed = false;

  constructor(
    readonly id: number,
    private readonly socket: HubSocket,
    readonly remoteAddress: string,
    private readonly limits: { outboundBufferBytesMax: number; closeGraceMs: number },
    private readonly hooks: ConnectionHooks,
  ) {}

  /** Who is on the other end: anonymous until an `auth` operation (registered by the lead) sets it. */
  get principal(): Principal {
    return this.currentPrincipal;
  }

  set principal(principal: Principal) {
    const previous = this.currentPrincipal;
    this.currentPrincipal = principal;
    if (previous !== principal) this.hooks.principalChanged(this, previous);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends one JSON message; false when the connection is gone or was just cut for backpressure. */
  send(message: unknown): boolean {
    const text = JSON.stringify(message);
    return this.sendText(text, Buffer.byteLength(text));
  }

  /** Sends pre-serialised text (broadcasts serialise once). A slow consumer is disconnected. */
  sendText(text: string, sizeBytes: number): boolean {
    if (this.closed) return false;
    if (this.socket.bufferedAmount + sizeBytes > this.limits.outboundBufferBytesMax) {
      this.close(HubCloseCode.Backpressure, 'WS_BACKPRESSURE');
      return false;
    }
    this.socket.send(text, sizeBytes);
    return true;
  }

  /**
   * Ends the connection from the server side: a close frame, then the socket is cut after the
   * grace period in case the peer never answers (a slow consumer cannot even read the close frame).
   */
  close(code: HubCloseCode, reason: string): void {
    if (!this.markClosed()) return;
    this.socket.close(code, reason);
    const timer = setTimeout(() => this.socket.terminate(), this.limits.closeGraceMs);
    timer.unref();
  }

  /** Cuts the socket at once (dead peer). */
  terminate(): void {
    this.markClosed();
    this.socket.terminate();
  }

  /** The socket reported its close (client-initiated or after close()). */
  socketClosed(): void {
    this.markClosed();
  }

  ping(): void {
    this.awaitingPong = true;
    this.socket.ping();
  }

  private markClosed(): boolean {
    if (this.closed) return false;
    this.closed = true;
    this.hooks.closed(this);
    return true;
  }
}
