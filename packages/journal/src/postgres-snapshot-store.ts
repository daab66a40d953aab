// PostgreSQL snapshot store, next to the PostgreSQL journal. The checksum (SHA-256 hex of the
// data) is checked on load: a damaged row is skipped for an older one, as in the file store.
import { createHash } from 'node:crypto';
import { assert, assertSafeInteger, sha256Hex } from '@parite/kernel';
import { assertTableName, defaultSnapshotTable, type AnySql } from './postgres-schema.ts';
import { updateInSlices } from './snapshot-format.ts';
import { defaultSnapshotsRetainedMax, type Snapshot, type SnapshotStore } from './snapshot-store.ts';

export interface PostgresSnapshotStoreOptions {
  /** Owned by the caller; never ended by the store. */
  readonly sql: AnySql;
  readonly table?: string;
  readonly snapshotsRetainedMax?: number;
  readonly onCorrupt?: (location: string, reason: string) => void;
}

export class PostgresSnapshotStore implements SnapshotStore {
  private readonly sql: AnySql;
  private readonly table: string;
  private readonly snapshotsRetainedMax: number;

  constructor(private readonly options: PostgresSnapshotStoreOptions) {
    this.sql = options.sql;
    this.table = options.table ?? defaultSnapshotTable;
    this.snapshotsRetainedMax = options.snapshotsRetainedMax ?? defaultSnapshotsRetainedMax;
    assertTableName(this.table);
    assertSafeInteger(this.snapshotsRetainedMax, 'snapshotsRetainedMax');
    assert(this.snapshotsRetainedMax >= 2, 'keep at least two snapshots, so a damaged one has a fallback');
  }

  async save(sequence: bigint, data: Uint8Array): Promise<void> {
    assert(sequence >= 0n, 'sequence must not be negative');
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    // In slices, as the file store's digest: one call over a large state paused the engine's thread.
    const hash = createHash('sha256');
    await updateInSlices(hash, bytes);
    const checksum = hash.digest('hex');
    await this.sql.begin(async (transaction) => {
      const table = transaction(this.table);
      await transaction`
        insert into ${table} (sequence, data, checksum) values (${sequence.toString()}::bigint, ${bytes}, ${checksum})
        on conflict (sequence) do update set data = excluded.data, checksum = excluded.checksum`;
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
    // One row at a time: snapshots are large, and usually the newest one is intact.
    for (const { sequence_text: sequence } of rows) {
      const [row] = await sql`select data, checksum from ${sql(this.table)} where sequence = ${String(sequence)}::bigint`;
      if (row === undefined) continue;
      assert(row.data instanceof Uint8Array, 'bytea arrives as a Buffer');
      if (sha256Hex(row.data) !== row.checksum) {
        this.options.onCorrupt?.(`${this.table}#${String(sequence)}`, 'checksum mismatch');
        continue;
      }
      return { sequence: BigInt(String(sequence)), data: new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength) };
    }
    return undefined;
  }
}
