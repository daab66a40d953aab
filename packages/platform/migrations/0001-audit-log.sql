-- Audit log: the append-only, hash-chained record of every admin and money-moving action.
--
-- * Rows are inserted, never updated or deleted: row triggers refuse UPDATE and DELETE and a
--   statement trigger refuses TRUNCATE.
-- * sequence is gapless (1, 2, 3, ...) and assigned from audit_chain_head rather than a sequence
--   object, so a rolled-back append leaves no hole and a missing row is always evidence.
-- * entry_hash = sha256(previous_hash || canonical JSON of the entry), computed by the
--   application (AuditLog in @parite/platform); the insert trigger checks that each new row
--   links to the chain head and advances it in the same statement. Appenders lock the single
--   head row, so concurrent writers form one chain and never fork it.
-- * audit_chain_head is written only by that trigger: direct updates, deletes and truncates are
--   refused, so dropping the last rows is caught by verify() comparing the table with the head.

create table audit_log (
  sequence bigint primary key check (sequence >= 1),
  occurred_at timestamptz not null,
  actor_kind text not null,
  actor_id text not null,
  action text not null,
  target_kind text,
  target_id text,
  details jsonb not null default '{}'::jsonb,
  request_id text,
  previous_hash text,
  entry_hash text not null unique check (length(entry_hash) = 64),
  check ((sequence = 1) = (previous_hash is null))
);

create index audit_log_actor_index on audit_log (actor_id, sequence);
create index audit_log_target_index on audit_log (target_kind, target_id, sequence);
create index audit_log_action_index on audit_log (action, sequence);

create table audit_chain_head (
  id int primary key check (id = 1),
  last_sequence bigint not null check (last_sequence >= 0),
  last_hash text
);

insert into audit_chain_head (id, last_sequence, last_hash) values (1, 0, null);

create function audit_log_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only: % refused', tg_op;
end
$$;

create trigger audit_log_refuse_update_delete
  before update or delete on audit_log
  for each row execute function audit_log_refuse_change();

create trigger audit_log_refuse_truncate
  before truncate on audit_log
  for each statement execute function audit_log_refuse_change();

create function audit_log_link_to_head() returns trigger language plpgsql as $$
declare
  head audit_chain_head%rowtype;
begin
  select * into head from audit_chain_head where id = 1 for update;
  if new.sequence <> head.last_sequence + 1 then
    raise exception 'audit_log sequence % does not follow the chain head %', new.sequence, head.last_sequence;
  end if;
  if new.previous_hash is distinct from head.last_hash then
    raise exception 'audit_log entry % does not link to the chain head hash', new.sequence;
  end if;
  update audit_chain_head set last_sequence = new.sequence, last_hash = new.entry_hash where id = 1;
  return new;
end
$$;

create trigger audit_log_link_to_head
  before insert on audit_log
  for each row execute function audit_log_link_to_head();

-- pg_trigger_depth() > 1 means the update comes from audit_log_link_to_head, the only legitimate writer.
create function audit_chain_head_guard() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and pg_trigger_depth() > 1 then
    return new;
  end if;
  raise exception 'audit_chain_head is maintained by the audit_log insert trigger: % refused', tg_op;
end
$$;

create trigger audit_chain_head_guard
  before update or delete on audit_chain_head
  for each row execute function audit_chain_head_guard();

create trigger audit_chain_head_refuse_truncate
  before truncate on audit_chain_head
  for each statement execute function audit_chain_head_guard();
