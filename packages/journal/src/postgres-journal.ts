// PostgreSQL adapter: a journal shared by several nodes (replicated by PostgreSQL itself), with
// one writer at a time. A flush is one transaction holding one multi-row INSERT over unnest(), so
// group commit turns many commands into one commit (one WAL flush on the server).
//
// Single writer: the flush first checks that the table ends exactly where this writer believes it
// does, and the primary key rejects a concurrent writer that passed the same check; either way
// the flush fails with JournalWriterConflictError and this journal accepts nothing more.
import postgres from 'postgres';
import { assert } from '@parite/kernel';
import { JournalCorruptError, JournalWriterConflictError } from './errors.ts';
import { GroupCommitJournal } from './group-commit-journal.ts';
import type { JournalLimits, JournalRecord } from './journal-port.ts';
import { assertTableName, defaultJournalTable, type AnySql } from './postgres-schema.ts';

export interface PostgresJournalOptions {
  /** Owned by the caller; never ended by the journal. */
  readonly sql: AnySql;
  readonly table?: string;
  readonly limits?: Partial<JournalLimits>;
}

const uniqueViolation = '23505';
const byteaTypeOid = 17;

export class PostgresJournal extends GroupCommitJournal {
  private readonly sql: AnySql;
  private readonly table: string;

  constructor(options: PostgresJournalOptions) {
    super(options.limits);
    this.sql = options.sql;
    this.table = options.table ?? defaultJournalTable;
    assertTableName(this.table);
  }

  protected async recover(): Promise<bigint> {
    const sql = this.sql;
    const [row] = await sql`
      select count(*)::text as count, coalesce(min(sequence), 0)::text as first, coalesce(max(sequence), 0)::text as last
      from ${sql(this.table)}`;
    assert(row !== undefined, 'an aggregate returns a row');
    const count = BigInt(String(row.count));
    const last = BigInt(String(row.last));
    if (count > 0n && (BigInt(String(row.first)) !== 1n || last !== count)) {
      throw new JournalCorruptError(`${count} entries between ${String(row.first)} and ${last}: not contiguous from 1`, this.table);
    }
    return last;
  }

  protected async flushRecords(records: readonly JournalRecord[]): Promise<void> {
    const first = records[0];
    assert(first !== undefined, 'a flush has records');
    const sequences = records.map((record) => record.sequence.toString());
    const timestamps = records.map((record) => record.timestampMs.toString());
    const payloads = records.map((record) => Buffer.from(record.payload.buffer, record.payload.byteOffset, record.payload.byteLength));
    try {
      await this.sql.begin(async (transaction) => {
        const [row] = await transaction`select coalesce(max(sequence), 0)::text as last from ${transaction(this.table)}`;
        const tableLast = BigInt(String(row?.last));
        if (tableLast !== first.sequence - 1n) {
          throw new JournalWriterConflictError(`${this.table} ends at ${tableLast}, this writer expected ${first.sequence - 1n}`);
        }
        await transaction`
          insert into ${transaction(this.table)} (sequence, timestamp_ms, payload)
          select * from unnest(${transaction.array(sequences)}::bigint[], ${transaction.array(timestamps)}::bigint[],
                               ${transaction.array(payloads, byteaTypeOid)}::bytea[])`;
      });
    } catch (error) {
      if (error instanceof postgres.PostgresError && error.code === uniqueViolation) {
        throw new JournalWriterConflictError(`another writer appended to ${this.table}`, { cause: error });
      }
      throw error;
    }
  }

  protected async *readDurable(afterSequence: bigint, batchMax: number): AsyncIterable<JournalRecord[]> {
    const sql = this.sql;
    let previous = afterSequence;
    for (;;) {
      // The text aliases differ from the column names: ORDER BY would otherwise sort the text.
      const rows = await sql`
        select sequence::text as sequence_text, timestamp_ms::text as timestamp_text, payload
        from ${sql(this.table)} where sequence > ${previous.toString()}::bigint order by sequence limit ${batchMax}`;
      const batch: JournalRecord[] = [];
      for (const row of rows) {
        const sequence = BigInt(String(row.sequence_text));
        if (sequence !== previous + 1n) throw new JournalCorruptError(`sequence ${sequence} follows ${previous}`, this.table);
        assert(row.payload instanceof Uint8Array, 'bytea arrives as a Buffer');
        batch.push({ sequence, timestampMs: Number(row.timestamp_text), payload: new Uint8Array(row.payload) });
        previous = sequence;
      }
      if (batch.length > 0) yield batch;
      // A short page is the end of the table as of that query, which is at or past this
      // writer's lastSequence: everything committed is durable.
      if (batch.length < batchMax) return;
    }
  }

  protected async release(): Promise<void> {}
}
