// The history queries: plain functions over the projection tables, used by the HTTP plugin and by
// anything else that needs a user's history (admin tools, statements).

export { queryOrderHistory } from './queries/order-history.ts';
export type { OrderHistoryFilter, OrderHistoryItem, OrderStatusFilter } from './queries/order-history.ts';
export { queryTradeHistory } from './queries/trade-history.ts';
export type { TradeHistoryFilter, TradeHistoryItem } from './queries/trade-history.ts';
export { queryLedgerEntries } from './queries/ledger-entries.ts';
export type { LedgerEntryFilter, LedgerEntryItem } from './queries/ledger-entries.ts';
export { findAssetId, findMarketId } from './queries/lookups.ts';
export type { CatalogueSource } from './queries/lookups.ts';
export {
  entryCursorPattern, fillBounds, fillCursorPattern, historyPageLimitDefault, historyPageLimitMax,
  orderCursorPattern, parseEntryCursor, parseFillCursor, parseOrderCursor,
} from './queries/pages.ts';
export type { EntryCursor, FillCursor, FillRole, Page } from './queries/pages.ts';
export type { CounterpartyKind, SideName, TimeInForceName } from './queries/presentation.ts';
