-- Identity: users and their API keys. Applied by the platform migration runner (module
-- 'identity') inside a transaction; no BEGIN/COMMIT here.
--
-- * identity_users.id is the internal id (the matching engine's ownerId). It stays below 2^53
--   so it is a safe JavaScript integer; public_id (usr_...) is what clients see.
-- * E-mail addresses are stored lower-cased; the unique index makes a duplicate a conflict.
-- * identity_api_keys.sealed_secret is the key secret under AES-256-GCM with the master key,
--   which never enters the database (layout: version | iv | tag | ciphertext, see SecretBox).
--   The server needs the secret to verify HMAC signatures, so it cannot be a one-way hash.
-- * A key is revoked by setting revoked_at once; rows are never deleted, so the audit log's
--   references to key ids stay resolvable.

create table identity_users (
  id bigint generated always as identity primary key check (id < 9007199254740992),
  public_id text not null unique check (public_id ~ '^usr_[A-Za-z0-9_-]{16,64}$'),
  email text not null check (email = lower(email) and length(email) between 3 and 254),
  status text not null default 'active' check (status in ('active', 'disabled')),
  roles text[] not null default array['customer']::text[]
    check (cardinality(roles) between 1 and 8 and array_position(roles, null) is null),
  fee_tier integer not null default 0 check (fee_tier between 0 and 1000),
  created_at timestamptz not null
);

create unique index identity_users_email_index on identity_users (email);

create table identity_api_keys (
  key_id text primary key check (key_id ~ '^pk_[A-Za-z0-9_-]{16,64}$'),
  user_id bigint not null references identity_users (id),
  label text not null default '' check (length(label) <= 64),
  scopes text[] not null
    check (cardinality(scopes) between 1 and 3 and scopes <@ array['read', 'trade', 'withdraw']::text[]),
  ip_allow_list text[] check (ip_allow_list is null or cardinality(ip_allow_list) between 1 and 16),
  expires_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null,
  sealed_secret bytea not null check (length(sealed_secret) between 29 and 256)
);

create index identity_api_keys_user_index on identity_api_keys (user_id, created_at desc, key_id desc);
