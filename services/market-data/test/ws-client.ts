// A real `ws` client for the hub tests: messages are queued and read in order with next(). The
// wait has a safety bound so a broken server fails the test instead of hanging it; it is not a
// timing assertion.
import WebSocket from 'ws';

const waitBoundMs = 5_000;

export type Json = Record<string, unknown>;

export class TestClient {
  private readonly queue: Json[] = [];
  private readonly waiters: ((message: Json) => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as Json;
      const waiter = this.waiters.shift();
      if (waiter !== undefined) waiter(message);
      else this.queue.push(message);
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => resolve({ code, reason: String(reason) }));
    });
  }

  static connect(url: string): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const client = new TestClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    });
  }

  send(message: Json | string | Buffer): void {
    this.socket.send(typeof message === 'object' && !Buffer.isBuffer(message) ? JSON.stringify(message) : message);
  }

  next(): Promise<Json> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message from the server')), waitBoundMs);
      this.waiters.push((message) => {
        clearTimeout(timer);
        resolve(message);
      });
    });
  }

  /** Sends and returns the next message (the reply: the server answers in order). */
  async request(message: Json | string | Buffer): Promise<Json> {
    this.send(message);
    return this.next();
  }

  /** Proves nothing else was pushed: a ping's pong must be the very next message. */
  async expectNothingPending(): Promise<void> {
    const reply = await this.request({ op: 'ping', id: 'barrier' });
    if (reply['result'] !== 'pong' || reply['id'] !== 'barrier') throw new Error(`unexpected message ${JSON.stringify(reply)}`);
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.closed;
  }
}
