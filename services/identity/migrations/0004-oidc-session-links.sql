-- Which credential session (identity_sessions.session_id, the interactive sign-in) opened which
-- OpenID Connect single sign-on session and grant. Access tokens carry the credential session as
-- their `sid` claim (found here by grant or session uid when a token is issued), and revoking a
-- credential session revokes the grants and ends the provider sessions listed here.
-- Keys are the provider's grant ids and session uids: identifiers, not bearer values.

create table identity_oidc_session_links (
  kind text not null check (kind in ('grant', 'session')),
  key text not null check (length(key) between 1 and 128),
  credential_session_id text not null check (length(credential_session_id) between 1 and 64),
  expires_at timestamptz not null,
  primary key (kind, key)
);

create index identity_oidc_session_links_session_index on identity_oidc_session_links (credential_session_id);
create index identity_oidc_session_links_expiry_index on identity_oidc_session_links (expires_at);
