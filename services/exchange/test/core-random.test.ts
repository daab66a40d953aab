import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng, jsonStringifyWithBigint } from '@parite/kernel';
import {
  decodeSnapshot, defaultAssets, defaultMarkets, demoReferencePrices, encodeSnapshot, ExchangeCore, restoreSnapshot,
  stateHash, takeSnapshot, type ExchangeCommand,
} from '../src/domain/index.ts';
import { fundingCommands, randomCommand } from './core-workload.ts';

function setupCommands(): ExchangeCommand[] {
  const references: ExchangeCommand[] = Object.entries(demoReferencePrices).map(([symbol, priceUnits]) => ({
    kind: 'market.reference-price', symbol, priceUnits }));
  return [...defaultAssets, ...defaultMarkets, ...references, ...fundingCommands()];
}

function workload(seed: number, count: number, core: ExchangeCore): ExchangeCommand[] {
  const prng = new Prng(seed);
  const commands = setupCommands();
  // The generator picks ids of open orders from a core that runs along, so cancels hit real orders.
  const shadow = new ExchangeCore({ bookKind: 'naive' });
  let timestamp = 1;
  for (const command of commands) shadow.execute(command, timestamp++);
  while (commands.length < count) {
    const command = randomCommand(prng, commands.length, () => [...shadow.state.orders.keys()].slice(-50));
    shadow.execute(command, timestamp++);
    commands.push(command);
  }
  void core;
  return commands;
}

for (const seed of [1, 2, 3]) {
  test(`fast and naive books give identical results, events and state (seed ${seed})`, () => {
    const fast = new ExchangeCore({ bookKind: 'fast', checkInvariants: true });
    const naive = new ExchangeCore({ bookKind: 'naive', checkInvariants: true });
    const commands = workload(seed, 3_000, fast);
    let timestamp = 1;
    let trades = 0;
    for (const [index, command] of commands.entries()) {
      const left = fast.execute(command, timestamp);
      const right = naive.execute(command, timestamp++);
      assert.equal(jsonStringifyWithBigint(left), jsonStringifyWithBigint(right), `seed ${seed} command ${index}`);
      trades += left.events.filter((event) => event.type === 'trade.executed').length;
    }
    assert.ok(trades > 100, `the workload must trade (seed ${seed}: ${trades})`);
    assert.equal(stateHash(fast.state).length, 64);
    for (const sum of fast.state.ledger.sumByAsset().values()) assert.equal(sum, 0n);
  });
}

test('snapshot at any point plus replay reproduces the state hash', () => {
  const seed = 7;
  const commands = workload(seed, 3_000, new ExchangeCore());
  const full = new ExchangeCore({ checkInvariants: true });
  commands.forEach((command, index) => full.execute(command, index + 1));
  for (const cut of [100, 1_234, 2_999]) {
    const first = new ExchangeCore();
    commands.slice(0, cut).forEach((command, index) => first.execute(command, index + 1));
    const bytes = encodeSnapshot(takeSnapshot(first.state));
    const resumed = new ExchangeCore({ checkInvariants: true }, restoreSnapshot(decodeSnapshot(bytes)));
    assert.equal(stateHash(resumed.state), stateHash(first.state), `restore at ${cut}`);
    commands.slice(cut).forEach((command, index) => resumed.execute(command, cut + index + 1));
    assert.equal(stateHash(resumed.state), stateHash(full.state), `seed ${seed}: snapshot at ${cut} then replay`);
  }
});
