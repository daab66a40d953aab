// The four-eyes rules, against both stores: the maker never approves its own request, a checker
// needs the request's own permission, an approved action runs exactly once, and nothing runs
// after a rejection, a cancellation or the expiry.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryAuditRecorder, ServiceError, type ErrorCode } from '@parite/contracts';
import type { Permission } from '@parite/http';
import { ManualClock } from '@parite/kernel';
import { createTestDatabase, runMigrations, startTestPostgres, type TestDatabase, type TestPostgresServer } from '@parite/platform';
import {
  ApprovalService, MemoryApprovalStore, PostgresApprovalStore, approvalsMigrations, type ApprovalStore, type Decider,
} from '../src/index.ts';

function staff(id: string, ...permissions: Permission[]): Decider {
  return { id, permissions: new Set(permissions) };
}

const maker = staff('usr_maker', 'ledger:admin', 'approval:decide');
const checker = staff('usr_checker', 'ledger:admin', 'approval:decide');
const secondChecker = staff('usr_checker2', 'ledger:admin', 'approval:decide');
const treasurer = staff('usr_treasury', 'treasury:operate', 'approval:decide');

async function refused(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof ServiceError && error.code === code);
}

function suite(name: string, openStore: () => Promise<{ store: ApprovalStore; close(): Promise<void> }>): void {
  describe(name, () => {
    let store: ApprovalStore;
    let closeStore: () => Promise<void>;
    let clock: ManualClock;
    let audit: MemoryAuditRecorder;
    let service: ApprovalService;
    let executions: string[];

    before(async () => {
      ({ store, close: closeStore } = await openStore());
    });
    after(async () => closeStore());

    function fresh(): void {
      clock = new ManualClock(1_800_000_000_000);
      audit = new MemoryAuditRecorder();
      executions = [];
      service = new ApprovalService({ store, audit, clock, timeToLiveMs: 60_000 });
      service.registerExecutor('ledger.transfer', async (payload, context) => {
        executions.push(`${payload}@${context.approvalId}`);
        await new Promise((resolve) => setImmediate(resolve));
        return { ok: true, code: 'OK', result: { sequence: String(executions.length) } };
      });
    }

    const request = () => service.request({ kind: 'ledger.transfer', permission: 'ledger:admin', targetKind: 'ledger',
      targetId: '42', payload: '{"amount":"10"}', summary: { amount: '10', asset: 'TRY' } }, maker, 'req-1');

    test('the maker cannot approve or reject its own request', async () => {
      fresh();
      const approval = await request();
      assert.equal(approval.status, 'pending');
      await refused(service.approve(approval.id, maker, undefined), 'APPROVAL_SELF_DECISION');
      await refused(service.reject(approval.id, maker, 'no reason'), 'APPROVAL_SELF_DECISION');
      assert.deepEqual(executions, []);
      assert.equal((await service.get(approval.id)).status, 'pending');
    });

    test('a checker without the request\'s own permission is refused', async () => {
      fresh();
      const approval = await request();
      await refused(service.approve(approval.id, treasurer, undefined), 'AUTH_FORBIDDEN');
      assert.deepEqual(executions, []);
      await refused(service.request({ kind: 'ledger.transfer', permission: 'ledger:admin', targetKind: 'ledger',
        targetId: '1', payload: '{}', summary: {} }, treasurer), 'AUTH_FORBIDDEN');
    });

    test('an approved action runs exactly once, even when two checkers approve at the same time', async () => {
      fresh();
      const approval = await request();
      const outcomes = await Promise.allSettled([service.approve(approval.id, checker, 'looks right'),
        service.approve(approval.id, secondChecker, 'me too')]);
      const fulfilled = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
      assert.equal(fulfilled.length, 1);
      assert.equal(rejected.length, 1);
      const reason = (rejected[0] as PromiseRejectedResult).reason as ServiceError;
      assert.equal(reason.code, 'APPROVAL_NOT_PENDING');
      assert.equal(executions.length, 1);
      const done = await service.get(approval.id);
      assert.equal(done.status, 'executed');
      assert.equal(done.resultCode, 'OK');
      assert.ok(done.checkerId === checker.id || done.checkerId === secondChecker.id);
      await refused(service.approve(approval.id, checker, undefined), 'APPROVAL_NOT_PENDING');
      assert.equal(executions.length, 1);
      const actions = audit.records.map((record) => `${record.action}:${record.actorId}`);
      assert.deepEqual(actions.slice(0, 1), ['ledger.transfer.requested:usr_maker']);
      assert.ok(actions.some((action) => action.startsWith('ledger.transfer.approved:usr_checker')));
      assert.ok(actions.some((action) => action.startsWith('ledger.transfer.executed:usr_checker')));
    });

    test('nothing runs after a rejection, a cancellation or the expiry', async () => {
      fresh();
      const rejectedOne = await request();
      assert.equal((await service.reject(rejectedOne.id, checker, 'wrong account')).status, 'rejected');
      await refused(service.approve(rejectedOne.id, secondChecker, undefined), 'APPROVAL_NOT_PENDING');

      const cancelledOne = await request();
      await refused(service.cancel(cancelledOne.id, checker), 'APPROVAL_NOT_MAKER');
      assert.equal((await service.cancel(cancelledOne.id, maker)).status, 'cancelled');
      await refused(service.approve(cancelledOne.id, checker, undefined), 'APPROVAL_NOT_PENDING');

      const expiring = await request();
      clock.advanceMs(60_000);
      assert.equal((await service.get(expiring.id)).status, 'expired');
      await refused(service.approve(expiring.id, checker, undefined), 'APPROVAL_NOT_PENDING');
      assert.deepEqual(executions, []);
      await refused(service.get('apr_000000000000000000000000'), 'APPROVAL_UNKNOWN');
    });

    test('the list shows pending requests newest first with their effective status', async () => {
      fresh();
      const first = await request();
      clock.advanceMs(1);
      const second = await request();
      const pending = (await service.list({ status: 'pending', limit: 200 })).map((approval) => approval.id);
      assert.ok(pending.indexOf(second.id) < pending.indexOf(first.id) && pending.includes(first.id));
      clock.advanceMs(60_000);
      const expired = await service.list({ status: 'expired', limit: 200 });
      assert.ok(expired.some((approval) => approval.id === first.id));
      assert.ok(!(await service.list({ status: 'pending', limit: 200 })).some((approval) => approval.id === first.id));
    });
  });
}

suite('memory store', async () => ({ store: new MemoryApprovalStore(), close: async () => {} }));

let server: TestPostgresServer | undefined;
suite('PostgreSQL store', async () => {
  server = await startTestPostgres();
  const database: TestDatabase = await createTestDatabase({ adminUrl: server.adminUrl, poolSize: 4 });
  await runMigrations(database.sql, [approvalsMigrations]);
  return {
    store: new PostgresApprovalStore(database.sql),
    close: async () => {
      // The database refuses a self-approval even if the code above it were wrong.
      await assert.rejects(database.sql`insert into approval_requests (id, kind, permission, target_kind, target_id,
        payload, summary, maker_id, status, checker_id, created_at_ms, expires_at_ms)
        values ('apr_x', 'k', 'ledger:admin', 't', 't', '{}', '{}', 'usr_same', 'approved', 'usr_same', 0, 1)`,
      /approval_checker_differs/);
      await database.drop();
      await server?.close();
    },
  };
});
