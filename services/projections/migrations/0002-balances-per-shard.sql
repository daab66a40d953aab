-- A sharded engine holds a user's funds per shard (like sub-accounts; services/exchange/src/domain/
-- shards.ts), and each shard's projector writes its own balance rows. The balance of an owner in an
-- asset is the sum over shards; an unsharded engine writes shard 0 only.
alter table balances add column shard smallint not null default 0 check (shard >= 0);
alter table balances drop constraint balances_pkey;
alter table balances add primary key (shard, owner_id, asset_id);
create index balances_owner_index on balances (owner_id, asset_id);
