-- FX rate engine storage: raw ticks (append-only), the latest accepted quotes per source and pair,
-- the admin-managed settings (sources, margins, overrides, holidays), the rate history written by
-- the cycle consumer, and the alert log.
--
-- * fx_raw_ticks and fx_rate_history are evidence: row triggers refuse UPDATE and DELETE and a
--   statement trigger refuses TRUNCATE, as for the platform audit log. Retention is a partition
--   drop by a DBA procedure, never an application statement.
-- * Rates and prices are integers at scale 10^-8 (bigint), margins integer ppm, times epoch ms.
-- * fx_latest_quotes is written by the application once per raw-tick batch (one upsert of the touched
--   source-pairs), not by a trigger per tick: see services/fx/README.md, "Storage decisions".

create function fx_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only: % refused', tg_table_name, tg_op;
end
$$;

-- Every tick every provider delivered, with the filter's decision (ACCEPTED or a TICK_* code).
create table fx_raw_ticks (
  tick_id bigint generated always as identity primary key,
  source_id text not null,
  pair text not null,
  bid_units bigint not null,
  ask_units bigint not null,
  source_time_ms bigint not null,
  receive_time_ms bigint not null,
  source_reference text not null check (length(source_reference) between 1 and 256),
  decision text not null check (decision ~ '^(ACCEPTED|TICK_[A-Z_]+)$')
);
create index fx_raw_ticks_source_pair_time on fx_raw_ticks (source_id, pair, receive_time_ms);

create trigger fx_raw_ticks_refuse_update_delete before update or delete on fx_raw_ticks
  for each row execute function fx_refuse_change();
create trigger fx_raw_ticks_refuse_truncate before truncate on fx_raw_ticks
  for each statement execute function fx_refuse_change();

-- The latest accepted quote of each source and pair (depth 0) and its previous four (depth 1..4):
-- the smoothing window the engine prices from, for the admin console and an investigation.
create table fx_latest_quotes (
  source_id text not null,
  pair text not null,
  depth smallint not null check (depth between 0 and 4),
  bid_units bigint not null,
  ask_units bigint not null,
  source_time_ms bigint not null,
  receive_time_ms bigint not null,
  source_reference text not null,
  primary key (source_id, pair, depth)
);

-- Source settings (priority, enabled, smoothing) and, per pair, enabled and max age.
create table fx_sources (
  source_id text primary key check (source_id ~ '^[A-Za-z0-9_.-]{1,64}$'),
  enabled boolean not null,
  priority int not null check (priority between 1 and 1000),
  smoothing_depth int not null check (smoothing_depth between 1 and 5),
  spike_confirmation_ticks int not null check (spike_confirmation_ticks between 1 and 5),
  updated_at_ms bigint not null,
  updated_by text not null
);

create table fx_source_pairs (
  source_id text not null references fx_sources (source_id),
  pair text not null,
  enabled boolean not null,
  max_age_ms bigint not null check (max_age_ms > 0),
  primary key (source_id, pair)
);

-- Margin schedules: scope 'default' or a pair ('USD/TRY'). The schedule is the engine's
-- MarginSchedule document (integer ppm only); the application validates it before writing.
create table fx_margin_schedules (
  scope text primary key,
  schedule jsonb not null,
  updated_at_ms bigint not null,
  updated_by text not null,
  approval_id text
);

-- Desk overrides in force (a cleared or expired override is deleted; the audit log keeps its story).
create table fx_overrides (
  pair text primary key,
  mid_units bigint check (mid_units is null or mid_units > 0),
  extra_buy_ppm int not null check (extra_buy_ppm between 0 and 500000),
  extra_sell_ppm int not null check (extra_sell_ppm between 0 and 500000),
  expires_at_ms bigint not null,
  reference text not null,
  set_at_ms bigint not null,
  approval_id text
);

-- The business-managed holiday calendar (the FX anchor: date-holidays' ranges are wrong for
-- banking). Seeded once below; operators add bridge days and remove mistakes through the admin API.
create table fx_holidays (
  calendar_id text not null,
  holiday_date date not null,
  kind text not null check (kind in ('full', 'half')),
  name text not null check (length(name) between 1 and 200),
  origin text not null check (origin in ('seed', 'operator')),
  primary key (calendar_id, holiday_date)
);

-- One row per published cycle, and one per rate variation of it: "which rate did a customer of
-- segment S, tier T see for pair P at time T" is the latest row at or before T still valid at T.
create table fx_rate_cycles (
  cycle_id text primary key,
  sequence bigint not null,
  at_ms bigint not null,
  valid_until_ms bigint not null,
  session_kind text not null,
  pairs_without_rate text[] not null,
  dropped jsonb not null
);
create index fx_rate_cycles_at on fx_rate_cycles (at_ms);

create table fx_rate_history (
  cycle_id text not null,
  pair text not null,
  segment text not null,
  tier_id text not null,
  at_ms bigint not null,
  valid_until_ms bigint not null,
  buy_units bigint not null,
  sell_units bigint not null,
  buy_margin_ppm int not null,
  sell_margin_ppm int not null,
  mid_units bigint not null,
  market_bid_units bigint not null,
  market_ask_units bigint not null,
  precision_digits smallint not null,
  source_ids text[] not null,
  override_reference text,
  primary key (cycle_id, pair, segment, tier_id)
);
create index fx_rate_history_lookup on fx_rate_history (pair, segment, tier_id, at_ms);
create index fx_rate_history_at on fx_rate_history (at_ms);

create trigger fx_rate_cycles_refuse_update_delete before update or delete on fx_rate_cycles
  for each row execute function fx_refuse_change();
create trigger fx_rate_cycles_refuse_truncate before truncate on fx_rate_cycles
  for each statement execute function fx_refuse_change();
create trigger fx_rate_history_refuse_update_delete before update or delete on fx_rate_history
  for each row execute function fx_refuse_change();
create trigger fx_rate_history_refuse_truncate before truncate on fx_rate_history
  for each statement execute function fx_refuse_change();

-- Alerts raised by the engine and the service (no eligible source, stale source, cache down ...).
create table fx_alerts (
  alert_id bigint generated always as identity primary key,
  code text not null,
  severity text not null check (severity in ('critical', 'warning', 'info')),
  pair text,
  source_id text,
  at_ms bigint not null,
  message text not null
);
create index fx_alerts_at on fx_alerts (at_ms);
create trigger fx_alerts_refuse_update_delete before update or delete on fx_alerts
  for each row execute function fx_refuse_change();
create trigger fx_alerts_refuse_truncate before truncate on fx_alerts
  for each statement execute function fx_refuse_change();

insert into fx_holidays (calendar_id, holiday_date, kind, name, origin) values
  ('TR', '2026-01-01', 'full', 'Yılbaşı', 'seed'),
  ('TR', '2026-03-19', 'half', 'Ramazan Bayramı arifesi', 'seed'),
  ('TR', '2026-03-20', 'full', 'Ramazan Bayramı 1. gün', 'seed'),
  ('TR', '2026-03-21', 'full', 'Ramazan Bayramı 2. gün', 'seed'),
  ('TR', '2026-03-22', 'full', 'Ramazan Bayramı 3. gün', 'seed'),
  ('TR', '2026-04-23', 'full', 'Ulusal Egemenlik ve Çocuk Bayramı', 'seed'),
  ('TR', '2026-05-01', 'full', 'Emek ve Dayanışma Günü', 'seed'),
  ('TR', '2026-05-19', 'full', 'Atatürk''ü Anma, Gençlik ve Spor Bayramı', 'seed'),
  ('TR', '2026-05-26', 'half', 'Kurban Bayramı arifesi', 'seed'),
  ('TR', '2026-05-27', 'full', 'Kurban Bayramı 1. gün', 'seed'),
  ('TR', '2026-05-28', 'full', 'Kurban Bayramı 2. gün', 'seed'),
  ('TR', '2026-05-29', 'full', 'Kurban Bayramı 3. gün', 'seed'),
  ('TR', '2026-05-30', 'full', 'Kurban Bayramı 4. gün', 'seed'),
  ('TR', '2026-07-15', 'full', 'Demokrasi ve Millî Birlik Günü', 'seed'),
  ('TR', '2026-08-30', 'full', 'Zafer Bayramı', 'seed'),
  ('TR', '2026-10-28', 'half', 'Cumhuriyet Bayramı arifesi', 'seed'),
  ('TR', '2026-10-29', 'full', 'Cumhuriyet Bayramı', 'seed'),
  ('TR', '2027-01-01', 'full', 'Yılbaşı', 'seed'),
  ('TR', '2027-03-08', 'half', 'Ramazan Bayramı arifesi', 'seed'),
  ('TR', '2027-03-09', 'full', 'Ramazan Bayramı 1. gün', 'seed'),
  ('TR', '2027-03-10', 'full', 'Ramazan Bayramı 2. gün', 'seed'),
  ('TR', '2027-03-11', 'full', 'Ramazan Bayramı 3. gün', 'seed'),
  ('TR', '2027-04-23', 'full', 'Ulusal Egemenlik ve Çocuk Bayramı', 'seed'),
  ('TR', '2027-05-01', 'full', 'Emek ve Dayanışma Günü', 'seed'),
  ('TR', '2027-05-15', 'half', 'Kurban Bayramı arifesi', 'seed'),
  ('TR', '2027-05-16', 'full', 'Kurban Bayramı 1. gün', 'seed'),
  ('TR', '2027-05-17', 'full', 'Kurban Bayramı 2. gün', 'seed'),
  ('TR', '2027-05-18', 'full', 'Kurban Bayramı 3. gün', 'seed'),
  ('TR', '2027-05-19', 'full', 'Kurban Bayramı 4. gün; Atatürk''ü Anma, Gençlik ve Spor Bayramı', 'seed'),
  ('TR', '2027-07-15', 'full', 'Demokrasi ve Millî Birlik Günü', 'seed'),
  ('TR', '2027-08-30', 'full', 'Zafer Bayramı', 'seed'),
  ('TR', '2027-10-28', 'half', 'Cumhuriyet Bayramı arifesi', 'seed'),
  ('TR', '2027-10-29', 'full', 'Cumhuriyet Bayramı', 'seed');
