// Shared fixture of the quote tests: a fresh PostgreSQL database with the FX schema, a real
// exchange engine (memory journal, invariants checked after every command) with the default
// catalogue and funded customers, "stored" current rates the tests move cycle by cycle, and a
// quote service over them.

import { fileURLToPath } from 'node:url';
import { MemoryAuditRecorder } from '@parite/contracts';
import { ManualClock, Prng } from '@parite/kernel';
import { MemoryJournal, MemorySnapshotStore } from '@parite/journal';
import { createTestDatabase, runMigrations, type TestDatabase } from '@parite/platform';
import { decodeCommand, defaultAssets, ExchangeEngine, SystemOwner, type ExchangeCommand } from '@parite/exchange';
import {
  MemoryCurrentRateSource, PostgresQuoteStore, QuoteService, type CurrentPairRates, type CurrentTierRate,
  type QuoteServiceOptions,
} from '../src/index.ts';

export const fxQuoteMigrations = { module: 'fx', directory: fileURLToPath(new URL('../migrations', import.meta.url)) };

export const alice = 2001;
export const bob = 2002;
export const corporate = 2003;
/** Wednesday 4 March 2026, 10:00 in Istanbul. */
export const startMs = Date.parse('2026-03-04T10:00:00+03:00');

/** 'x.y' at 10^-8, for rates written by hand. */
export function rate(text: string): number {
  const [whole = '0', fraction = ''] = text.split('.');
  return Number(BigInt(whole + fraction.padEnd(8, '0')));
}

export interface PairPrices {
  mid: string;
  /** Per tier: [buy, sell]. */
  tiers: Record<'T1' | 'T2', [string, string]>;
}

export const basePrices: Record<string, PairPrices> = {
  'USD/TRY': { mid: '42.1', tiers: { T1: ['42.1234', '42.0012'], T2: ['42.11', '42.05'] } },
  'EUR/TRY': { mid: '45.5', tiers: { T1: ['45.6111', '45.3888'], T2: ['45.55', '45.45'] } },
  'EUR/USD': { mid: '1.08', tiers: { T1: ['1.08321', '1.07679'], T2: ['1.0815', '1.0785'] } },
  'XAU/TRY': { mid: '168400', tiers: { T1: ['168450.12', '168300.55'], T2: ['168420', '168380'] } },
};

export const tierBounds = { T1: 10_000, T2: null } as const;

export class QuoteFixture {
  readonly clock = new ManualClock(startMs);
  readonly rates = new MemoryCurrentRateSource();
  readonly audit = new MemoryAuditRecorder();
  readonly journal = new MemoryJournal();
  readonly engine: ExchangeEngine;
  readonly store: PostgresQuoteStore;
  readonly service: QuoteService;
  cycleSequence = 0;

  private constructor(readonly database: TestDatabase, options: Partial<QuoteServiceOptions>) {
    this.engine = new ExchangeEngine({ journal: this.journal, snapshots: new MemorySnapshotStore(), clock: this.clock,
      checkInvariants: true });
    this.store = new PostgresQuoteStore(database.sql);
    const prng = new Prng(99);
    this.service = new QuoteService({
      store: this.store, engine: this.engine, rates: this.rates, audit: this.audit, clock: this.clock,
      random: { bytes: (length) => Uint8Array.from({ length }, () => prng.nextUint32() & 0xff) },
      segments: { segmentOf: async (ownerId) => (ownerId === corporate ? 'corporate' : 'retail') },
      dailyLimitTryUnits: { retail: 10_000_000_000_000n, corporate: 100_000_000_000_000n },
      ...options,
    });
  }

  static async open(adminUrl: string, options: Partial<QuoteServiceOptions> = {}): Promise<QuoteFixture> {
    const database = await createTestDatabase({ adminUrl, poolSize: 10 });
    try {
      await runMigrations(database.sql, [fxQuoteMigrations]);
    } catch (error) {
      await database.drop();
      throw error;
    }
    const fixture = new QuoteFixture(database, options);
    await fixture.engine.start();
    for (const command of defaultAssets) await fixture.submit(command);
    fixture.publishCycle();
    return fixture;
  }

  async close(): Promise<void> {
    await this.engine.stop();
    await this.database.drop();
  }

  async submit(command: ExchangeCommand): Promise<void> {
    const committed = await this.engine.submit(command);
    if (committed.result.code !== 'OK') throw new Error(`${command.kind} refused: ${committed.result.code}`);
  }

  async fund(ownerId: number, assetCode: string, amountUnits: bigint): Promise<void> {
    await this.submit({ kind: 'ledger.transfer', transferId: `fund-${ownerId}-${assetCode}-${this.journal.lastSequence}`,
      debitOwnerId: SystemOwner.External, creditOwnerId: ownerId, assetCode, amountUnits, reason: 'test funding' });
  }

  balance(ownerId: number, assetCode: string): bigint {
    const asset = this.engine.state.assetByCode.get(assetCode);
    if (asset === undefined) throw new Error(assetCode);
    return this.engine.state.ledger.peek(ownerId, asset.assetId)?.balanceUnits ?? 0n;
  }

  /** Stores a new cycle for every pair and both segments; `adjust` changes a pair's prices. */
  publishCycle(adjust: Partial<Record<string, PairPrices>> = {}, validityMs = 10_000): string {
    this.cycleSequence++;
    const cycleId = `fx-test:${this.cycleSequence}`;
    const atMs = this.clock.nowMs();
    for (const [pair, base] of Object.entries(basePrices)) {
      const prices = adjust[pair] ?? base;
      for (const segment of ['retail', 'corporate']) {
        const tiers: CurrentTierRate[] = (['T1', 'T2'] as const).map((tierId) => ({
          tierId, upToBaseUnits: tierBounds[tierId], buyUnits: rate(prices.tiers[tierId][0]),
          sellUnits: rate(prices.tiers[tierId][1]) }));
        const rates: CurrentPairRates = { cycleId, pair, segment, atMs, validUntilMs: atMs + validityMs,
          midUnits: rate(prices.mid), tiers };
        this.rates.set(rates);
      }
    }
    return cycleId;
  }

  /** Journalled fx.convert commands, in order. */
  journalledConversions(): string[] {
    return this.journal.storage.records.map((record) => decodeCommand(record.payload))
      .flatMap((command) => (command.kind === 'fx.convert' ? [command.conversionId] : []));
  }

  sumsAreZero(): boolean {
    return [...this.engine.state.ledger.sumByAsset().values()].every((sum) => sum === 0n);
  }
}
