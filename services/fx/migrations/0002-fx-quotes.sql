-- Customer FX quotes and conversions.
--
-- * fx_quotes: every quote a customer was shown, with the exact cycle id, tier and rate it was
--   priced from: the evidence of "which rate did customer X see". What was shown never changes:
--   a trigger refuses any update of the shown terms and any delete. Only the acceptance columns
--   move, and only along open -> accepting -> accepted (accepting -> open when the exchange refused
--   the conversion, e.g. insufficient funds). An accepted quote is the conversion: the exchange
--   journalled it under the quote id (the conversion id), with its two posting ids.
-- * fx_customer_daily_usage: the TRY equivalent each customer converted per calendar day
--   (Istanbul), raised atomically by acceptance within the segment's limit.
-- * Amounts are integer minor units of the exchange ledger (bigint), rates integers at 10^-8,
--   times epoch ms.

create table fx_quotes (
  quote_id text primary key check (quote_id ~ '^fxq_[A-Za-z0-9_-]{22}$'),
  owner_id bigint not null check (owner_id >= 1),
  segment text not null check (length(segment) between 1 and 64),
  pair text not null check (pair ~ '^[A-Z0-9]{2,12}/[A-Z0-9]{2,12}$'),
  side text not null check (side in ('buy', 'sell')),
  -- The currency the customer named an amount in, and that amount.
  named_asset text not null,
  named_units bigint not null check (named_units > 0),
  cycle_id text not null,
  cycle_at_ms bigint not null,
  tier_id text not null,
  mid_units bigint not null check (mid_units > 0),
  rate_units bigint not null check (rate_units > 0),
  base_amount_units bigint not null check (base_amount_units > 0),
  quote_amount_units bigint not null check (quote_amount_units > 0),
  try_equivalent_units bigint not null check (try_equivalent_units >= 0),
  created_at_ms bigint not null,
  expires_at_ms bigint not null check (expires_at_ms > created_at_ms),
  status text not null default 'open' check (status in ('open', 'accepting', 'accepted')),
  accept_started_at_ms bigint,
  limit_day date,
  last_look_cycle_id text,
  last_look_rate_units bigint,
  accepted_at_ms bigint,
  journal_sequence bigint,
  pay_posting_id bigint,
  receive_posting_id bigint,
  check ((status = 'open') = (accept_started_at_ms is null)),
  check ((status = 'accepted') = (accepted_at_ms is not null))
);
create index fx_quotes_owner_accepted on fx_quotes (owner_id, accepted_at_ms desc, quote_id) where status = 'accepted';
create index fx_quotes_accepting on fx_quotes (accept_started_at_ms) where status = 'accepting';
create index fx_quotes_created on fx_quotes (created_at_ms);

create function fx_quotes_guard() returns trigger language plpgsql as $$
begin
  if tg_op in ('DELETE', 'TRUNCATE') then
    raise exception 'fx_quotes is evidence: % refused', tg_op;
  end if;
  if (new.quote_id, new.owner_id, new.segment, new.pair, new.side, new.named_asset, new.named_units, new.cycle_id,
      new.cycle_at_ms, new.tier_id, new.mid_units, new.rate_units, new.base_amount_units, new.quote_amount_units,
      new.try_equivalent_units, new.created_at_ms, new.expires_at_ms)
    is distinct from
     (old.quote_id, old.owner_id, old.segment, old.pair, old.side, old.named_asset, old.named_units, old.cycle_id,
      old.cycle_at_ms, old.tier_id, old.mid_units, old.rate_units, old.base_amount_units, old.quote_amount_units,
      old.try_equivalent_units, old.created_at_ms, old.expires_at_ms) then
    raise exception 'fx_quotes: the terms a customer was shown never change';
  end if;
  if not ((old.status = 'open' and new.status = 'accepting')
       or (old.status = 'accepting' and new.status in ('open', 'accepted'))) then
    raise exception 'fx_quotes: % -> % is not a quote transition', old.status, new.status;
  end if;
  return new;
end
$$;

create trigger fx_quotes_guard_update_delete before update or delete on fx_quotes
  for each row execute function fx_quotes_guard();
create trigger fx_quotes_refuse_truncate before truncate on fx_quotes
  for each statement execute function fx_quotes_guard();

create table fx_customer_daily_usage (
  owner_id bigint not null check (owner_id >= 1),
  day date not null,
  used_try_units bigint not null check (used_try_units >= 0),
  primary key (owner_id, day)
);
