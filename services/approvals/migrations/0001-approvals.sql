-- Four-eyes approval requests. A row is inserted pending and moves once to a decision
-- (approved / rejected / cancelled), then an approved one once to its outcome (executed / failed).
-- The transitions are guarded in SQL (WHERE status = ...), so concurrent checkers cannot both win.
create table approval_requests (
  id text primary key,
  kind text not null,
  permission text not null,
  target_kind text not null,
  target_id text not null,
  payload text not null,
  summary jsonb not null,
  maker_id text not null,
  status text not null check (status in ('pending', 'approved', 'executed', 'failed', 'rejected', 'cancelled')),
  checker_id text,
  decision_reason text,
  result_code text,
  result jsonb,
  created_at_ms bigint not null,
  expires_at_ms bigint not null,
  decided_at_ms bigint,
  -- The database itself refuses a self-approval, whatever the code above it does.
  constraint approval_checker_differs check (status not in ('approved', 'executed', 'failed', 'rejected') or checker_id <> maker_id)
);
create index approval_requests_pending on approval_requests (created_at_ms) where status = 'pending';
create index approval_requests_created on approval_requests (created_at_ms desc);
