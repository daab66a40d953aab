// One benchmark WebSocket client: logs in with a signed API-key login, then pipelines order
// operations, matching replies to requests by id.
//
// It speaks RFC 6455 itself over a TCP socket (handshake, masked text frames out, unmasked frames
// in, pong to the server's heartbeat pings) instead of using the `ws` package: the load generator
// shares the server's two cores, and every microsecond it spends per order is taken from the server
// being measured. A trading bot in a compiled language pays less still. The server side is the real
// one (`ws`), unchanged.

import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { signWebSocketLogin } from '@parite/identity';
import type { DemoCredential } from './server-process.ts';

type Reply = { result?: unknown; error?: { code: string } };
type Resolve = (reply: Reply) => void;

const Opcode = { Text: 0x1, Close: 0x8, Ping: 0x9, Pong: 0xa } as const;
/** Largest frame the client accepts from the server (replies are a few hundred bytes). */
const inboundFrameBytesMax = 16 * 1024 * 1024;
/** RFC 6455 §1.3: the server proves the upgrade by hashing the client's key with this GUID. */
const webSocketGuid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Bound on waiting for the upgrade response. */
const handshakeTimeoutMs = 10_000;

/** Masking keys come from a pool of random bytes refilled when used up, as `ws` does: 4 bytes a frame. */
const maskPoolBytes = 64 * 1024;
const maskPool = randomBytes(maskPoolBytes);
let maskPoolOffset = 0;

function nextMaskKey(): Buffer {
  if (maskPoolOffset === maskPoolBytes) {
    randomFillSync(maskPool);
    maskPoolOffset = 0;
  }
  maskPoolOffset += 4;
  return maskPool.subarray(maskPoolOffset - 4, maskPoolOffset);
}

/** A masked client frame (RFC 6455 §5.2): FIN + opcode, MASK + length, masking key, masked payload. */
function maskedFrame(opcode: number, payload: Buffer, maskKey: Buffer): Buffer {
  const length = payload.length;
  const headerBytes = length < 126 ? 6 : length < 65_536 ? 8 : 14;
  const frame = Buffer.allocUnsafe(headerBytes + length);
  frame[0] = 0x80 | opcode;
  if (length < 126) {
    frame[1] = 0x80 | length;
  } else if (length < 65_536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  maskKey.copy(frame, headerBytes - 4);
  for (let index = 0; index < length; index++) {
    frame[headerBytes + index] = (payload[index] as number) ^ (maskKey[index & 3] as number);
  }
  return frame;
}

/** Reads the server's frames (never masked, never fragmented for these replies) from the byte stream. */
class FrameReader {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (opcode: number, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    let offset = 0;
    for (;;) {
      const available = this.buffered.length - offset;
      if (available < 2) break;
      const first = this.buffered[offset] as number;
      let length = (this.buffered[offset + 1] as number) & 0x7f;
      let headerBytes = 2;
      if (length === 126) {
        if (available < 4) break;
        length = this.buffered.readUInt16BE(offset + 2);
        headerBytes = 4;
      } else if (length === 127) {
        if (available < 10) break;
        length = Number(this.buffered.readBigUInt64BE(offset + 2));
        headerBytes = 10;
      }
      if (length > inboundFrameBytesMax) throw new Error(`frame of ${length} bytes from the server`);
      if (available < headerBytes + length) break;
      if ((first & 0x80) === 0) throw new Error('fragmented frame from the server');
      const start = offset + headerBytes;
      this.onFrame(first & 0x0f, this.buffered.subarray(start, start + length));
      offset = start + length;
    }
    this.buffered = offset === this.buffered.length ? Buffer.alloc(0) : this.buffered.subarray(offset);
  }
}

export class BenchSocket {
  private readonly pending = new Map<number, Resolve>();
  private nextId = 1;
  /** Frames of one synchronous pass leave in one write (as a bot batching its requests would). */
  private outbound: Buffer[] = [];
  private readonly flush = () => {
    const frames = this.outbound;
    this.outbound = [];
    this.socket.write(frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames));
  };

  private constructor(private readonly socket: Socket) {}

  static async connect(baseUrl: string, credential: DemoCredential, nonce: string): Promise<BenchSocket> {
    const url = new URL(baseUrl);
    const socket = connect({ host: url.hostname, port: Number(url.port), noDelay: true });
    const leftover = await upgrade(socket, url.host);
    const client = new BenchSocket(socket);
    const reader = new FrameReader((opcode, payload) => client.receive(opcode, payload));
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    if (leftover.length > 0) reader.push(leftover);
    const login = signWebSocketLogin({ keyId: credential.apiKey, secret: credential.secret, timestampMs: Date.now(),
      nonce });
    const reply = await client.request({ ...login });
    if (reply.error !== undefined) throw new Error(`login refused: ${reply.error.code}`);
    return client;
  }

  request(message: Record<string, unknown>): Promise<Reply> {
    return this.requestJson(JSON.stringify(message));
  }

  /** The same with the message already serialised: a JSON object, to which the request id is added. */
  requestJson(objectJson: string): Promise<Reply> {
    const id = this.nextId++;
    const text = objectJson.length === 2 ? `{"id":${id}}` : `${objectJson.slice(0, -1)},"id":${id}}`;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.queue(Opcode.Text, Buffer.from(text));
    });
  }

  close(): void {
    this.queue(Opcode.Close, Buffer.from([0x03, 0xe8])); // 1000: normal closure
    this.socket.end();
  }

  private queue(opcode: number, payload: Buffer): void {
    if (this.outbound.length === 0) process.nextTick(this.flush);
    this.outbound.push(maskedFrame(opcode, payload, nextMaskKey()));
  }

  private receive(opcode: number, payload: Buffer): void {
    if (opcode === Opcode.Ping) return this.queue(Opcode.Pong, Buffer.from(payload));
    if (opcode !== Opcode.Text) return;
    const message = readReply(payload.toString('utf8'));
    if (message === undefined) return;
    const resolve = this.pending.get(message.id);
    if (resolve === undefined) return;
    this.pending.delete(message.id);
    resolve(message.reply);
  }
}

/** Text after `key` up to the next `"` (a JSON string without escapes), or undefined. */
function stringAfter(text: string, key: string, from: number): string | undefined {
  const start = text.indexOf(key, from);
  if (start < 0) return undefined;
  const end = text.indexOf('"', start + key.length);
  return end < 0 ? undefined : text.slice(start + key.length, end);
}

/**
 * What the bench needs of a reply (its id, the error code, the order's id and status), read by
 * scanning rather than parsing: the server writes `{"id":…,"result":…}` or `{"id":…,"error":…}`
 * (services/market-data/src/ws/hub.ts). Anything else is parsed in full.
 */
function readReply(text: string): { id: number; reply: Reply } | undefined {
  const idPrefix = '{"id":';
  if (!text.startsWith(idPrefix)) {
    const message = JSON.parse(text) as Reply & { id?: number };
    return typeof message.id === 'number' ? { id: message.id, reply: message } : undefined;
  }
  const idEnd = text.indexOf(',', idPrefix.length);
  const id = Number(text.slice(idPrefix.length, idEnd));
  if (text.startsWith('"error":', idEnd + 1)) {
    return { id, reply: { error: { code: stringAfter(text, '"code":"', idEnd) ?? 'UNREADABLE_ERROR' } } };
  }
  const orderIdAt = text.indexOf('"orderId":', idEnd);
  if (orderIdAt < 0) return { id, reply: { result: text.slice(idEnd + 10, -1) } };
  const orderIdStart = orderIdAt + '"orderId":'.length;
  const orderId = Number(text.slice(orderIdStart, text.indexOf(',', orderIdStart)));
  return { id, reply: { result: { orderId, status: stringAfter(text, '"status":"', orderIdStart) } } };
}

/** The HTTP/1.1 upgrade handshake; resolves with any bytes that followed the response. */
function upgrade(socket: Socket, host: string): Promise<Buffer> {
  const key = randomBytes(16).toString('base64');
  const expectedAccept = createHash('sha1').update(key + webSocketGuid).digest('base64');
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => fail(new Error('WebSocket handshake timed out')), handshakeTimeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      clearTimeout(timer);
      const head = received.subarray(0, end).toString('latin1');
      if (!head.startsWith('HTTP/1.1 101')) return fail(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
      if (!head.toLowerCase().includes(`sec-websocket-accept: ${expectedAccept.toLowerCase()}`)) {
        return fail(new Error('upgrade answered with a wrong Sec-WebSocket-Accept'));
      }
      resolve(received.subarray(end + 4));
    };
    socket.on('data', onData);
    socket.once('error', fail);
    socket.once('connect', () => {
      socket.write(`GET /ws HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
  });
}
