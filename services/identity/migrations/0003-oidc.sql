-- OpenID Connect provider state, shared by every instance. Applied by the platform migration
-- runner (module 'identity') inside a transaction; no BEGIN/COMMIT here.
--
-- oidc_artifacts holds what oidc-provider persists through its adapter: sessions, interactions,
-- grants, authorization codes, refresh tokens, opaque tokens, replay records.
-- * id_digest is SHA-256 of the artifact id. For codes, refresh tokens and sessions the id IS the
--   bearer value (the token, the cookie), so only its digest is stored and the payload is kept
--   without its `jti`: a database dump yields no usable token, code or session cookie.
-- * grant_id groups a refresh-token family (and its codes) so revoking a grant is one delete.
-- * expires_at is honoured on every read; rows past it are dead even before the pruner runs.
-- * consumed_at is set once (codes, refresh tokens): a second consumption revokes the family.
--
-- oidc_signing_keys holds the token signing keys. The private half is sealed with AES-256-GCM
-- under the platform master key (kid as associated data) and wiped when the key is retired; the
-- public half stays published in the JWKS until every token it signed has expired.

create table oidc_artifacts (
  model text not null check (length(model) between 1 and 64),
  id_digest bytea not null check (length(id_digest) = 32),
  payload jsonb not null,
  grant_id text check (length(grant_id) <= 128),
  uid text check (length(uid) <= 128),
  user_code_digest bytea check (length(user_code_digest) = 32),
  expires_at timestamptz,
  consumed_at timestamptz,
  created_at timestamptz not null,
  primary key (model, id_digest)
);

create index oidc_artifacts_grant_index on oidc_artifacts (grant_id) where grant_id is not null;
create index oidc_artifacts_uid_index on oidc_artifacts (model, uid) where uid is not null;
create index oidc_artifacts_user_code_index on oidc_artifacts (model, user_code_digest) where user_code_digest is not null;
create index oidc_artifacts_expiry_index on oidc_artifacts (expires_at) where expires_at is not null;

create table oidc_signing_keys (
  kid text primary key check (kid ~ '^[A-Za-z0-9_-]{16,128}$'),
  algorithm text not null check (algorithm in ('ES256')),
  state text not null check (state in ('pending', 'active', 'retired')),
  public_jwk jsonb not null,
  sealed_private_key bytea check (sealed_private_key is null or length(sealed_private_key) between 29 and 4096),
  created_at timestamptz not null,
  activated_at timestamptz,
  retired_at timestamptz,
  check (state = 'retired' or sealed_private_key is not null),
  check (state <> 'active' or activated_at is not null),
  check (state <> 'retired' or retired_at is not null)
);

-- At most one key signs at a time, whatever instances race to rotate.
create unique index oidc_signing_keys_one_active on oidc_signing_keys (state) where state = 'active';
create unique index oidc_signing_keys_one_pending on oidc_signing_keys (state) where state = 'pending';
