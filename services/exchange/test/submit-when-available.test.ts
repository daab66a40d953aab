// A starting process retries a command (or polls for what another process seeds) while another
// process's engine is still starting, and only then; within a bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceError } from '@parite/contracts';
import { submitWhenAvailable, waitWhileStarting, type CommittedCommand, type ExchangeCommand } from '../src/index.ts';

const command: ExchangeCommand = { kind: 'asset.create', code: 'TRY', scale: 6 };
const committed: CommittedCommand = { sequence: 1n, timestampMs: 0, command, result: { code: 'OK', events: [] }, shardIndex: undefined };

test('retries while the engine is starting or unavailable, then answers its result', async () => {
  const refusals = ['SERVICE_NOT_READY', 'SERVICE_UNAVAILABLE'] as const;
  let calls = 0;
  const engine = { submit: async () => {
    const refusal = refusals[calls++];
    if (refusal !== undefined) throw new ServiceError(refusal);
    return committed;
  } };
  assert.equal(await submitWhenAvailable(engine, command), committed);
  assert.equal(calls, 3);
});

test('any other failure is thrown at once, without a retry', async () => {
  let calls = 0;
  const engine = { submit: async (): Promise<CommittedCommand> => {
    calls++;
    throw new ServiceError('SERVICE_OVERLOADED');
  } };
  await assert.rejects(submitWhenAvailable(engine, command), (error: unknown) =>
    error instanceof ServiceError && error.code === 'SERVICE_OVERLOADED');
  assert.equal(calls, 1);
});

test('an engine still starting after the bound: the last refusal is thrown', async () => {
  let calls = 0;
  const engine = { submit: async (): Promise<CommittedCommand> => {
    calls++;
    throw new ServiceError('SERVICE_NOT_READY');
  } };
  await assert.rejects(submitWhenAvailable(engine, command, 100), (error: unknown) =>
    error instanceof ServiceError && error.code === 'SERVICE_NOT_READY');
  assert.ok(calls >= 2, `retried before giving up (${calls} calls)`);
});

test('waitWhileStarting polls until a value, and reports a timeout through its own error', async () => {
  let polls = 0;
  assert.equal(await waitWhileStarting(async () => (++polls === 3 ? 'seen' : undefined), () => {
    throw new Error('timed out');
  }), 'seen');
  assert.equal(polls, 3);
  await assert.rejects(waitWhileStarting(async () => undefined, () => {
    throw new Error('the catalogue never came');
  }, 100), /the catalogue never came/);
});
