// The authorization matrix: every route x every role (plus anonymous, an expired key, a revoked
// key and a stale signature), once with signed API-key requests and once with OIDC access tokens
// of people signed in through the real login page (plus an expired token). Two tables below are the declaration an auditor reads: which
// permission each route needs, and which roles hold each permission. The test fails when a route
// exists that the table does not list, when a route declares another permission than the table,
// and when any role can do more, or less, than the tables say.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Permission } from '@parite/http';
import { roles, type Role } from '@parite/identity';
import { requireService } from '../src/index.ts';
import { bearer, codeOf, mintAccessToken, signIn } from './support/identity-client.ts';
import { placeOrder, limitOrder } from './support/trading-fixtures.ts';
import { startTestPlatform, type TestPlatform } from './support/platform-harness.ts';

/** Every route and the one permission it declares. */
const routePermissions: Record<string, Permission> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /v1/markets': 'public',
  'GET /v1/markets/{symbol}': 'public',
  'GET /v1/markets/{symbol}/depth': 'public',
  'GET /v1/markets/{symbol}/trades': 'public',
  'GET /v1/markets/{symbol}/ticker': 'public',
  'GET /v1/markets/{symbol}/candles': 'public',
  'GET /v1/tickers': 'public',
  'GET /v1/account': 'account:read',
  'GET /v1/api-keys': 'account:read',
  'POST /v1/api-keys': 'api-key:write',
  'DELETE /v1/api-keys/{keyId}': 'api-key:write',
  'GET /v1/balances': 'account:read',
  'GET /v1/ledger/entries': 'account:read',
  'POST /v1/orders': 'order:write',
  'DELETE /v1/orders': 'order:write',
  'POST /v1/orders/batch': 'order:write',
  'GET /v1/orders/open': 'order:read',
  'GET /v1/orders/{orderId}': 'order:read',
  'PATCH /v1/orders/{orderId}': 'order:write',
  'DELETE /v1/orders/{orderId}': 'order:write',
  'DELETE /v1/orders/by-client-id/{clientOrderId}': 'order:write',
  'POST /v1/orders/cancel-batch': 'order:write',
  'GET /v1/orders/history': 'order:read',
  'GET /v1/trades/history': 'order:read',
  'POST /v1/fx/quotes': 'order:write',
  'POST /v1/fx/quotes/{quoteId}/accept': 'order:write',
  'GET /v1/fx/conversions': 'account:read',
  'POST /v1/admin/assets': 'market:admin',
  'GET /v1/admin/engine/shards': 'market:admin',
  'POST /v1/admin/markets': 'market:admin',
  'PATCH /v1/admin/markets/{symbol}': 'market:admin',
  'POST /v1/admin/markets/{symbol}/reference-price': 'market:admin',
  'POST /v1/admin/ledger/transfers': 'ledger:admin',
  'GET /v1/admin/approvals': 'approval:read',
  'GET /v1/admin/approvals/{approvalId}': 'approval:read',
  'POST /v1/admin/approvals/{approvalId}/approve': 'approval:decide',
  'POST /v1/admin/approvals/{approvalId}/reject': 'approval:decide',
  'POST /v1/admin/approvals/{approvalId}/cancel': 'approval:read',
  // Identity and access: role grants (four eyes), the account area, the provider's published keys.
  'POST /v1/admin/users/{userId}/roles': 'role:admin',
  'GET /v1/account/security': 'account:security',
  'POST /v1/account/step-up': 'account:security',
  'GET /v1/account/sessions': 'account:security',
  'DELETE /v1/account/sessions': 'account:security',
  'DELETE /v1/account/sessions/{sessionId}': 'account:security',
  'GET /v1/account/devices': 'account:security',
  'DELETE /v1/account/devices/{deviceId}': 'account:security',
  'POST /v1/account/totp': 'account:security',
  'POST /v1/account/totp/confirm': 'account:security',
  'DELETE /v1/account/totp': 'account:security',
  'POST /v1/account/recovery-codes': 'account:security',
  'GET /oidc/jwks': 'public',
  // FX rate engine: the public rate board; sources, margins (four eyes), overrides (four eyes), holidays,
  // history, alerts and status for the admin console.
  'GET /v1/fx/rates': 'public',
  'GET /v1/admin/fx/status': 'fx:read',
  'GET /v1/admin/fx/sources': 'fx:read',
  'PATCH /v1/admin/fx/sources/{sourceId}': 'fx:admin',
  'GET /v1/admin/fx/margins': 'fx:read',
  'POST /v1/admin/fx/margins/{scope}': 'fx:admin',
  'GET /v1/admin/fx/overrides': 'fx:read',
  'POST /v1/admin/fx/overrides': 'fx:admin',
  'DELETE /v1/admin/fx/overrides/{pair}': 'fx:admin',
  'GET /v1/admin/fx/holidays': 'fx:read',
  'POST /v1/admin/fx/holidays': 'fx:admin',
  'DELETE /v1/admin/fx/holidays/{date}': 'fx:admin',
  'GET /v1/admin/fx/history': 'fx:read',
  'GET /v1/admin/fx/alerts': 'fx:read',
};

const everyone: readonly Role[] = roles;
/**
 * Who holds each permission, written out (not derived from the code under test). Customers act
 * through keys with every scope; staff keys here carry the read scope only, so staff trade nothing.
 */
const holders: Partial<Record<Permission, readonly Role[]>> = {
  'public': everyone,
  'account:read': everyone,
  'order:read': everyone,
  'order:write': ['customer'],
  'api-key:write': ['customer'],
  'market:admin': ['admin', 'super_admin'],
  'ledger:admin': ['finance', 'admin', 'super_admin'],
  'approval:read': ['compliance_officer', 'treasury', 'finance', 'auditor', 'admin', 'super_admin'],
  'approval:decide': ['treasury', 'finance', 'admin', 'super_admin'],
  'role:admin': ['super_admin'],
  'fx:admin': ['treasury'],
  'fx:read': ['compliance_officer', 'treasury', 'auditor', 'admin', 'super_admin'],
  // Security settings: nobody through an API key; everyone through the platform's own application.
  'account:security': [],
};

type Credential = 'api-key' | 'bearer';

function holdersOf(permission: Permission, credential: Credential): ReadonlySet<Role> {
  if (permission === 'account:security' && credential === 'bearer') return new Set(everyone);
  return new Set(holders[permission] ?? []);
}

/** Reached the route past its permission: a step-up or second-factor demand is the route's own rule. */
function passedPermission(response: { status: number; body: unknown }): boolean {
  if (response.status === 401) return false;
  if (response.status !== 403) return true;
  const code = codeOf(response);
  return code === 'AUTH_STEP_UP_REQUIRED' || code === 'AUTH_SECOND_FACTOR_REQUIRED';
}

/** Concrete values for path parameters: well-formed, naming nothing that belongs to the caller. */
const pathValues: Record<string, string> = {
  symbol: 'BTC-TRY', orderId: '999999999', keyId: 'ak_000000000000000000000000', clientOrderId: 'nobody',
  approvalId: 'apr_000000000000000000000000', sessionId: 'ses_0000000000000000', deviceId: 'dev_0000000000000000',
  userId: 'usr_0000000000000000', quoteId: 'fxq_AAAAAAAAAAAAAAAAAAAAAA',
  sourceId: 'NOBODY', scope: 'default', pair: 'USD-TRY', date: '2030-01-01',
};

/** Access tokens of each role's user, signed in through the login page with the matching scopes. */
const accessTokens: Record<string, string> = {};

function concrete(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_match, name: string) => pathValues[name] ?? 'x');
}

let harness: TestPlatform;

before(async () => {
  // Every route x every role, twice, from one address: far more than the default per-IP limit per second.
  harness = await startTestPlatform({ rateLimit: { requestsPerIpMax: 100_000, requestsPerPrincipalMax: 100_000 } });
  const identity = requireService(harness.platform.identity, 'api');
  const actor = { kind: 'system', id: 'matrix-test' };
  for (const role of roles) {
    const user = await identity.createUser({ email: `${role.replace('_', '-')}@matrix.test`, roles: [role] }, actor);
    const scopes = role === 'customer' ? ['read', 'trade', 'withdraw'] as const : ['read'] as const;
    const key = await identity.createApiKey(user.id, { scopes: [...scopes], label: 'matrix' }, actor);
    harness.users[`role:${role}`] = { keyId: key.keyId, secret: key.secret, userId: user.id, publicId: user.publicId };
    const password = randomBytes(18).toString('base64url');
    const credentials = requireService(harness.platform.identityAccess, 'api').credentials;
    assert.equal((await credentials.provisionPassword(user.id, password, actor)).kind, 'ok');
    // The web application may not ask for withdraw (no route needs it); otherwise the key's scopes.
    const tokenScopes = scopes.filter((scope) => scope !== 'withdraw').join(' ');
    const signedIn = await signIn(harness, { email: user.email, password }, { scope: `openid ${tokenScopes}` });
    accessTokens[role] = signedIn.tokens.access_token;
  }
  const customer = await identity.findUserByEmail('customer@matrix.test');
  assert.ok(customer !== undefined);
  const expiring = await identity.createApiKey(customer.id, { scopes: ['read', 'trade'], label: 'expiring',
    expiresAtMs: Date.now() + 1_000 }, actor);
  const revoked = await identity.createApiKey(customer.id, { scopes: ['read', 'trade'], label: 'revoked' }, actor);
  await identity.revokeApiKey(customer.id, revoked.keyId, actor);
  harness.users['expired'] = { keyId: expiring.keyId, secret: expiring.secret, userId: customer.id, publicId: customer.publicId };
  harness.users['revoked'] = { keyId: revoked.keyId, secret: revoked.secret, userId: customer.id, publicId: customer.publicId };
  // Setup, not a timing assertion: the key's expiry must be in the past when the matrix runs.
  await delay(1_100);
});

after(async () => harness.stop());

async function operations(): Promise<{ key: string; method: string; path: string; permission: unknown }[]> {
  const document = (await harness.request(undefined, 'GET', '/openapi.json')).body as {
    paths: Record<string, Record<string, { 'x-permission'?: unknown }>> };
  return Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) =>
    ({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, permission: operation['x-permission'] })));
}

function bodyFor(method: string): unknown {
  return method === 'POST' || method === 'PATCH' ? {} : undefined;
}

async function requestAs(credential: Credential, role: Role, method: string, path: string) {
  if (credential === 'api-key') return harness.request(`role:${role}`, method, path, bodyFor(method));
  return bearer(harness, accessTokens[role] as string, method, path, bodyFor(method));
}

describe('authorization matrix', () => {
  test('no route escapes the table, and each declares the permission the table says', async () => {
    const found = await operations();
    const unlisted = found.filter((operation) => routePermissions[operation.key] === undefined).map((operation) => operation.key);
    assert.deepEqual(unlisted, [], 'routes without a row in the authorization matrix');
    const missing = Object.keys(routePermissions).filter((key) => !found.some((operation) => operation.key === key));
    assert.deepEqual(missing, [], 'rows for routes that no longer exist');
    for (const operation of found) assert.equal(operation.permission, routePermissions[operation.key], operation.key);
  });

  for (const credential of ['api-key', 'bearer'] as const) {
    test(`every route x every role (${credential}): allowed exactly when the role holds the route's permission`, async () => {
      for (const operation of await operations()) {
        const permission = routePermissions[operation.key] as Permission;
        const allowed = holdersOf(permission, credential);
        for (const role of roles) {
          const response = await requestAs(credential, role, operation.method, concrete(operation.path));
          const label = `${credential} ${role} ${operation.key} -> ${response.status} ${JSON.stringify(response.body).slice(0, 120)}`;
          if (allowed.has(role)) {
            assert.ok(passedPermission(response), label);
            assert.ok(response.status < 500, label);
          } else {
            assert.equal(response.status, 403, label);
            assert.equal(codeOf(response), 'AUTH_FORBIDDEN', label);
          }
        }
      }
    });
  }

  test('an expired access token reaches nothing but public routes', async () => {
    const customer = harness.users['role:customer'];
    assert.ok(customer !== undefined);
    const expired = await mintAccessToken(harness, { subject: customer.publicId, scopes: ['read', 'trade'], expiresInSeconds: -60 });
    for (const operation of await operations()) {
      if (routePermissions[operation.key] === 'public') continue;
      const response = await bearer(harness, expired, operation.method, concrete(operation.path), bodyFor(operation.method));
      assert.equal(response.status, 401, operation.key);
      assert.equal(codeOf(response), 'AUTH_INVALID_ACCESS_TOKEN', operation.key);
    }
  });

  test('anonymous, expired, revoked and stale credentials reach nothing but public routes', async () => {
    for (const operation of await operations()) {
      const isPublic = routePermissions[operation.key] === 'public';
      const path = concrete(operation.path);
      const attempts: [string | undefined, number | undefined, string][] = [
        [undefined, undefined, 'AUTH_REQUIRED'], ['expired', undefined, 'AUTH_INVALID_API_KEY'],
        ['revoked', undefined, 'AUTH_INVALID_API_KEY'], ['role:customer', Date.now() - 60_000, 'AUTH_TIMESTAMP_OUT_OF_WINDOW'],
      ];
      for (const [user, timestampMs, code] of attempts) {
        const response = await harness.request(user, operation.method, path, bodyFor(operation.method),
          timestampMs === undefined ? {} : { timestampMs });
        const label = `${user ?? 'anonymous'} ${operation.key} -> ${response.status}`;
        if (isPublic && user === undefined) {
          assert.ok(response.status < 400 || response.status === 404 || response.status === 400, label);
          continue;
        }
        if (isPublic) continue;
        assert.equal(response.status, 401, label);
        assert.equal((response.body as { error: { code: string } }).error.code, code, label);
      }
    }
  });

  test('another user\'s resources are invisible: ORDER_UNKNOWN, API_KEY_UNKNOWN, never a leak', async () => {
    const order = await placeOrder(harness, 'alice', limitOrder({ clientOrderId: 'matrix-owned' }));
    for (const [method, path, body] of [['GET', `/v1/orders/${order.orderId}`, undefined],
      ['PATCH', `/v1/orders/${order.orderId}`, { quantity: '0.005' }], ['DELETE', `/v1/orders/${order.orderId}`, undefined],
      ['DELETE', '/v1/orders/by-client-id/matrix-owned?symbol=BTC-TRY', undefined]] as const) {
      const response = await harness.request('bob', method, path, body);
      assert.equal(response.status, 404, `${method} ${path}`);
      assert.equal((response.body as { error: { code: string } }).error.code, 'ORDER_UNKNOWN');
    }
    const aliceKey = harness.users['alice']?.keyId ?? '';
    const revoke = await harness.request('bob', 'DELETE', `/v1/api-keys/${aliceKey}`);
    assert.equal(revoke.status, 404);
    assert.equal((revoke.body as { error: { code: string } }).error.code, 'API_KEY_UNKNOWN');
    const still = await harness.request('alice', 'GET', `/v1/orders/${order.orderId}`);
    assert.equal((still.body as { status: string }).status, 'open');
    await harness.request('alice', 'DELETE', `/v1/orders/${order.orderId}`);
  });
});
