// The CLI as child processes against a running server (the whole platform in this process, demo
// mode, its embedded PostgreSQL started once for the file): keys it creates authenticate, funding
// goes through the admin API and is audited, offline-only work is refused, verify runs alongside.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signRequest } from '@parite/identity';
import { createSilentLogger } from '@parite/platform';
import { requireService, startPlatform, type RunningPlatform } from '@parite/server';
import { createInstallation, freePort, jsonOutput, type Installation } from './support/cli-harness.ts';

let installation: Installation;
let platform: RunningPlatform;
let baseUrl: string;

before(async () => {
  installation = await createInstallation({ PARITE_DEMO: 'true' });
  platform = await startPlatform(installation.config, { logger: createSilentLogger(), marketMaker: false });
  baseUrl = `http://127.0.0.1:${installation.config.port}`;
});

after(async () => {
  await platform?.close();
  await installation?.remove();
});

async function signedGet(keyId: string, secret: string, path: string): Promise<{ status: number; body: unknown }> {
  const headers = signRequest({ keyId, secret, method: 'GET', url: path, timestampMs: Date.now(), nonce: `n${Date.now()}` });
  const response = await fetch(baseUrl + path, { headers });
  return { status: response.status, body: await response.json() };
}

test('create-user and create-api-key give a key that authenticates, within its IP allow-list', async () => {
  const user = jsonOutput<{ userId: string }>(await installation.cli('create-user', '--email', 'erin@example.com', '--json'));
  const key = jsonOutput<{ keyId: string; secret: string }>(
    await installation.cli('create-api-key', '--user', user.userId, '--scopes', 'read,trade', '--json'));
  const balances = await signedGet(key.keyId, key.secret, '/v1/balances');
  assert.deepEqual(balances, { status: 200, body: { balances: [] } });
  const fenced = jsonOutput<{ keyId: string; secret: string }>(
    await installation.cli('create-api-key', '--user', 'erin@example.com', '--scopes', 'read', '--ip', '10.0.0.0/8', '--json'));
  const refused = await signedGet(fenced.keyId, fenced.secret, '/v1/balances');
  assert.equal(refused.status, 403);
});

test('fund files a four-eyes request; approve by the second operator credits once; all audited', async () => {
  const fund = (...extra: string[]) => installation.cli('fund', '--user', 'erin@example.com', '--asset', 'TRY',
    '--amount', '1000.5', '--reason', 'opening deposit', ...extra);
  const approve = (approvalId: string, ...extra: string[]) =>
    installation.cli('approve', '--id', approvalId, '--reason', 'checked the deposit slip', '--json', ...extra);
  const first = await fund('--transfer-id', 'cli-test-1', '--json');
  assert.equal(first.code, 0, first.stderr);
  const request = jsonOutput<{ approvalId: string; status: string }>(first);
  assert.equal(request.status, 'pending');
  const erin = await requireService(platform.identity, 'api').findUserByEmail('erin@example.com');
  const tryAsset = platform.engine.state.assetByCode.get('TRY');
  assert.ok(erin !== undefined && tryAsset !== undefined);
  assert.equal(platform.engine.state.ledger.peek(erin.id, tryAsset.assetId)?.balanceUnits ?? 0n, 0n,
    'nothing moves before the second operator approves');
  // The maker cannot approve its own request: a credentials file that hands the operator's key in as the supervisor.
  const demoFile = join(installation.config.dataDirectory, 'demo-credentials.json');
  const entries = JSON.parse(readFileSync(demoFile, 'utf8')) as { email: string }[];
  const operator = entries.find((entry) => entry.email.startsWith('operator@'));
  const impostorFile = join(installation.config.dataDirectory, 'operator-as-supervisor.json');
  writeFileSync(impostorFile, JSON.stringify([{ ...operator, email: 'supervisor@demo.parite.local' }]), { mode: 0o600 });
  const self = await approve(request.approvalId, '--credentials', impostorFile);
  assert.equal(self.code, 1);
  assert.match(self.stderr, /APPROVAL_SELF_DECISION/);
  const approved = await approve(request.approvalId);
  assert.equal(approved.code, 0, approved.stderr);
  assert.equal(jsonOutput<{ status: string }>(approved).status, 'executed');
  assert.equal(platform.engine.state.ledger.peek(erin.id, tryAsset.assetId)?.balanceUnits, 1_000_500_000n);
  const again = await approve(request.approvalId);
  assert.match(again.stderr, /APPROVAL_NOT_PENDING/);
  // The same transfer id never credits twice, even through a second approved request.
  const retry = jsonOutput<{ approvalId: string }>(await fund('--transfer-id', 'cli-test-1', '--json'));
  const retried = jsonOutput<{ status: string; result: Record<string, unknown> }>(await approve(retry.approvalId));
  assert.equal(retried.result['duplicate'], true);
  assert.equal(platform.engine.state.ledger.peek(erin.id, tryAsset.assetId)?.balanceUnits, 1_000_500_000n);
  const audit = jsonOutput<{ entries: { action: string; details: Record<string, unknown> }[] }>(
    await installation.cli('audit-log', '--limit', '20', '--json'));
  const actions = audit.entries.filter((entry) => entry.details['approvalId'] === request.approvalId)
    .map((entry) => entry.action).reverse();
  assert.deepEqual(actions, ['ledger.transfer.requested', 'ledger.transfer.approved', 'ledger.transfer.executed']);
  const unknownAsset = await installation.cli('fund', '--user', 'erin@example.com', '--asset', 'NOPE', '--amount', '1');
  assert.equal(unknownAsset.code, 1);
  assert.match(unknownAsset.stderr, /ASSET_UNKNOWN/);
  const unreachable = await installation.cli('fund', '--user', 'erin@example.com', '--asset', 'TRY', '--amount', '1',
    '--url', `http://127.0.0.1:${await freePort()}`);
  assert.equal(unreachable.code, 69);
  assert.match(unreachable.stderr, /retry with --transfer-id cli-/);
});

test('rebuild-projections refuses while the server runs; verify passes alongside it', async () => {
  const rebuild = await installation.cli('rebuild-projections');
  assert.equal(rebuild.code, 75);
  assert.match(rebuild.stderr, /the server is running at http:\/\/127\.0\.0\.1:\d+: stop it/);
  const verify = await installation.cli('verify');
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /^ok {4}ledger invariant: /m);
});
