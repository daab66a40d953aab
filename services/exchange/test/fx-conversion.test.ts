// fx.convert in the core: two linked postings through Liquidity, exact integer amounts rounded in
// the bank's favour, idempotent by conversion id, refusals that change nothing, and snapshot +
// replay giving the same state hash.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng, jsonStringifyWithBigint } from '@parite/kernel';
import {
  decodeSnapshot, encodeSnapshot, ExchangeCore, fxBaseUnitsForQuote, fxQuoteUnits, restoreSnapshot, stateHash,
  SystemOwner, takeSnapshot, type ExchangeCommand, type FxConvertCommand,
} from '../src/domain/index.ts';
import { alice, bob, carol, Harness } from './core-fixture.ts';

const usdTry = 4_212_340_000n; // 42.1234 TRY per USD
const xauTry = 16_845_012_000_000n; // 168,450.12 TRY per troy ounce

/** A uniform integer in [0, count). */
function below(prng: Prng, count: number): number {
  return prng.nextIntegerInclusive(0, count - 1);
}

function convert(ownerId: number, conversionId: string, side: 'buy' | 'sell', base: string, quote: string,
  rateUnits: bigint, baseAmountUnits: bigint, quoteAmountUnits: bigint): FxConvertCommand {
  return { kind: 'fx.convert', conversionId, ownerId, baseAssetCode: base, quoteAssetCode: quote, side, rateUnits,
    baseAmountUnits, quoteAmountUnits };
}

function funded(): Harness {
  const harness = new Harness();
  harness.fund(alice, 'TRY', 1_000_000_000_000n); // 1,000,000 TRY
  harness.fund(bob, 'USD', 500_000n); // 5,000 USD
  harness.fund(carol, 'XAU', 250_000_000n); // 2.5 ozt
  return harness;
}

function assertZeroSums(harness: Harness): void {
  for (const [assetId, sum] of harness.core.state.ledger.sumByAsset()) assert.equal(sum, 0n, `asset ${assetId}`);
}

function hashIgnoringClock(harness: Harness): string {
  const saved = harness.core.state.lastTimestampMs;
  harness.core.state.lastTimestampMs = 0;
  const hash = stateHash(harness.core.state);
  harness.core.state.lastTimestampMs = saved;
  return hash;
}

test('the FX currencies keep their ISO minor units; XAU is the troy ounce at 8 decimals', () => {
  const harness = new Harness();
  const scales = Object.fromEntries(['TRY', 'USD', 'EUR', 'GBP', 'CHF', 'XAU']
    .map((code) => [code, harness.core.state.assetByCode.get(code)?.scale]));
  assert.deepEqual(scales, { TRY: 6, USD: 2, EUR: 2, GBP: 2, CHF: 2, XAU: 8 });
});

test('buying USD: the customer pays TRY to Liquidity and receives USD from it, in two linked postings', () => {
  const harness = funded();
  // 100.00 USD at 42.1234 = 4,212.34 TRY exactly: 2 decimals x 4 rate digits fit TRY's 6.
  const quote = fxQuoteUnits('buy', 10_000n, usdTry, 2, 6);
  assert.equal(quote, 4_212_340_000n);
  const result = harness.ok(convert(alice, 'fxq-1', 'buy', 'USD', 'TRY', usdTry, 10_000n, quote));
  const postings = result.events.filter((event) => event.type === 'ledger.posted');
  const usd = harness.core.state.assetByCode.get('USD')!.assetId;
  const lira = harness.core.state.assetByCode.get('TRY')!.assetId;
  assert.deepEqual(postings.map((event) => event.type === 'ledger.posted' && [event.reference, event.legs]), [
    ['fx:fxq-1:pay', [{ debitOwnerId: alice, creditOwnerId: SystemOwner.Liquidity, assetId: lira, amountUnits: quote }]],
    ['fx:fxq-1:receive', [{ debitOwnerId: SystemOwner.Liquidity, creditOwnerId: alice, assetId: usd, amountUnits: 10_000n }]],
  ]);
  const firstPosting = postings[0];
  const first = firstPosting?.type === 'ledger.posted' ? firstPosting.postingId : 0;
  assert.deepEqual(result.reply, { conversionId: 'fxq-1', payPostingId: first, receivePostingId: first + 1,
    baseAmountUnits: 10_000n, quoteAmountUnits: quote });
  assert.deepEqual(harness.balance(alice, 'USD'), { balance: 10_000n, held: 0n });
  assert.deepEqual(harness.balance(alice, 'TRY'), { balance: 1_000_000_000_000n - quote, held: 0n });
  assert.deepEqual(harness.balance(SystemOwner.Liquidity, 'USD'), { balance: -10_000n, held: 0n });
  assert.deepEqual(harness.balance(SystemOwner.Liquidity, 'TRY'), { balance: quote, held: 0n });
  const changed = result.events.filter((event) => event.type === 'balance.changed');
  assert.equal(changed.length, 4, 'customer and Liquidity, in both assets');
  assertZeroSums(harness);
});

test('selling gold: the customer receives TRY rounded down to the minor unit', () => {
  const harness = funded();
  // 0.12345678 ozt x 168,450.12 = 20,796.2984... TRY: the customer receives the amount rounded down.
  const quote = fxQuoteUnits('sell', 12_345_678n, xauTry, 8, 6);
  assert.equal(quote, 12_345_678n * xauTry / 10n ** 10n);
  assert.ok(12_345_678n * xauTry % 10n ** 10n !== 0n, 'the example needs rounding');
  harness.ok(convert(carol, 'fxq-gold', 'sell', 'XAU', 'TRY', xauTry, 12_345_678n, quote));
  assert.deepEqual(harness.balance(carol, 'XAU'), { balance: 250_000_000n - 12_345_678n, held: 0n });
  assert.deepEqual(harness.balance(carol, 'TRY'), { balance: quote, held: 0n });
  assert.deepEqual(harness.balance(SystemOwner.Liquidity, 'XAU'), { balance: 12_345_678n, held: 0n });
  assert.deepEqual(harness.balance(SystemOwner.Liquidity, 'TRY'), { balance: -quote, held: 0n });
  assertZeroSums(harness);
});

test('rounding always favours the bank, by less than one minor unit', () => {
  const prng = new Prng(41);
  for (let index = 0; index < 5_000; index++) {
    const baseScale = [2, 6, 8][below(prng, 3)]!;
    const quoteScale = [2, 6][below(prng, 2)]!;
    const rate = BigInt(1 + below(prng, 2_000_000_000)) * BigInt(1 + below(prng, 5_000));
    const base = BigInt(1 + below(prng, 1_000_000_000));
    // exact value x 10^(8 + baseScale), to compare without rounding
    const exact = base * rate * 10n ** BigInt(quoteScale);
    const unit = 10n ** BigInt(8 + baseScale);
    const paid = fxQuoteUnits('buy', base, rate, baseScale, quoteScale);
    const received = fxQuoteUnits('sell', base, rate, baseScale, quoteScale);
    assert.ok(paid * unit >= exact && (paid - 1n) * unit < exact, 'a customer pays at least the exact value');
    assert.ok(received * unit <= exact && (received + 1n) * unit > exact, 'a customer receives at most the exact value');
    // Naming a quote amount: never pay more than named, never receive less than named.
    const named = BigInt(1 + below(prng, 1_000_000_000));
    const bought = fxBaseUnitsForQuote('buy', named, rate, baseScale, quoteScale);
    if (bought > 0n) assert.ok(fxQuoteUnits('buy', bought, rate, baseScale, quoteScale) <= named);
    assert.ok(fxQuoteUnits('buy', bought + 1n, rate, baseScale, quoteScale) > named, 'the most base the amount buys');
    const sold = fxBaseUnitsForQuote('sell', named, rate, baseScale, quoteScale);
    assert.ok(fxQuoteUnits('sell', sold, rate, baseScale, quoteScale) >= named);
    if (sold > 1n) assert.ok(fxQuoteUnits('sell', sold - 1n, rate, baseScale, quoteScale) < named, 'the least base');
  }
});

test('a retry of a conversion id returns the original result and changes nothing', () => {
  const harness = funded();
  const command = convert(bob, 'fxq-retry', 'sell', 'USD', 'TRY', usdTry, 12_345n,
    fxQuoteUnits('sell', 12_345n, usdTry, 2, 6));
  const first = harness.ok(command);
  const before = hashIgnoringClock(harness);
  const retry = harness.ok({ ...command });
  assert.equal(retry.unchanged, true);
  assert.equal(retry.events.length, 0);
  assert.deepEqual(retry.reply, { ...first.reply, duplicate: true });
  assert.equal(hashIgnoringClock(harness), before);
  const altered = harness.run({ ...command, baseAmountUnits: 12_346n, quoteAmountUnits:
    fxQuoteUnits('sell', 12_346n, usdTry, 2, 6) });
  assert.equal(altered.code, 'REQUEST_IDEMPOTENCY_CONFLICT');
  assert.equal(hashIgnoringClock(harness), before);
});

test('refusals return their code and change nothing', () => {
  const harness = funded();
  const before = hashIgnoringClock(harness);
  const ok = (overrides: Partial<FxConvertCommand>): FxConvertCommand => ({
    ...convert(alice, 'fxq-refused', 'buy', 'USD', 'TRY', usdTry, 10_000n, 4_212_340_000n), ...overrides });
  const refusals: [FxConvertCommand, string][] = [
    [ok({ conversionId: '' }), 'REQUEST_VALIDATION_FAILED'],
    [ok({ conversionId: 'x'.repeat(129) }), 'REQUEST_VALIDATION_FAILED'],
    [ok({ side: 'hold' as 'buy' }), 'REQUEST_VALIDATION_FAILED'],
    [ok({ rateUnits: 4_212_340_000 as unknown as bigint }), 'REQUEST_VALIDATION_FAILED'],
    [ok({ ownerId: SystemOwner.Liquidity }), 'LEDGER_ACCOUNT_UNKNOWN'],
    [ok({ ownerId: SystemOwner.External }), 'LEDGER_ACCOUNT_UNKNOWN'],
    [ok({ baseAssetCode: 'JPY' }), 'ASSET_UNKNOWN'],
    [ok({ quoteAssetCode: 'NOPE' }), 'ASSET_UNKNOWN'],
    [ok({ quoteAssetCode: 'USD' }), 'REQUEST_VALIDATION_FAILED'],
    [ok({ rateUnits: 0n }), 'FX_CONVERSION_RATE_INVALID'],
    [ok({ rateUnits: -1n }), 'FX_CONVERSION_RATE_INVALID'],
    [ok({ rateUnits: 10n ** 15n + 1n }), 'FX_CONVERSION_RATE_INVALID'],
    [ok({ baseAmountUnits: 0n, quoteAmountUnits: 0n }), 'LEDGER_AMOUNT_INVALID'],
    [ok({ quoteAmountUnits: 0n }), 'LEDGER_AMOUNT_INVALID'],
    [ok({ baseAmountUnits: -10_000n }), 'LEDGER_AMOUNT_INVALID'],
    [ok({ quoteAmountUnits: 4_212_339_999n }), 'FX_CONVERSION_AMOUNT_MISMATCH'],
    [ok({ quoteAmountUnits: 4_212_340_001n }), 'FX_CONVERSION_AMOUNT_MISMATCH'],
    [ok({ ownerId: carol }), 'LEDGER_INSUFFICIENT_FUNDS'],
    [ok({ ownerId: bob, side: 'sell', baseAmountUnits: 500_001n,
      quoteAmountUnits: fxQuoteUnits('sell', 500_001n, usdTry, 2, 6) }), 'LEDGER_INSUFFICIENT_FUNDS'],
  ];
  for (const [command, code] of refusals) {
    const result = harness.run(command);
    assert.equal(result.code, code, `${jsonStringifyWithBigint(command)} expected ${code}`);
    assert.equal(result.events.length, 0);
    assert.equal(hashIgnoringClock(harness), before, `${code} changed the state`);
  }
  assertZeroSums(harness);
});

test('both postings or neither: a receive leg beyond the ledger bound leaves the pay leg unapplied', () => {
  const harness = funded();
  // Liquidity already owes the ledger's bound in USD: one more cent would overflow it.
  harness.ok({ kind: 'ledger.transfer', transferId: 'liquidity-at-bound', debitOwnerId: SystemOwner.Liquidity,
    creditOwnerId: carol, assetCode: 'USD', amountUnits: 2n ** 63n - 1n, reason: 'test' });
  const before = hashIgnoringClock(harness);
  const result = harness.run(convert(alice, 'fxq-bound', 'buy', 'USD', 'TRY', usdTry, 1n, fxQuoteUnits('buy', 1n, usdTry, 2, 6)));
  assert.equal(result.code, 'LEDGER_BALANCE_LIMIT');
  assert.equal(hashIgnoringClock(harness), before);
  assert.deepEqual(harness.balance(alice, 'TRY'), { balance: 1_000_000_000_000n, held: 0n });
});

function conversionWorkload(seed: number, count: number): ExchangeCommand[] {
  const prng = new Prng(seed);
  const harness = funded();
  const commands: ExchangeCommand[] = [...harness.log];
  const pairs = [['USD', 'TRY', usdTry, 2, 6], ['XAU', 'TRY', xauTry, 8, 6], ['EUR', 'USD', 108_123_000n, 2, 2]] as const;
  for (let index = 0; commands.length < count; index++) {
    const [base, quote, rate, baseScale, quoteScale] = pairs[below(prng, pairs.length)]!;
    const side = below(prng, 2) === 0 ? 'buy' : 'sell';
    const owner = [alice, bob, carol][below(prng, 3)]!;
    const baseAmount = BigInt(1 + below(prng, baseScale === 8 ? 10_000_000 : 50_000));
    // Some ids repeat on purpose: those are retries (identical) and must change nothing.
    const id = below(prng, 10) === 0 && index > 0 ? `w-${index - 1}` : `w-${index}`;
    commands.push(convert(owner, id, side, base, quote, rate, baseAmount,
      fxQuoteUnits(side, baseAmount, rate, baseScale, quoteScale)));
  }
  return commands;
}

test('snapshot + replay and replay from zero give the same state hash with conversions in the state', () => {
  const commands = conversionWorkload(5, 1_500);
  const full = new ExchangeCore({ checkInvariants: true });
  let converted = 0;
  let firstConverted: ExchangeCommand | undefined;
  commands.forEach((command, index) => {
    const result = full.execute(command, index + 1);
    if (command.kind === 'fx.convert' && result.code === 'OK' && result.unchanged !== true) {
      converted++;
      firstConverted ??= command;
    }
  });
  assert.ok(converted > 300, `the workload must convert (${converted})`);
  assert.ok(full.state.conversionIds.size === converted);
  for (const sum of full.state.ledger.sumByAsset().values()) assert.equal(sum, 0n);
  for (const cut of [20, 700, 1_499]) {
    const first = new ExchangeCore();
    commands.slice(0, cut).forEach((command, index) => first.execute(command, index + 1));
    const resumed = new ExchangeCore({ checkInvariants: true },
      restoreSnapshot(decodeSnapshot(encodeSnapshot(takeSnapshot(first.state)))));
    assert.equal(stateHash(resumed.state), stateHash(first.state), `restore at ${cut}`);
    commands.slice(cut).forEach((command, index) => resumed.execute(command, cut + index + 1));
    assert.equal(stateHash(resumed.state), stateHash(full.state), `snapshot at ${cut} then replay`);
    // After the restore a retry is still recognised.
    assert.equal(resumed.execute(firstConverted!, commands.length + 1).unchanged, true);
  }
});

test('a snapshot from before FX conversions existed still restores', () => {
  const harness = funded();
  const snapshot = takeSnapshot(harness.core.state);
  delete snapshot.conversionIds;
  const restored = restoreSnapshot(decodeSnapshot(encodeSnapshot(snapshot)));
  assert.equal(restored.conversionIds.size, 0);
  assert.equal(stateHash(restored), stateHash(harness.core.state));
});

test('the journal codec round-trips a conversion exactly', async () => {
  const { decodeCommand, encodeCommand } = await import('../src/app/command-codec.ts');
  const command = convert(alice, 'fxq_AAAAAAAAAAAAAAAAAAAAAA', 'sell', 'XAU', 'TRY', xauTry, 12_345_678n,
    fxQuoteUnits('sell', 12_345_678n, xauTry, 8, 6));
  assert.deepEqual(decodeCommand(encodeCommand(command)), command);
});
