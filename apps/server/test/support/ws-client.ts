// A small WebSocket client for the whole-platform tests: every message received is kept in order;
// tests take replies by request id and pushes by predicate. Waits are bounded (a missing message
// fails the test with what did arrive), and `settle()` is a ping round trip: anything the server
// sent before it has arrived once the pong is back, so "received nothing" can be asserted.

import assert from 'node:assert/strict';
import { WebSocket, type RawData } from 'ws';

/** How long a test waits for one expected message before it fails (a bound, not a timing claim). */
export const messageWaitMsMax = 5_000;

export interface WsReply {
  id: number | string | null;
  result?: unknown;
  error?: { code: string; message: string };
}

export interface WsPush {
  channel: string;
  symbol?: string;
  type: 'snapshot' | 'update';
  data: unknown;
}

interface Waiter {
  predicate: (message: Record<string, unknown>) => boolean;
  resolve: (message: Record<string, unknown>) => void;
}

export class TestSocket {
  /** Received and not yet taken by a wait, in arrival order. */
  private readonly inbox: Record<string, unknown>[] = [];
  private readonly waiters = new Set<Waiter>();
  private nextId = 1;
  closeCode: number | undefined = undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: RawData) => this.receive(data));
    socket.on('close', (code) => {
      this.closeCode = code;
    });
  }

  static async open(baseUrl: string): Promise<TestSocket> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new TestSocket(socket);
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  sendRaw(data: string | Buffer, options: { binary?: boolean } = {}): void {
    this.socket.send(data, { binary: options.binary ?? false });
  }

  /** Sends `{ op, id, ...fields }` and waits for the reply carrying that id. */
  async request(op: string, fields: Record<string, unknown> = {}): Promise<WsReply> {
    const id = this.nextId++;
    this.sendRaw(JSON.stringify({ op, id, ...fields }));
    return await this.reply(id);
  }

  async reply(id: number | string | null): Promise<WsReply> {
    const message = await this.take((candidate) => 'id' in candidate && candidate['id'] === id &&
      ('result' in candidate || 'error' in candidate), `the reply to request ${String(id)}`);
    return message as unknown as WsReply;
  }

  /** The next push on `channel` (and `type`, when given) matching `predicate`. */
  async push(channel: string, type?: 'snapshot' | 'update',
    predicate: (push: WsPush) => boolean = () => true): Promise<WsPush> {
    const message = await this.take((candidate) => candidate['channel'] === channel &&
      (type === undefined || candidate['type'] === type) && predicate(candidate as unknown as WsPush),
    `a ${type ?? ''} push on ${channel}`);
    return message as unknown as WsPush;
  }

  /** Pushes on `channel` received so far and not taken. */
  pending(channel: string): WsPush[] {
    return this.inbox.filter((message) => message['channel'] === channel) as unknown as WsPush[];
  }

  /** A ping round trip: everything the server sent before it is in the inbox afterwards. */
  async settle(): Promise<void> {
    const reply = await this.request('ping');
    assert.equal(reply.result, 'pong');
  }

  /** Drops every message received so far. */
  clear(): void {
    this.inbox.length = 0;
  }

  /** Resolves once the server has closed the socket (at once if it is closed already). */
  async closed(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }

  private receive(data: RawData): void {
    const message = JSON.parse(data.toString()) as Record<string, unknown>;
    for (const waiter of this.waiters) {
      if (!waiter.predicate(message)) continue;
      this.waiters.delete(waiter);
      waiter.resolve(message);
      return;
    }
    this.inbox.push(message);
  }

  private take(predicate: (message: Record<string, unknown>) => boolean, description: string):
    Promise<Record<string, unknown>> {
    const index = this.inbox.findIndex(predicate);
    if (index >= 0) return Promise.resolve(this.inbox.splice(index, 1)[0] as Record<string, unknown>);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { predicate, resolve: (message) => {
        clearTimeout(timer);
        resolve(message);
      } };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = this.inbox.map((message) => JSON.stringify(message).slice(0, 200)).join('\n  ');
        reject(new Error(`no ${description} within ${messageWaitMsMax} ms; inbox:\n  ${seen}`));
      }, messageWaitMsMax);
      this.waiters.add(waiter);
    });
  }
}
