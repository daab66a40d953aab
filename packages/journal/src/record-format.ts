// On-disk record framing of the file journal, little-endian:
//
//   offset  size  field
//        0     4  sizeBytes        u32, the whole record including this header
//        4     4  crc32            zlib CRC-32 of bytes [0, 4) followed by bytes [8, sizeBytes)
//        8     8  sequence         u64
//       16     8  timestampMs      u64 (a safe integer)
//       24     4  positionInFlush  u32, sequence minus the first sequence of the same flush
//       28     …  payload
//
// The CRC also covers the size field, so a damaged size is caught like any other damaged byte.
// positionInFlush lets recovery tell a torn last flush (never acknowledged, truncated) from damage
// to an acknowledged flush (fatal): see segment-recovery.ts.
import { crc32 } from 'node:zlib';
import { assert } from '@parite/kernel';
import { recordOverheadBytes, type JournalRecord } from './journal-port.ts';

export const recordHeaderBytes = recordOverheadBytes;
const crcOffset = 4;
const sequenceOffset = 8;
const timestampOffset = 16;
const positionOffset = 24;

export function recordSizeBytes(payloadBytes: number): number {
  return recordHeaderBytes + payloadBytes;
}

/** Encodes one flush into one buffer, so it goes to disk with one write. */
export function encodeFlush(records: readonly JournalRecord[]): Buffer {
  const first = records[0];
  assert(first !== undefined, 'a flush has records');
  let totalBytes = 0;
  for (const record of records) totalBytes += recordSizeBytes(record.payload.byteLength);
  const buffer = Buffer.allocUnsafe(totalBytes);
  let offset = 0;
  for (const record of records) {
    const sizeBytes = recordSizeBytes(record.payload.byteLength);
    buffer.writeUInt32LE(sizeBytes, offset);
    buffer.writeBigUInt64LE(record.sequence, offset + sequenceOffset);
    buffer.writeBigUInt64LE(BigInt(record.timestampMs), offset + timestampOffset);
    buffer.writeUInt32LE(Number(record.sequence - first.sequence), offset + positionOffset);
    buffer.set(record.payload, offset + recordHeaderBytes);
    buffer.writeUInt32LE(checksum(buffer, offset, sizeBytes), offset + crcOffset);
    offset += sizeBytes;
  }
  assert(offset === totalBytes, 'encoded size matches');
  return buffer;
}

function checksum(buffer: Buffer, offset: number, sizeBytes: number): number {
  const head = crc32(buffer.subarray(offset, offset + crcOffset));
  return crc32(buffer.subarray(offset + sequenceOffset, offset + sizeBytes), head);
}

export interface DecodedRecord {
  readonly record: JournalRecord;
  readonly positionInFlush: number;
  readonly sizeBytes: number;
}

/**
 * Decodes the record at `offset` if bytes [offset, end) hold a complete record with a matching
 * checksum; otherwise returns a reason. Never throws on bad data: the caller decides whether bad
 * bytes are a torn tail or corruption.
 */
export function decodeRecord(buffer: Buffer, offset: number, end: number, payloadBytesMax: number): DecodedRecord | string {
  if (end - offset < recordHeaderBytes) return 'incomplete record header';
  const sizeBytes = buffer.readUInt32LE(offset);
  if (sizeBytes < recordHeaderBytes || sizeBytes > recordSizeBytes(payloadBytesMax)) return `impossible record size ${sizeBytes}`;
  if (end - offset < sizeBytes) return 'incomplete record';
  if (checksum(buffer, offset, sizeBytes) !== buffer.readUInt32LE(offset + crcOffset)) return 'checksum mismatch';
  const timestampMs = buffer.readBigUInt64LE(offset + timestampOffset);
  if (timestampMs > BigInt(Number.MAX_SAFE_INTEGER)) return 'timestamp out of range';
  const record: JournalRecord = {
    sequence: buffer.readBigUInt64LE(offset + sequenceOffset),
    timestampMs: Number(timestampMs),
    // A copy: the read buffer is reused for the next chunk.
    payload: new Uint8Array(buffer.subarray(offset + recordHeaderBytes, offset + sizeBytes)),
  };
  return { record, positionInFlush: buffer.readUInt32LE(offset + positionOffset), sizeBytes };
}

/** The first sequence of the flush the record belongs to. */
export function flushFirstSequence(decoded: DecodedRecord): bigint {
  return decoded.record.sequence - BigInt(decoded.positionInFlush);
}

/** Cheap pre-check before a checksum, used when searching damaged bytes for intact records. */
export function plausibleRecordAt(buffer: Buffer, offset: number, end: number, payloadBytesMax: number, sequenceMin: bigint): boolean {
  if (end - offset < recordHeaderBytes) return false;
  const sizeBytes = buffer.readUInt32LE(offset);
  if (sizeBytes < recordHeaderBytes || sizeBytes > recordSizeBytes(payloadBytesMax) || end - offset < sizeBytes) return false;
  return buffer.readBigUInt64LE(offset + sequenceOffset) >= sequenceMin;
}
