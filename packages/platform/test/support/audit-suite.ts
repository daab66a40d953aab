// Audit log behaviour against a real PostgreSQL: the chain, the append-only triggers, tampering
// behind the triggers' back (as a superuser would), and concurrent appenders.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AssertionError, ManualClock } from '@parite/kernel';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { platformMigrations } from '../../src/platform-migrations.ts';
import { connectSql, type Sql } from '../../src/sql.ts';
import { withDatabase, type ServerHandle } from './postgres-server.ts';

const startMs = 1_700_000_000_000;

async function appendSeveral(log: AuditLog, count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    await log.append({
      actorKind: 'admin',
      actorId: `admin-${index % 2}`,
      action: index % 2 === 0 ? 'market.halt' : 'withdrawal.approve',
      targetKind: 'market',
      targetId: `market-${index}`,
      details: { index, amountMinor: 10n ** 20n },
      requestId: `request-${index}`,
    });
  }
}

async function withTriggersDisabled(sql: Sql, body: () => Promise<unknown>): Promise<void> {
  await sql`alter table audit_log disable trigger user`;
  try {
    await body();
  } finally {
    await sql`alter table audit_log enable trigger user`;
  }
}

export function registerAuditSuite(server: ServerHandle): void {
  const withAudit = (body: (sql: Sql, log: AuditLog, clock: ManualClock) => Promise<void>) =>
    withDatabase(server, [platformMigrations], async ({ sql }) => {
      const clock = new ManualClock(startMs);
      await body(sql, new AuditLog(sql, clock), clock);
    });

  describe('AuditLog', () => {
    test('appends a linked, gapless chain that verifies', async () => {
      await withAudit(async (_sql, log, clock) => {
        const first = await log.append({ actorKind: 'system', actorId: 'boot', action: 'platform.start' });
        clock.advanceMs(5);
        const second = await log.append({
          actorKind: 'admin',
          actorId: 'admin-1',
          action: 'market.halt',
          targetKind: 'market',
          targetId: 'BTC-TRY',
          details: { reason: 'maintenance', sizeLimit: 12n },
          requestId: 'request-1',
        });
        assert.equal(first.sequence, 1n);
        assert.equal(first.previousHash, null);
        assert.equal(second.sequence, 2n);
        assert.equal(second.previousHash, first.entryHash);
        assert.equal(second.occurredAtMs, startMs + 5);
        assert.deepEqual(second.details, { reason: 'maintenance', sizeLimit: '12' });
        assert.deepEqual(await log.verify(), { ok: true, entries: 2, lastHash: second.entryHash });
      });
    });

    test('an append inside a rolled-back transaction leaves no trace and no gap', async () => {
      await withAudit(async (sql, log) => {
        await sql`create table withdrawals (id text primary key)`;
        await assert.rejects(
          sql.begin(async (transaction) => {
            await transaction`insert into withdrawals (id) values ('w-1')`;
            await log.append({ actorKind: 'admin', actorId: 'a', action: 'withdrawal.approve' }, transaction);
            throw new Error('business rule failed after the audit append');
          }),
          /business rule failed/,
        );
        const committed = await sql.begin(async (transaction) => {
          await transaction`insert into withdrawals (id) values ('w-2')`;
          return await log.append({ actorKind: 'admin', actorId: 'a', action: 'withdrawal.approve' }, transaction);
        });
        assert.equal(committed.sequence, 1n);
        const withdrawals = await sql<{ id: string }[]>`select id from withdrawals`;
        assert.deepEqual(withdrawals.map((row) => row.id), ['w-2']);
        assert.deepEqual(await log.verify(), { ok: true, entries: 1, lastHash: committed.entryHash });
      });
    });

    test('redacts secrets and refuses floats in details', async () => {
      await withAudit(async (sql, log) => {
        const record = await log.append({
          actorKind: 'admin',
          actorId: 'a',
          action: 'user.update',
          details: { password: 'hunter2', profile: { iban: 'TR00', tckn: '1', name: 'Ada' }, apiKey: 'k' },
        });
        assert.deepEqual(record.details, {
          password: '[REDACTED]',
          profile: { iban: '[REDACTED]', tckn: '[REDACTED]', name: 'Ada' },
          apiKey: '[REDACTED]',
        });
        const stored = await sql<{ text: string }[]>`select details::text as text from audit_log`;
        assert.doesNotMatch(stored[0]?.text ?? '', /hunter2|TR00/);
        await assert.rejects(
          log.append({ actorKind: 'admin', actorId: 'a', action: 'fee.set', details: { rate: 0.1 } }),
          AssertionError,
        );
      });
    });

    test('triggers refuse UPDATE, DELETE and TRUNCATE but allow INSERT', async () => {
      await withAudit(async (sql, log) => {
        await appendSeveral(log, 2);
        await assert.rejects(sql`update audit_log set action = 'x' where sequence = 1`, /append-only: UPDATE refused/);
        await assert.rejects(sql`delete from audit_log where sequence = 2`, /append-only: DELETE refused/);
        await assert.rejects(sql`truncate audit_log`, /append-only: TRUNCATE refused/);
        await assert.rejects(sql`update audit_chain_head set last_sequence = 0`, /chain_head.*UPDATE refused/);
        await assert.rejects(sql`delete from audit_chain_head`, /chain_head.*DELETE refused/);
        const head = await sql<{ last_hash: string }[]>`select last_hash from audit_chain_head`;
        // A plain INSERT that links correctly is accepted, but its made-up hash is caught by verify().
        await sql`
          insert into audit_log (sequence, occurred_at, actor_kind, actor_id, action, previous_hash, entry_hash)
          values (3, now(), 'admin', 'intruder', 'market.halt', ${head[0]?.last_hash ?? null}, ${'f'.repeat(64)})`;
        assert.deepEqual(await log.verify(), { ok: false, brokenAtSequence: 3n, reason: 'entry_hash_mismatch' });
        await assert.rejects(
          sql`insert into audit_log (sequence, occurred_at, actor_kind, actor_id, action, previous_hash, entry_hash)
              values (9, now(), 'admin', 'intruder', 'x', ${'f'.repeat(64)}, ${'e'.repeat(64)})`,
          /does not follow the chain head/,
        );
      });
    });

    test('verify() finds an entry modified behind the triggers', async () => {
      await withAudit(async (sql, log) => {
        await appendSeveral(log, 4);
        await withTriggersDisabled(sql, () => sql`update audit_log set details = '{"index": 99}' where sequence = 3`);
        assert.deepEqual(await log.verify(), { ok: false, brokenAtSequence: 3n, reason: 'entry_hash_mismatch' });
      });
    });

    test('verify() finds a deleted middle entry and a deleted tail', async () => {
      await withAudit(async (sql, log) => {
        await appendSeveral(log, 4);
        await withTriggersDisabled(sql, () => sql`delete from audit_log where sequence = 4`);
        assert.deepEqual(await log.verify(), { ok: false, brokenAtSequence: 4n, reason: 'chain_head_mismatch' });
        await withTriggersDisabled(sql, () => sql`delete from audit_log where sequence = 2`);
        assert.deepEqual(await log.verify(), { ok: false, brokenAtSequence: 2n, reason: 'sequence_gap' });
      });
    });

    test('verify() finds a rewritten link', async () => {
      await withAudit(async (sql, log) => {
        await appendSeveral(log, 3);
        await withTriggersDisabled(sql, () => sql`update audit_log set previous_hash = ${'a'.repeat(64)} where sequence = 2`);
        assert.deepEqual(await log.verify(), { ok: false, brokenAtSequence: 2n, reason: 'previous_hash_mismatch' });
      });
    });

    test('concurrent appenders from several pools form one chain', async () => {
      await withDatabase(server, [platformMigrations], async (database) => {
        const writerCount = 4;
        const appendsPerWriter = 12;
        const pools = Array.from({ length: writerCount }, () => connectSql(database.url, { poolSize: 3 }));
        try {
          const clock = new ManualClock(startMs);
          await Promise.all(
            pools.map((pool, writer) => {
              const log = new AuditLog(pool, clock);
              return Promise.all(
                Array.from({ length: appendsPerWriter }, (_, index) =>
                  log.append({ actorKind: 'system', actorId: `writer-${writer}`, action: 'ledger.transfer', details: { index } }),
                ),
              );
            }),
          );
          const verification = await new AuditLog(database.sql, clock).verify();
          assert.equal(verification.ok, true);
          assert.equal(verification.ok && verification.entries, writerCount * appendsPerWriter);
        } finally {
          await Promise.all(pools.map((pool) => pool.end()));
        }
      });
    });

    test('list() filters, orders newest first and pages with a cursor', async () => {
      await withAudit(async (_sql, log, clock) => {
        for (let index = 0; index < 5; index++) {
          await log.append({ actorKind: 'admin', actorId: index < 3 ? 'alice' : 'bob', action: 'market.halt', targetKind: 'market', targetId: `m-${index}` });
          clock.advanceMs(1000);
        }
        const firstPage = await log.list({ actorId: 'alice' }, 2);
        assert.deepEqual(firstPage.records.map((record) => record.targetId), ['m-2', 'm-1']);
        assert.equal(firstPage.nextBeforeSequence, 2n);
        const secondPage = await log.list({ actorId: 'alice', beforeSequence: firstPage.nextBeforeSequence }, 2);
        assert.deepEqual(secondPage.records.map((record) => record.targetId), ['m-0']);
        assert.equal(secondPage.nextBeforeSequence, undefined);
        const byTime = await log.list({ fromMs: startMs + 1000, toMs: startMs + 3000 }, 10);
        assert.deepEqual(byTime.records.map((record) => record.targetId), ['m-2', 'm-1']);
        const byTarget = await log.list({ targetKind: 'market', targetId: 'm-4', action: 'market.halt' }, 10);
        assert.deepEqual(byTarget.records.map((record) => record.actorId), ['bob']);
      });
    });
  });
}
