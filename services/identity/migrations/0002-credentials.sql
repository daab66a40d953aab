-- Interactive credentials: passwords, one-time tokens, TOTP, recovery codes, devices, sessions,
-- shared login throttle counters and the e-mail outbox. Applied by the platform migration runner
-- (module 'identity') inside a transaction; no BEGIN/COMMIT here.
--
-- Nothing here is usable as a credential on its own:
-- * password_hash is argon2id in PHC form ($argon2id$v=19$m=...,t=...,p=...$salt$hash);
-- * token_hash, session token_hash, code_hash and fingerprint_hash are SHA-256 digests of
--   256-bit (tokens), 80-bit (recovery codes) or client-held (device) secrets;
-- * sealed_secret (TOTP) is AES-256-GCM under the identity master key, which is not in the
--   database (layout: version | iv | tag | ciphertext, see SecretBox).
-- The e-mail outbox is the exception: it holds the messages as sent, links included, for
-- deployments without SMTP. Read access to it is access to those mailboxes; purge it.

create table identity_passwords (
  user_id bigint primary key references identity_users (id),
  password_hash text not null check (password_hash like '$argon2%' and length(password_hash) <= 256),
  email_verified_at timestamptz,
  updated_at timestamptz not null
);

create table identity_credential_tokens (
  token_hash bytea primary key check (length(token_hash) = 32),
  purpose text not null check (purpose in ('email-verification', 'password-reset', 'device-confirmation', 'login-challenge')),
  user_id bigint not null references identity_users (id),
  created_at timestamptz not null,
  expires_at timestamptz not null check (expires_at > created_at),
  consumed_at timestamptz,
  context jsonb not null default '{}'::jsonb check (jsonb_typeof(context) = 'object' and length(context::text) <= 2048)
);

create index identity_credential_tokens_user_index on identity_credential_tokens (user_id, purpose) where consumed_at is null;
create index identity_credential_tokens_expiry_index on identity_credential_tokens (expires_at);

create table identity_totp (
  user_id bigint primary key references identity_users (id),
  sealed_secret bytea not null check (length(sealed_secret) between 29 and 256),
  created_at timestamptz not null,
  confirmed_at timestamptz,
  last_used_step bigint check (last_used_step >= 0)
);

create table identity_recovery_codes (
  user_id bigint not null references identity_users (id),
  code_hash bytea not null check (length(code_hash) = 32),
  created_at timestamptz not null,
  used_at timestamptz,
  primary key (user_id, code_hash)
);

create table identity_devices (
  device_id text primary key check (device_id ~ '^dev_[A-Za-z0-9_-]{16,64}$'),
  user_id bigint not null references identity_users (id),
  fingerprint_hash bytea not null check (length(fingerprint_hash) = 32),
  label text not null check (length(label) between 1 and 64),
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  last_country text check (last_country ~ '^[A-Z]{2}$'),
  confirmed_at timestamptz,
  unique (user_id, fingerprint_hash)
);

create table identity_sessions (
  session_id text primary key check (session_id ~ '^ses_[A-Za-z0-9_-]{16,64}$'),
  user_id bigint not null references identity_users (id),
  -- Not a foreign key: forgetting a device revokes its sessions but keeps their history.
  device_id text,
  token_hash bytea not null unique check (length(token_hash) = 32),
  bound_device_hash bytea check (length(bound_device_hash) = 32),
  ip text not null check (length(ip) <= 64),
  country text check (country ~ '^[A-Z]{2}$'),
  methods text[] not null check (cardinality(methods) between 1 and 4
    and methods <@ array['password', 'totp', 'recovery-code', 'email-link']::text[]),
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  expires_at timestamptz not null,
  revoked_at timestamptz,
  step_up_at timestamptz
);

create index identity_sessions_user_index on identity_sessions (user_id, created_at desc) where revoked_at is null;

-- Failure counters shared by every API instance. key is a SHA-256 (hex) of "account:<e-mail>",
-- "ip:<address or /64>", ...: no address or e-mail is stored.
create table identity_login_throttle (
  key text primary key check (key ~ '^[0-9a-f]{64}$'),
  failures integer not null check (failures >= 0),
  last_attempt_at timestamptz not null
);

create index identity_login_throttle_age_index on identity_login_throttle (last_attempt_at);

-- Outbound e-mail kept in the database: the delivery channel of the embedded mode (an operator
-- reads it) and a record of what was sent. Purged by age (PostgresOutboxEmailSender.purge).
create table identity_email_outbox (
  id bigint generated always as identity primary key,
  kind text not null check (kind ~ '^[a-z][a-z-]{0,63}$'),
  recipient text not null check (length(recipient) between 3 and 254),
  subject text not null check (length(subject) <= 256),
  body text not null check (length(body) <= 65536),
  created_at timestamptz not null,
  delivered_at timestamptz
);

create index identity_email_outbox_created_index on identity_email_outbox (created_at);
