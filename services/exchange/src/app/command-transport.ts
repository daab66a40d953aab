// How a process without the engine reaches it. The engine process serves submitted commands; a
// process that only reads (API gateway, projections) keeps a replica of the engine's state by
// replaying the shared journal, and sends its commands through this transport. The wire carries the
// journal's own command encoding, so what is sent is byte for byte what is journalled.

import { ServiceError, isErrorCode, type ErrorCode } from '@parite/contracts';
import { jsonParseWithBigint, jsonStringifyWithBigint } from '@parite/kernel';
import type { CommandResult } from '../domain/types.ts';
import type { ExchangeEngineApi } from './engine-api.ts';
import { decodeCommand, encodeCommand } from './command-codec.ts';
import { isJournalled } from './exchange-engine.ts';

/** What the engine did with one submitted command. */
export type RemoteOutcome =
  /** Accepted and durable at this journal sequence: the replica learns the result by replaying it. */
  | { readonly sequence: bigint }
  /** Refused, or an identical retry: nothing was journalled, so the result travels back itself. */
  | { readonly unjournalled: CommandResult };

export type RemoteReply =
  | { readonly ok: true; readonly outcomes: readonly RemoteOutcome[] }
  /** The whole submission failed before any command ran (not ready, overloaded, batch too large). */
  | { readonly ok: false; readonly code: ErrorCode };

export interface CommandTransport {
  /** Resolves once every accepted command is durable; rejects only when the engine cannot be reached. */
  submit(payloads: readonly Uint8Array[]): Promise<RemoteReply>;
  close(): Promise<void>;
}

/** The engine side: runs what a transport received through the engine's one write path. */
export async function serveSubmission(engine: ExchangeEngineApi, payloads: readonly Uint8Array[]): Promise<RemoteReply> {
  try {
    const committed = await engine.submitMany(payloads.map(decodeCommand));
    return {
      ok: true,
      outcomes: committed.map((outcome) => isJournalled(outcome.result)
        ? { sequence: outcome.sequence }
        : { unjournalled: outcome.result }),
    };
  } catch (error) {
    if (error instanceof ServiceError) return { ok: false, code: error.code };
    throw error;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeReply(reply: RemoteReply): Uint8Array {
  return encoder.encode(jsonStringifyWithBigint(reply));
}

export function decodeReply(data: Uint8Array): RemoteReply {
  const reply = jsonParseWithBigint(decoder.decode(data)) as RemoteReply;
  if (!reply.ok && !isErrorCode(reply.code)) return { ok: false, code: 'SERVICE_UNAVAILABLE' };
  return reply;
}

/** Frames a submission as one message: a count, then each payload with its length. */
export function encodeSubmission(payloads: readonly Uint8Array[]): Uint8Array {
  const total = payloads.reduce((sum, payload) => sum + 4 + payload.byteLength, 4);
  const framed = new Uint8Array(total);
  const view = new DataView(framed.buffer);
  view.setUint32(0, payloads.length);
  let offset = 4;
  for (const payload of payloads) {
    view.setUint32(offset, payload.byteLength);
    framed.set(payload, offset + 4);
    offset += 4 + payload.byteLength;
  }
  return framed;
}

/** Inverse of encodeSubmission; undefined for a frame that does not parse (never trusted blindly). */
export function decodeSubmission(framed: Uint8Array, countMax: number): Uint8Array[] | undefined {
  if (framed.byteLength < 4) return undefined;
  const view = new DataView(framed.buffer, framed.byteOffset, framed.byteLength);
  const count = view.getUint32(0);
  if (count > countMax) return undefined;
  const payloads: Uint8Array[] = [];
  let offset = 4;
  for (let index = 0; index < count; index++) {
    if (offset + 4 > framed.byteLength) return undefined;
    const length = view.getUint32(offset);
    if (offset + 4 + length > framed.byteLength) return undefined;
    payloads.push(framed.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return offset === framed.byteLength ? payloads : undefined;
}

/** In one process (tests, or a replica beside its engine): calls the engine directly. */
export class LocalCommandTransport implements CommandTransport {
  constructor(private readonly engine: ExchangeEngineApi) {}

  submit(payloads: readonly Uint8Array[]): Promise<RemoteReply> {
    // Copy through the codec as a remote transport would, so tests see the wire's behaviour.
    return serveSubmission(this.engine, payloads.map((payload) => encodeCommand(decodeCommand(payload))));
  }

  async close(): Promise<void> {}
}
