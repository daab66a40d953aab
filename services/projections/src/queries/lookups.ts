// Symbols and asset codes to ids, from the projected catalogue (or the engine's, when it is at hand:
// the same answer without a round trip).

import type { ExchangeEngineApi } from '@parite/exchange';
import type { AnySql } from '../storage/sql.ts';

export type CatalogueSource = Pick<ExchangeEngineApi, 'state'>;

export async function findMarketId(sql: AnySql, symbol: string, engine?: CatalogueSource): Promise<number | undefined> {
  if (engine !== undefined) return engine.state.marketBySymbol.get(symbol)?.spec.marketId;
  const rows = await sql<{ market_id: number }[]>`select market_id from markets where symbol = ${symbol}`;
  return rows[0]?.market_id;
}

export async function findAssetId(sql: AnySql, code: string, engine?: CatalogueSource): Promise<number | undefined> {
  if (engine !== undefined) return engine.state.assetByCode.get(code)?.assetId;
  const rows = await sql<{ asset_id: number }[]>`select asset_id from assets where code = ${code}`;
  return rows[0]?.asset_id;
}
