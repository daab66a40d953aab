// PostgreSQL storage of customer quotes (migrations/0002-fx-quotes.sql). Acceptance is decided
// here, atomically: one transaction moves the quote from open to accepting (only if it is still
// open, unexpired and the caller's) and raises the customer's daily usage (only if it stays within
// the limit). Two concurrent acceptances of one quote serialise on its row: exactly one claims it.
// The quote row, not the cache, is the truth a claim is checked against.

import type { Sql } from '@parite/platform';
import type { FxSide } from '@parite/exchange/domain';

export type QuoteStatus = 'open' | 'accepting' | 'accepted';

export interface NewQuote {
  readonly quoteId: string;
  readonly ownerId: number;
  readonly segment: string;
  readonly pair: string;
  readonly side: FxSide;
  readonly namedAsset: string;
  readonly namedUnits: bigint;
  readonly cycleId: string;
  readonly cycleAtMs: number;
  readonly tierId: string;
  readonly midUnits: bigint;
  readonly rateUnits: bigint;
  readonly baseAmountUnits: bigint;
  readonly quoteAmountUnits: bigint;
  readonly tryEquivalentUnits: bigint;
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
}

export interface QuoteRecord extends NewQuote {
  readonly status: QuoteStatus;
  readonly acceptStartedAtMs: number | undefined;
  readonly limitDay: string | undefined;
  readonly lastLookCycleId: string | undefined;
  readonly lastLookRateUnits: bigint | undefined;
  readonly acceptedAtMs: number | undefined;
  readonly journalSequence: bigint | undefined;
  readonly payPostingId: number | undefined;
  readonly receivePostingId: number | undefined;
}

export type ClaimRefusal = 'FX_QUOTE_UNKNOWN' | 'FX_QUOTE_ALREADY_ACCEPTED' | 'FX_QUOTE_EXPIRED' | 'FX_QUOTE_LIMIT_EXCEEDED';

export interface ClaimRequest {
  readonly quoteId: string;
  readonly ownerId: number;
  readonly nowMs: number;
  readonly limitDay: string;
  readonly limitTryUnits: bigint;
  readonly lastLookCycleId: string;
  readonly lastLookRateUnits: bigint;
}

export interface Completion {
  readonly acceptedAtMs: number;
  /** Undefined when the exchange already held the conversion (a resumed acceptance). */
  readonly journalSequence: bigint | undefined;
  readonly payPostingId: number;
  readonly receivePostingId: number;
}

type Scalar = string | number | bigint | null;
type Row = Record<string, Scalar>;

function text(row: Row, column: string): string {
  return String(row[column]);
}

function integer(row: Row, column: string): number {
  return Number(row[column]);
}

function big(row: Row, column: string): bigint {
  return BigInt(row[column] as string | number | bigint);
}

function optional<T>(row: Row, column: string, read: (row: Row, column: string) => T): T | undefined {
  return row[column] === null || row[column] === undefined ? undefined : read(row, column);
}

function toQuote(row: Row): QuoteRecord {
  return {
    quoteId: text(row, 'quote_id'), ownerId: integer(row, 'owner_id'), segment: text(row, 'segment'),
    pair: text(row, 'pair'), side: text(row, 'side') as FxSide, namedAsset: text(row, 'named_asset'),
    namedUnits: big(row, 'named_units'), cycleId: text(row, 'cycle_id'), cycleAtMs: integer(row, 'cycle_at_ms'),
    tierId: text(row, 'tier_id'), midUnits: big(row, 'mid_units'), rateUnits: big(row, 'rate_units'),
    baseAmountUnits: big(row, 'base_amount_units'), quoteAmountUnits: big(row, 'quote_amount_units'),
    tryEquivalentUnits: big(row, 'try_equivalent_units'), createdAtMs: integer(row, 'created_at_ms'),
    expiresAtMs: integer(row, 'expires_at_ms'), status: text(row, 'status') as QuoteStatus,
    acceptStartedAtMs: optional(row, 'accept_started_at_ms', integer), limitDay: optional(row, 'limit_day_text', text),
    lastLookCycleId: optional(row, 'last_look_cycle_id', text),
    lastLookRateUnits: optional(row, 'last_look_rate_units', big),
    acceptedAtMs: optional(row, 'accepted_at_ms', integer), journalSequence: optional(row, 'journal_sequence', big),
    payPostingId: optional(row, 'pay_posting_id', integer), receivePostingId: optional(row, 'receive_posting_id', integer),
  };
}

/** Thrown inside a claim transaction to roll it back. */
class LimitExceeded extends Error {}

export class PostgresQuoteStore {
  constructor(private readonly sql: Sql) {}

  async insert(quote: NewQuote): Promise<void> {
    await this.sql`
      insert into fx_quotes (quote_id, owner_id, segment, pair, side, named_asset, named_units, cycle_id, cycle_at_ms,
        tier_id, mid_units, rate_units, base_amount_units, quote_amount_units, try_equivalent_units, created_at_ms,
        expires_at_ms)
      values (${quote.quoteId}, ${quote.ownerId}, ${quote.segment}, ${quote.pair}, ${quote.side}, ${quote.namedAsset},
        ${quote.namedUnits.toString()}, ${quote.cycleId}, ${quote.cycleAtMs}, ${quote.tierId}, ${quote.midUnits.toString()},
        ${quote.rateUnits.toString()}, ${quote.baseAmountUnits.toString()}, ${quote.quoteAmountUnits.toString()},
        ${quote.tryEquivalentUnits.toString()}, ${quote.createdAtMs}, ${quote.expiresAtMs})`;
  }

  async find(quoteId: string): Promise<QuoteRecord | undefined> {
    const [row] = await this.sql<Row[]>`select *, limit_day::text as limit_day_text from fx_quotes where quote_id = ${quoteId}`;
    return row === undefined ? undefined : toQuote(row);
  }

  /** The TRY equivalent the customer has converted (or is converting) on the day. */
  async usedTryUnits(ownerId: number, day: string): Promise<bigint> {
    const [row] = await this.sql<Row[]>`
      select used_try_units from fx_customer_daily_usage where owner_id = ${ownerId} and day = ${day}`;
    return row === undefined ? 0n : big(row, 'used_try_units');
  }

  /** open -> accepting and the daily usage raised, in one transaction; or a refusal that changed nothing. */
  async claim(request: ClaimRequest): Promise<{ ok: true; quote: QuoteRecord } | { ok: false; code: ClaimRefusal }> {
    try {
      return await this.sql.begin(async (transaction) => {
        const [claimed] = await transaction<Row[]>`
          update fx_quotes set status = 'accepting', accept_started_at_ms = ${request.nowMs}, limit_day = ${request.limitDay},
            last_look_cycle_id = ${request.lastLookCycleId}, last_look_rate_units = ${request.lastLookRateUnits.toString()}
          where quote_id = ${request.quoteId} and owner_id = ${request.ownerId} and status = 'open'
            and expires_at_ms > ${request.nowMs}
          returning *, limit_day::text as limit_day_text`;
        if (claimed === undefined) {
          const [current] = await transaction<Row[]>`
            select status, expires_at_ms from fx_quotes where quote_id = ${request.quoteId} and owner_id = ${request.ownerId}`;
          if (current === undefined) return { ok: false, code: 'FX_QUOTE_UNKNOWN' } as const;
          if (text(current, 'status') !== 'open') return { ok: false, code: 'FX_QUOTE_ALREADY_ACCEPTED' } as const;
          return { ok: false, code: 'FX_QUOTE_EXPIRED' } as const;
        }
        const quote = toQuote(claimed);
        if (quote.tryEquivalentUnits > request.limitTryUnits) throw new LimitExceeded();
        // The conflicting row is locked and re-read by the upsert: concurrent claims of one
        // customer add up one after the other, and the WHERE sees every earlier one.
        const [usage] = await transaction<Row[]>`
          insert into fx_customer_daily_usage as usage (owner_id, day, used_try_units)
          values (${request.ownerId}, ${request.limitDay}, ${quote.tryEquivalentUnits.toString()})
          on conflict (owner_id, day) do update set used_try_units = usage.used_try_units + excluded.used_try_units
          where usage.used_try_units + excluded.used_try_units <= ${request.limitTryUnits.toString()}
          returning used_try_units`;
        if (usage === undefined) throw new LimitExceeded();
        return { ok: true, quote } as const;
      });
    } catch (error) {
      if (error instanceof LimitExceeded) return { ok: false, code: 'FX_QUOTE_LIMIT_EXCEEDED' };
      throw error;
    }
  }

  /** accepting -> open and the usage given back: the exchange refused the conversion, nothing moved. */
  async release(quote: QuoteRecord): Promise<void> {
    await this.sql.begin(async (transaction) => {
      const [released] = await transaction<Row[]>`
        update fx_quotes set status = 'open', accept_started_at_ms = null, limit_day = null, last_look_cycle_id = null,
          last_look_rate_units = null
        where quote_id = ${quote.quoteId} and status = 'accepting'
        returning quote_id`;
      if (released === undefined || quote.limitDay === undefined) return;
      await transaction`
        update fx_customer_daily_usage set used_try_units = used_try_units - ${quote.tryEquivalentUnits.toString()}
        where owner_id = ${quote.ownerId} and day = ${quote.limitDay}`;
      // A day row back at zero goes, so a refused conversion leaves no trace at all.
      await transaction`
        delete from fx_customer_daily_usage where owner_id = ${quote.ownerId} and day = ${quote.limitDay}
          and used_try_units = 0`;
    });
  }

  async complete(quoteId: string, completion: Completion): Promise<QuoteRecord | undefined> {
    const [row] = await this.sql<Row[]>`
      update fx_quotes set status = 'accepted', accepted_at_ms = ${completion.acceptedAtMs},
        journal_sequence = ${completion.journalSequence === undefined ? null : completion.journalSequence.toString()},
        pay_posting_id = ${completion.payPostingId}, receive_posting_id = ${completion.receivePostingId}
      where quote_id = ${quoteId} and status = 'accepting'
      returning *, limit_day::text as limit_day_text`;
    return row === undefined ? undefined : toQuote(row);
  }

  /** The customer's conversions, newest first. */
  async listAccepted(ownerId: number, limit: number): Promise<QuoteRecord[]> {
    const rows = await this.sql<Row[]>`
      select *, limit_day::text as limit_day_text from fx_quotes where owner_id = ${ownerId} and status = 'accepted'
      order by accepted_at_ms desc, quote_id limit ${limit}`;
    return rows.map(toQuote);
  }

  /** Acceptances left half-way (the process stopped between claim and completion), oldest first. */
  async listAccepting(startedBeforeMs: number, limit: number): Promise<QuoteRecord[]> {
    const rows = await this.sql<Row[]>`
      select *, limit_day::text as limit_day_text from fx_quotes
      where status = 'accepting' and accept_started_at_ms < ${startedBeforeMs}
      order by accept_started_at_ms limit ${limit}`;
    return rows.map(toQuote);
  }
}
