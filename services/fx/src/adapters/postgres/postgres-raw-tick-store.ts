// PostgreSQL raw tick store. A batch goes in with COPY FROM STDIN and the touched latest-quote
// windows with one unnest upsert, in one transaction: a batch is stored whole or not at all. COPY
// since session 12: with TCP_NODELAY on the platform's connections it is ahead of the insert from
// unnest() at every batch size measured (`npm run bench fx-storage`, README "Storage decisions").
// A COPY that PostgreSQL refuses gives no reason (CopyRefusedError, packages/platform/src/sql-copy.ts),
// so the same batch is written once more with the insert, which stores it (the refusal was
// transient) or fails with PostgreSQL's reason. The insert stays selectable for comparison.

import { copyIn, CopyRefusedError, copyText, type Sql, type TransactionSql } from '@parite/platform';
import type { LatestQuoteRow, RawTickStore, RecordedTick } from '../../app/tick-store-port.ts';

export type RawTickInsertMethod = 'copy' | 'unnest';

export class PostgresRawTickStore implements RawTickStore {
  constructor(private readonly sql: Sql, private readonly method: RawTickInsertMethod = 'copy') {}

  async append(batch: readonly RecordedTick[], latest: readonly LatestQuoteRow[]): Promise<void> {
    if (batch.length === 0 && latest.length === 0) return;
    if (this.method === 'copy') {
      try {
        await this.write(batch, latest, 'copy');
        return;
      } catch (error) {
        // Rolled back whole: writing the batch again cannot store a row twice.
        if (!(error instanceof CopyRefusedError)) throw error;
      }
    }
    await this.write(batch, latest, 'unnest');
  }

  private async write(batch: readonly RecordedTick[], latest: readonly LatestQuoteRow[],
    method: RawTickInsertMethod): Promise<void> {
    await this.sql.begin(async (transaction) => {
      if (batch.length > 0) {
        if (method === 'copy') await copyTicks(transaction, batch);
        else await insertTicks(transaction as unknown as Sql, batch);
      }
      if (latest.length > 0) await upsertLatest(transaction as unknown as Sql, latest);
    });
  }
}

const rawTickColumns = 'source_id, pair, bid_units, ask_units, source_time_ms, receive_time_ms, source_reference, decision';

/** Rows per write to the COPY stream: bounds one string while keeping the number of writes low. */
const copyRowsPerChunk = 2_000;

async function copyTicks(sql: TransactionSql, batch: readonly RecordedTick[]): Promise<void> {
  const chunks: string[] = [];
  for (let start = 0; start < batch.length; start += copyRowsPerChunk) {
    let chunk = '';
    for (const { tick, decision } of batch.slice(start, start + copyRowsPerChunk)) {
      chunk += `${copyText(tick.sourceId)}\t${copyText(tick.pair)}\t${tick.bidUnits}\t${tick.askUnits}\t`
        + `${tick.sourceTimeMs}\t${tick.receiveTimeMs}\t${copyText(tick.sourceReference)}\t${decision}\n`;
    }
    chunks.push(chunk);
  }
  await copyIn(sql, 'fx_raw_ticks', `copy fx_raw_ticks (${rawTickColumns}) from stdin`, chunks);
}

async function insertTicks(sql: Sql, batch: readonly RecordedTick[]): Promise<void> {
  const column = <T>(pick: (recorded: RecordedTick) => T): T[] => batch.map(pick);
  await sql`
    insert into fx_raw_ticks (source_id, pair, bid_units, ask_units, source_time_ms, receive_time_ms, source_reference, decision)
    select * from unnest(${column((row) => row.tick.sourceId)}::text[], ${column((row) => row.tick.pair)}::text[],
      ${column((row) => String(row.tick.bidUnits))}::int8[], ${column((row) => String(row.tick.askUnits))}::int8[],
      ${column((row) => String(row.tick.sourceTimeMs))}::int8[], ${column((row) => String(row.tick.receiveTimeMs))}::int8[],
      ${column((row) => row.tick.sourceReference)}::text[], ${column((row) => row.decision)}::text[])`;
}

async function upsertLatest(sql: Sql, latest: readonly LatestQuoteRow[]): Promise<void> {
  const column = <T>(pick: (row: LatestQuoteRow) => T): T[] => latest.map(pick);
  await sql`
    insert into fx_latest_quotes (source_id, pair, depth, bid_units, ask_units, source_time_ms, receive_time_ms, source_reference)
    select * from unnest(${column((row) => row.sourceId)}::text[], ${column((row) => row.pair)}::text[],
      ${column((row) => String(row.depth))}::int2[], ${column((row) => String(row.tick.bidUnits))}::int8[],
      ${column((row) => String(row.tick.askUnits))}::int8[], ${column((row) => String(row.tick.sourceTimeMs))}::int8[],
      ${column((row) => String(row.tick.receiveTimeMs))}::int8[], ${column((row) => row.tick.sourceReference)}::text[])
    on conflict (source_id, pair, depth) do update set bid_units = excluded.bid_units, ask_units = excluded.ask_units,
      source_time_ms = excluded.source_time_ms, receive_time_ms = excluded.receive_time_ms,
      source_reference = excluded.source_reference`;
}
