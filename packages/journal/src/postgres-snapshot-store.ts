// PostgreSQL snapshot store, next to the PostgreSQL journal. A snapshot is one row of the snapshot
// table (sequence, SHA-256 hex of the data, its size) and its data in rows of at most
// snapshotChunkBytes in the chunk table, written in one transaction. Whole-document rows failed at
// the sizes the core allows: postgres.js sends a bytea as one hex string, twice the data's size,
// built in one synchronous call on the engine's thread, and V8 refuses a string over ~512 MiB, so a
// snapshot over ~256 MiB (two million remembered client order ids make ~300 MB) could not be saved
// at all. Chunks keep each step small and the event loop turning between them.
//
// The checksum is checked on load: a damaged or incomplete snapshot is skipped for an older one, as
// in the file store. Rows written before chunks existed (chunk_count 0, the data inline) still load.
import { createHash } from 'node:crypto';
import { assert, assertSafeInteger } from '@parite/kernel';
import { assertTableName, defaultSnapshotTable, snapshotChunkTableOf, type AnySql } from './postgres-schema.ts';
import { updateInSlices } from './snapshot-format.ts';
import { defaultSnapshotBytesMax, defaultSnapshotsRetainedMax, type Snapshot, type SnapshotStore } from './snapshot-store.ts';

/** Data bytes per chunk row: its hex string (2 MiB) is built and parsed in ~1-2 ms. */
export const snapshotChunkBytes = 1024 * 1024;
/** Chunk rows fetched per query on load (a bound on what one round trip holds in memory). */
const chunksPerReadMax = 8;

export interface PostgresSnapshotStoreOptions {
  /** Owned by the caller; never ended by the store. */
  readonly sql: AnySql;
  readonly table?: string;
  readonly snapshotsRetainedMax?: number;
  /** Data bytes per chunk row (tests use small ones). */
  readonly chunkBytes?: number;
  /** A stored snapshot claiming more than this is treated as damaged. */
  readonly snapshotBytesMax?: number;
  readonly onCorrupt?: (location: string, reason: string) => void;
}

interface HeaderRow {
  readonly checksum: string;
  readonly chunkCount: number;
  readonly dataBytes: number;
  /** The whole data of a row written before chunks existed. */
  readonly inlineData: Buffer;
}

export class PostgresSnapshotStore implements SnapshotStore {
  private readonly sql: AnySql;
  private readonly table: string;
  private readonly chunkTable: string;
  private readonly snapshotsRetainedMax: number;
  private readonly chunkBytes: number;
  private readonly snapshotBytesMax: number;

  constructor(private readonly options: PostgresSnapshotStoreOptions) {
    this.sql = options.sql;
    this.table = options.table ?? defaultSnapshotTable;
    this.chunkTable = snapshotChunkTableOf(this.table);
    this.snapshotsRetainedMax = options.snapshotsRetainedMax ?? defaultSnapshotsRetainedMax;
    this.chunkBytes = options.chunkBytes ?? snapshotChunkBytes;
    this.snapshotBytesMax = options.snapshotBytesMax ?? defaultSnapshotBytesMax;
    assertTableName(this.table);
    assertTableName(this.chunkTable);
    assertSafeInteger(this.snapshotsRetainedMax, 'snapshotsRetainedMax');
    assert(this.snapshotsRetainedMax >= 2, 'keep at least two snapshots, so a damaged one has a fallback');
    assert(Number.isSafeInteger(this.chunkBytes) && this.chunkBytes > 0, 'chunkBytes is a positive integer');
  }

  async save(sequence: bigint, data: Uint8Array): Promise<void> {
    assert(sequence >= 0n, 'sequence must not be negative');
    assert(data.byteLength <= this.snapshotBytesMax, `a snapshot holds at most ${this.snapshotBytesMax} bytes`);
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const checksum = await checksumOf(bytes);
    const chunkCount = Math.ceil(bytes.byteLength / this.chunkBytes);
    const sequenceText = sequence.toString();
    await this.sql.begin(async (transaction) => {
      const table = transaction(this.table);
      const chunks = transaction(this.chunkTable);
      // A save repeated at one sequence replaces it; its old chunks go with it (on delete cascade).
      await transaction`delete from ${table} where sequence = ${sequenceText}::bigint`;
      await transaction`
        insert into ${table} (sequence, data, checksum, chunk_count, data_bytes)
        values (${sequenceText}::bigint, ${Buffer.alloc(0)}, ${checksum}, ${chunkCount}::integer, ${bytes.byteLength}::bigint)`;
      for (let index = 0; index < chunkCount; index++) {
        const chunk = bytes.subarray(index * this.chunkBytes, (index + 1) * this.chunkBytes);
        await transaction`insert into ${chunks} (sequence, chunk_index, data) values (${sequenceText}::bigint, ${index}::integer, ${chunk})`;
      }
      await transaction`
        delete from ${table} where sequence < (
          select min(sequence) from (select sequence from ${table} order by sequence desc limit ${this.snapshotsRetainedMax}) as kept)`;
    });
  }

  async loadLatest(): Promise<Snapshot | undefined> {
    const sql = this.sql;
    // The text alias differs from the column name: ORDER BY would otherwise sort the text.
    const rows = await sql`
      select sequence::text as sequence_text from ${sql(this.table)} order by sequence desc limit ${this.snapshotsRetainedMax}`;
    // One snapshot at a time: they are large, and usually the newest one is intact.
    for (const { sequence_text: sequence } of rows) {
      const location = `${this.table}#${String(sequence)}`;
      const header = await this.header(String(sequence));
      if (header === undefined) continue;
      const data = header.chunkCount === 0 ? header.inlineData : await this.chunks(String(sequence), header);
      if (typeof data === 'string') {
        this.options.onCorrupt?.(location, data);
        continue;
      }
      if (await checksumOf(data) !== header.checksum) {
        this.options.onCorrupt?.(location, 'checksum mismatch');
        continue;
      }
      return { sequence: BigInt(String(sequence)), data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
    }
    return undefined;
  }

  private async header(sequence: string): Promise<HeaderRow | undefined> {
    const sql = this.sql;
    const [row] = await sql`
      select data, checksum, chunk_count, data_bytes::text as data_bytes_text
      from ${sql(this.table)} where sequence = ${sequence}::bigint`;
    if (row === undefined) return undefined; // dropped by a concurrent save's retention
    assert(row.data instanceof Uint8Array, 'bytea arrives as a Buffer');
    return { checksum: String(row.checksum), chunkCount: Number(row.chunk_count), dataBytes: Number(row.data_bytes_text),
      inlineData: row.data as Buffer };
  }

  /** The chunks assembled in order, or why they cannot be (a missing chunk, or sizes that do not add up). */
  private async chunks(sequence: string, header: HeaderRow): Promise<Buffer | string> {
    const { chunkCount, dataBytes } = header;
    if (!Number.isSafeInteger(dataBytes) || dataBytes > this.snapshotBytesMax) return `data size ${dataBytes} out of bounds`;
    const sql = this.sql;
    const data = Buffer.allocUnsafeSlow(dataBytes);
    let offset = 0;
    for (let first = 0; first < chunkCount; first += chunksPerReadMax) {
      const rows = await sql`
        select chunk_index, data from ${sql(this.chunkTable)}
        where sequence = ${sequence}::bigint and chunk_index >= ${first} and chunk_index < ${first + chunksPerReadMax}
        order by chunk_index`;
      const expected = Math.min(chunksPerReadMax, chunkCount - first);
      if (rows.length !== expected) return `chunks ${first}-${first + expected - 1}: ${rows.length} of ${expected} present`;
      for (const row of rows) {
        const chunk = row.data as Buffer;
        if (offset + chunk.byteLength > dataBytes) return `chunk ${String(row.chunk_index)} runs past the data size`;
        chunk.copy(data, offset);
        offset += chunk.byteLength;
      }
    }
    if (offset !== dataBytes) return `chunks hold ${offset} of ${dataBytes} bytes`;
    return data;
  }
}

/** SHA-256 hex of `data`, in slices as the file store's digest: one call over a large state paused the engine's thread. */
async function checksumOf(data: Uint8Array): Promise<string> {
  const hash = createHash('sha256');
  await updateInSlices(hash, data);
  return hash.digest('hex');
}
