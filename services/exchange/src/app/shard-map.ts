// Which engine shard holds which market. The map is configuration (PARITE_SHARDS), read the same way
// by every process, so every process routes a command to the same shard without asking anyone:
//
//   PARITE_SHARDS="BTC/TRY,BTC/USDT;ETH/TRY,ETH/USDT,USDT/TRY"   two shards, markets named per shard
//   PARITE_SHARDS="3"                                             three shards, markets by hash
//
// A market not named (one created at runtime) goes to a shard chosen by a stable hash of its symbol.
// The shard count is fixed for an installation's lifetime: each shard's journal starts with its
// shard identity (shard.configure) and its ids depend on the count. Naming a new market in the map
// is safe; moving an existing market between shards is not supported (its book lives in a journal).

import { assert } from '@parite/kernel';
import { validateSymbol } from '../domain/markets.ts';
import { shardCountMax } from '../domain/shards.ts';

/** Shard 0 holds the funding accounts: deposits, withdrawals and FX conversions post there. */
export const fundingShardIndex = 0;

export class ShardMap {
  private readonly named = new Map<string, number>();

  constructor(readonly shardCount: number, named: ReadonlyMap<string, number> = new Map()) {
    assert(Number.isSafeInteger(shardCount) && shardCount >= 1 && shardCount <= shardCountMax,
      `the shard count must be 1..${shardCountMax}`);
    for (const [symbol, shardIndex] of named) {
      assert(Number.isSafeInteger(shardIndex) && shardIndex >= 0 && shardIndex < shardCount, `shard of ${symbol} out of range`);
      this.named.set(symbol, shardIndex);
    }
  }

  static unsharded(): ShardMap {
    return new ShardMap(1);
  }

  /** Parses PARITE_SHARDS (see the header); throws a readable Error on a bad value. */
  static parse(text: string | undefined): ShardMap {
    const value = text?.trim() ?? '';
    if (value === '') return ShardMap.unsharded();
    if (/^\d+$/.test(value)) {
      const count = Number(value);
      if (count < 1 || count > shardCountMax) throw new Error(`PARITE_SHARDS: the shard count must be 1..${shardCountMax}`);
      return new ShardMap(count);
    }
    const groups = value.split(';').map((group) => group.trim());
    if (groups.length > shardCountMax) throw new Error(`PARITE_SHARDS: at most ${shardCountMax} shards`);
    const named = new Map<string, number>();
    groups.forEach((group, shardIndex) => {
      for (const entry of group.split(',').map((symbol) => symbol.trim()).filter((symbol) => symbol !== '')) {
        const symbol = entry.replace('-', '/');
        if (!validateSymbol(symbol)) throw new Error(`PARITE_SHARDS: bad market symbol ${entry}`);
        if (named.has(symbol)) throw new Error(`PARITE_SHARDS: ${symbol} is named twice`);
        named.set(symbol, shardIndex);
      }
    });
    return new ShardMap(groups.length, named);
  }

  get sharded(): boolean {
    return this.shardCount > 1;
  }

  /** The shard of a market symbol (BTC/TRY). */
  shardOfSymbol(symbol: string): number {
    const named = this.named.get(symbol);
    if (named !== undefined) return named;
    return stableHash(symbol) % this.shardCount;
  }

  /** Markets named in the configuration for one shard. */
  namedMarkets(shardIndex: number): string[] {
    return [...this.named].filter(([, index]) => index === shardIndex).map(([symbol]) => symbol);
  }
}

/** FNV-1a over the UTF-16 code units: stable across processes and versions (never change it). */
function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
