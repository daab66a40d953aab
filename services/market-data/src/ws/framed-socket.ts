// Writes a connection's outbound messages as WebSocket frames of its own, all of one event-loop
// turn in one buffer and one socket write. A committed batch fans out to several messages per
// connection (the order replies, order and fill updates, balances, trades). Through `ws` each
// message cost a frame allocation and two stream writes into a corked socket, then a writev of
// every piece; here each message is its UTF-8 bytes and a header of 2 to 10 bytes, written into one
// buffer when the turn ends (a nextTick, before the event loop does anything else: latency is
// unchanged).
//
// `ws` keeps the rest of the protocol: the upgrade, reading and unmasking frames, pings, close
// frames and the close handshake. Its writes and these stay in order because each of them is whole
// frames in one socket write, and `ws` writes at once (no per-message compression here, so its
// sender never queues). A close first writes what this turn gathered, so no data frame follows the
// close frame; frames gathered after the connection left the OPEN state are dropped, as `ws` drops
// a send after close.

import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { assert } from '@parite/kernel';
import type { HubSocket } from './connection.ts';

/** RFC 6455 §5.2: FIN set, opcode 1 (text). */
const finalTextFrame = 0x81;
/** Payload lengths from this size on take a 16-bit, then a 64-bit extended length. */
const extendedLength16Min = 126;
const extendedLength64Min = 65_536;
/**
 * Messages gathered per connection in one turn before they are written anyway: a bound on the
 * pending array (the outbound byte limit in HubConnection bounds the bytes).
 */
export const framesPerWriteMax = 1_024;

function headerBytesOf(payloadBytes: number): number {
  return payloadBytes < extendedLength16Min ? 2 : payloadBytes < extendedLength64Min ? 4 : 10;
}

export class FramedSocket implements HubSocket {
  private texts: string[] = [];
  private sizes: number[] = [];
  private pendingBytes = 0;
  private flushScheduled = false;
  private readonly flushAtTurnEnd = () => {
    this.flushScheduled = false;
    this.flush();
  };

  constructor(private readonly webSocket: WebSocket, private readonly raw: Socket) {}

  /** Bytes not yet taken by the kernel: the socket's and `ws`'s buffers and this turn's frames. */
  get bufferedAmount(): number {
    return this.webSocket.bufferedAmount + this.pendingBytes;
  }

  send(text: string, sizeBytes = Buffer.byteLength(text)): void {
    if (this.webSocket.readyState !== WebSocket.OPEN) return;
    this.texts.push(text);
    this.sizes.push(sizeBytes);
    this.pendingBytes += headerBytesOf(sizeBytes) + sizeBytes;
    if (this.texts.length >= framesPerWriteMax) return this.flush();
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(this.flushAtTurnEnd);
    }
  }

  close(code: number, reason: string): void {
    this.flush();
    this.webSocket.close(code, reason);
  }

  terminate(): void {
    this.drop();
    this.webSocket.terminate();
  }

  ping(): void {
    this.webSocket.ping();
  }

  private flush(): void {
    if (this.texts.length === 0) return;
    if (this.webSocket.readyState !== WebSocket.OPEN || this.raw.destroyed) return this.drop();
    const buffer = Buffer.allocUnsafe(this.pendingBytes);
    let offset = 0;
    for (let index = 0; index < this.texts.length; index++) {
      const sizeBytes = this.sizes[index] as number;
      offset = writeHeader(buffer, offset, sizeBytes);
      offset += buffer.write(this.texts[index] as string, offset, sizeBytes, 'utf8');
    }
    assert(offset === buffer.length, `framed ${offset} of ${buffer.length} bytes: a size was wrong`);
    this.drop();
    this.raw.write(buffer);
  }

  private drop(): void {
    this.texts = [];
    this.sizes = [];
    this.pendingBytes = 0;
  }
}

/** A server frame's header (never masked): FIN + text opcode, then the payload length. */
function writeHeader(buffer: Buffer, offset: number, payloadBytes: number): number {
  buffer[offset] = finalTextFrame;
  if (payloadBytes < extendedLength16Min) {
    buffer[offset + 1] = payloadBytes;
    return offset + 2;
  }
  if (payloadBytes < extendedLength64Min) {
    buffer[offset + 1] = 126;
    buffer.writeUInt16BE(payloadBytes, offset + 2);
    return offset + 4;
  }
  buffer[offset + 1] = 127;
  buffer.writeUInt32BE(Math.floor(payloadBytes / 2 ** 32), offset + 2);
  buffer.writeUInt32BE(payloadBytes >>> 0, offset + 6);
  return offset + 10;
}
