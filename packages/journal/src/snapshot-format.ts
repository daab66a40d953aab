// Snapshot file format, little-endian: magic "PRTSNAP1" (8 bytes), sequence u64, dataBytes u64,
// SHA-256 (32 bytes) of the first 24 header bytes followed by the data, then the data. SHA-256
// rather than CRC-32: a snapshot is large and read rarely, and its check must not collide.
import { createHash, type Hash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Snapshot } from './snapshot-store.ts';

const magic = Buffer.from('PRTSNAP1', 'latin1');
const sequenceOffset = 8;
const dataBytesOffset = 16;
const digestOffset = 24;
const digestBytes = 32;
export const snapshotHeaderBytes = digestOffset + digestBytes;

function digest(fields: Uint8Array, data: Uint8Array): Buffer {
  return createHash('sha256').update(fields).update(data).digest();
}

/** Bytes hashed between two yields to the event loop: ~2-10 ms of SHA-256 on this project's machine. */
export const snapshotHashSliceBytes = 4 * 1024 * 1024;

/**
 * The header of a snapshot file. The digest covers the whole document (hundreds of megabytes for a
 * large state), so it is computed in slices with a yield between them: in one call it paused the
 * engine's thread for tens to hundreds of milliseconds (docs/benchmarks.md §2, session 15).
 */
export async function encodeSnapshotHeader(sequence: bigint, data: Uint8Array,
  yieldToEventLoop?: () => Promise<void>): Promise<Buffer> {
  const header = Buffer.alloc(snapshotHeaderBytes);
  magic.copy(header, 0);
  header.writeBigUInt64LE(sequence, sequenceOffset);
  header.writeBigUInt64LE(BigInt(data.byteLength), dataBytesOffset);
  const hash = createHash('sha256').update(header.subarray(0, digestOffset));
  await updateInSlices(hash, data, yieldToEventLoop);
  hash.digest().copy(header, digestOffset);
  return header;
}

/** Feeds `data` to `hash` snapshotHashSliceBytes at a time, yielding after each slice. */
export async function updateInSlices(hash: Hash, data: Uint8Array,
  yieldToEventLoop: () => Promise<unknown> = nextTurn): Promise<void> {
  for (let offset = 0; offset < data.byteLength; offset += snapshotHashSliceBytes) {
    hash.update(data.subarray(offset, offset + snapshotHashSliceBytes));
    await yieldToEventLoop();
  }
}

/** The snapshot in `file`, or why it cannot be trusted. */
export function decodeSnapshot(file: Buffer): Snapshot | string {
  if (file.byteLength < snapshotHeaderBytes) return 'shorter than a snapshot header';
  if (!file.subarray(0, magic.byteLength).equals(magic)) return 'bad magic';
  const dataBytes = file.readBigUInt64LE(dataBytesOffset);
  const heldBytes = file.byteLength - snapshotHeaderBytes;
  if (dataBytes !== BigInt(heldBytes)) return `header says ${dataBytes} data bytes, file holds ${heldBytes}`;
  const data = file.subarray(snapshotHeaderBytes);
  const expected = file.subarray(digestOffset, snapshotHeaderBytes);
  if (!digest(file.subarray(0, digestOffset), data).equals(expected)) return 'checksum mismatch';
  return { sequence: file.readBigUInt64LE(sequenceOffset), data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}
