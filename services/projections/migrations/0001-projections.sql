-- Projections: the read models of the exchange, written by the Projector from the engine's
-- committed-command stream (services/projections/README.md).
--
-- * Every table here is derived data. The journal is the source of truth: rebuildProjections()
--   truncates these tables (never the audit log) and projects the journal again from sequence 0.
-- * projection_checkpoints.sequence is the last journal sequence whose events are in these tables.
--   It is written in the same transaction as the rows, so rows and checkpoint never disagree.
-- * Money and quantities are int8 (bigint). Prices and quantities are kept in the engine's integer
--   units (ticks, lots) next to the tick and lot sizes in force when the row was written, so a later
--   change of a market's grid never reprices history.
-- * No foreign keys on the high-volume tables: the single writer checks consistency itself (an
--   update that finds no order row is an error) and every foreign key would cost a lookup per row.

create table projection_checkpoints (
  name text primary key,
  sequence bigint not null check (sequence >= 0),
  updated_at timestamptz not null default now()
);

create table assets (
  asset_id int primary key,
  code text not null unique,
  scale smallint not null check (scale between 0 and 18),
  created_sequence bigint not null
);

create table markets (
  market_id int primary key,
  symbol text not null unique,
  base_asset_id int not null references assets (asset_id),
  quote_asset_id int not null references assets (asset_id),
  status text not null,
  version int not null check (version >= 1),
  tick_size_units bigint not null check (tick_size_units > 0),
  lot_size_units bigint not null check (lot_size_units > 0),
  -- The full MarketSpec; bigint fields are decimal strings (JSON numbers would lose precision).
  spec jsonb not null,
  reference_price_ticks bigint,
  updated_sequence bigint not null
);

create table user_fee_tiers (
  owner_id bigint primary key,
  fee_tier smallint not null check (fee_tier >= 0),
  updated_sequence bigint not null
);

create table orders (
  order_id bigint primary key,
  client_order_id text not null,
  owner_id bigint not null,
  market_id int not null,
  symbol text not null,
  side smallint not null check (side in (1, 2)),
  type text not null check (type in ('limit', 'market')),
  time_in_force smallint not null check (time_in_force in (1, 2, 3)),
  post_only boolean not null,
  -- A market order carries its protection price (the worst price it accepted).
  price_ticks bigint not null check (price_ticks > 0),
  quantity_lots bigint not null,
  -- Lots still working in the book; 0 once the order is done.
  remaining_lots bigint not null check (remaining_lots >= 0),
  filled_lots bigint not null check (filled_lots >= 0),
  filled_quote_units bigint not null check (filled_quote_units >= 0),
  fee_units bigint not null check (fee_units >= 0),
  tick_size_units bigint not null check (tick_size_units > 0),
  lot_size_units bigint not null check (lot_size_units > 0),
  status text not null check (status in
    ('open', 'partially_filled', 'filled', 'cancelled', 'expired', 'self_trade_prevented')),
  created_at_ms bigint not null,
  updated_at_ms bigint not null,
  last_sequence bigint not null,
  check (filled_lots <= quantity_lots)
);

-- Order ids are assigned in journal order, so order_id order is time order: "my orders by time".
create index orders_owner_index on orders (owner_id, order_id desc);
create index orders_owner_market_index on orders (owner_id, market_id, order_id desc);
-- "My open orders": small, because finished orders leave it.
create index orders_owner_active_index on orders (owner_id, order_id desc)
  where status in ('open', 'partially_filled');

create table trades (
  trade_id bigint primary key,
  market_id int not null,
  symbol text not null,
  price_ticks bigint not null check (price_ticks > 0),
  quantity_lots bigint not null check (quantity_lots > 0),
  quote_units bigint not null check (quote_units >= 0),
  base_units bigint not null check (base_units > 0),
  tick_size_units bigint not null check (tick_size_units > 0),
  taker_side smallint not null check (taker_side in (1, 2)),
  maker_order_id bigint not null,
  maker_owner_id bigint not null,
  taker_order_id bigint not null,
  taker_owner_id bigint not null,
  maker_fee_units bigint not null check (maker_fee_units >= 0),
  taker_fee_units bigint not null check (taker_fee_units >= 0),
  executed_at_ms bigint not null,
  sequence bigint not null
);

create index trades_market_time_index on trades (market_id, executed_at_ms desc, trade_id desc);
create index trades_maker_owner_index on trades (maker_owner_id, trade_id desc);
create index trades_taker_owner_index on trades (taker_owner_id, trade_id desc);

-- Owner ids <= 0 are system accounts (External, Fees, Liquidity); only they may go negative.
create table balances (
  owner_id bigint not null,
  asset_id int not null,
  balance_units bigint not null,
  held_units bigint not null check (held_units >= 0),
  updated_sequence bigint not null,
  primary key (owner_id, asset_id),
  check (owner_id <= 0 or balance_units >= held_units)
);

create table ledger_postings (
  posting_id bigint primary key,
  -- 'trade:<tradeId>' or 'transfer:<transferId>'.
  reference text not null,
  -- The transfer command's reason; null for trade settlements.
  reason text,
  leg_count smallint not null check (leg_count >= 1),
  posted_at_ms bigint not null,
  sequence bigint not null
);

create table ledger_entries (
  posting_id bigint not null references ledger_postings (posting_id),
  leg_index smallint not null check (leg_index >= 0),
  debit_owner_id bigint not null,
  credit_owner_id bigint not null,
  asset_id int not null,
  amount_units bigint not null check (amount_units > 0),
  primary key (posting_id, leg_index),
  check (debit_owner_id <> credit_owner_id)
);

create index ledger_entries_debit_index on ledger_entries (debit_owner_id, posting_id desc, leg_index desc);
create index ledger_entries_credit_index on ledger_entries (credit_owner_id, posting_id desc, leg_index desc);
