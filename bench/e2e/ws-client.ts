// One benchmark WebSocket client: logs in with a signed API-key login, then pipelines order
// operations, matching replies to requests by id.

import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { signWebSocketLogin } from '@parite/identity';
import type { DemoCredential } from './server-process.ts';

interface Pending {
  resolve: (reply: { result?: unknown; error?: { code: string } }) => void;
}

export class BenchSocket {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /** Sends of one synchronous pass leave in one write (as a bot batching its requests would). */
  private corked = false;
  private readonly uncork = () => {
    this.corked = false;
    this.raw?.uncork();
  };

  private constructor(private readonly socket: WebSocket, private readonly raw: Socket | undefined) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { code: string } };
      if (typeof message.id !== 'number') return;
      const entry = this.pending.get(message.id);
      if (entry === undefined) return;
      this.pending.delete(message.id);
      entry.resolve(message);
    });
  }

  static async connect(baseUrl: string, credential: DemoCredential, nonce: string): Promise<BenchSocket> {
    const socket = new WebSocket(baseUrl.replace('http', 'ws') + '/ws', { perMessageDeflate: false });
    let raw: Socket | undefined;
    socket.once('upgrade', (response) => {
      raw = response.socket;
    });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const client = new BenchSocket(socket, raw);
    const login = signWebSocketLogin({ keyId: credential.apiKey, secret: credential.secret, timestampMs: Date.now(),
      nonce });
    const reply = await client.request({ ...login });
    if (reply.error !== undefined) throw new Error(`login refused: ${reply.error.code}`);
    return client;
  }

  request(message: Record<string, unknown>): Promise<{ result?: unknown; error?: { code: string } }> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve });
      if (!this.corked && this.raw !== undefined) {
        this.corked = true;
        this.raw.cork();
        process.nextTick(this.uncork);
      }
      this.socket.send(JSON.stringify({ ...message, id }));
    });
  }

  close(): void {
    this.socket.close();
  }
}
