// Coalesces a connection's sends into one write. A committed batch fans out to many messages per
// connection (the order reply, order and fill updates, balances, trades); sent one by one, each is
// its own writev syscall, which profiling showed as the largest single cost of the server under
// order load. The first send of a turn corks the TCP socket and a nextTick uncorks it, so everything
// sent in the same synchronous pass leaves in one write. Latency is unchanged: the uncork runs before
// the event loop does anything else.

import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { HubSocket } from './connection.ts';

export class CorkedSocket implements HubSocket {
  private corked = false;
  private readonly uncork = () => {
    this.corked = false;
    this.raw.uncork();
  };

  constructor(private readonly webSocket: WebSocket, private readonly raw: Socket) {}

  get bufferedAmount(): number {
    return this.webSocket.bufferedAmount;
  }

  send(data: string): void {
    if (!this.corked && !this.raw.destroyed) {
      this.corked = true;
      this.raw.cork();
      process.nextTick(this.uncork);
    }
    this.webSocket.send(data);
  }

  close(code: number, reason: string): void {
    this.webSocket.close(code, reason);
  }

  terminate(): void {
    this.webSocket.terminate();
  }

  ping(): void {
    this.webSocket.ping();
  }
}
