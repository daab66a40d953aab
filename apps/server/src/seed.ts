// First-start data. The market catalogue is created whenever the engine is empty (every
// installation trades the default markets until operators change them). Demo data (users with
// balances, an operator, API keys) only in demo mode; every step is idempotent, so restarts and
// several processes never duplicate anything.

import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  defaultAssets, defaultMarkets, demoReferencePrices, submitWhenAvailable, SystemOwner, waitWhileStarting,
  type ExchangeCommand,
  type ExchangeEngineApi,
} from '@parite/exchange';
import type { IdentityService, User } from '@parite/identity';

const systemActor = { kind: 'system', id: 'seed' };

/**
 * Creates the default assets and the markets that do not exist yet, each market with its reference
 * price. Step by step idempotent: a start interrupted half way (or a shard that was down) completes
 * at the next start. Operators' later changes are never overwritten: an existing market is left alone.
 */
export async function seedCatalogue(engine: ExchangeEngineApi): Promise<void> {
  for (const command of defaultAssets) await seedStep(engine, command);
  for (const market of defaultMarkets) {
    if (engine.state.marketBySymbol.has(market.symbol)) continue;
    await seedStep(engine, market);
    const priceUnits = demoReferencePrices[market.symbol];
    if (priceUnits !== undefined) await seedStep(engine, { kind: 'market.reference-price', symbol: market.symbol, priceUnits });
  }
}

/** Another process's engine shard may still be starting: its commands are retried for a while. */
async function seedStep(engine: ExchangeEngineApi, command: ExchangeCommand): Promise<void> {
  const committed = await submitWhenAvailable(engine, command);
  if (committed.result.code !== 'OK') throw new Error(`seeding ${command.kind} failed: ${committed.result.code}`);
}

/** In a split deployment the engine process seeds the catalogue; the others wait to see all of it. */
export async function waitForCatalogue(engine: ExchangeEngineApi): Promise<void> {
  const seeded = () => defaultMarkets.every((market) => engine.state.marketBySymbol.has(market.symbol));
  await waitWhileStarting(async () => (seeded() ? true : undefined), () => {
    throw new Error('the engine process has not seeded the market catalogue');
  });
}

export interface DemoCredentials {
  email: string;
  userId: string;
  apiKey: string;
  secret: string;
  roles: readonly string[];
}

export interface DemoActors {
  marketMakerId: number;
  takerId: number;
  credentials: DemoCredentials[];
}

const demoUsers = [
  { email: 'operator@demo.parite.local', roles: ['admin'], scopes: ['read', 'trade'] },
  { email: 'alice@demo.parite.local', roles: ['customer'], scopes: ['read', 'trade'] },
  { email: 'bob@demo.parite.local', roles: ['customer'], scopes: ['read', 'trade'] },
  { email: 'market-maker@demo.parite.local', roles: ['customer'], scopes: ['read', 'trade'] },
  { email: 'taker@demo.parite.local', roles: ['customer'], scopes: ['read', 'trade'] },
  // Staff beside the operator: the second pair of eyes for four-eyes actions, and a read-only auditor.
  { email: 'supervisor@demo.parite.local', roles: ['admin'], scopes: ['read'] },
  { email: 'auditor@demo.parite.local', roles: ['auditor'], scopes: ['read'] },
] as const;

const demoFunding: Record<string, bigint> = {
  TRY: 50_000_000_000_000n, BTC: 100_000_000_000n, ETH: 500_000_000_000n, USDT: 5_000_000_000_000n,
};

export const demoCredentialsFileName = 'demo-credentials.json';

export async function seedDemo(engine: ExchangeEngineApi, identity: IdentityService, dataDirectory: string):
  Promise<DemoActors> {
  const file = join(dataDirectory, demoCredentialsFileName);
  const stored: DemoCredentials[] = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials[] : [];
  const users: User[] = [];
  for (const demo of demoUsers) {
    const user = await identity.findUserByEmail(demo.email) ??
      await identity.createUser({ email: demo.email, roles: [...demo.roles] }, systemActor);
    users.push(user);
    if (!stored.some((entry) => entry.email === demo.email)) {
      const created = await identity.createApiKey(user.id, { scopes: [...demo.scopes], label: 'demo' }, systemActor);
      stored.push({ email: demo.email, userId: user.publicId, apiKey: created.keyId, secret: created.secret,
        roles: demo.roles });
    }
    for (const [assetCode, amountUnits] of Object.entries(demoFunding)) {
      await engine.submit({ kind: 'ledger.transfer', transferId: `demo-seed-${user.id}-${assetCode}`,
        debitOwnerId: SystemOwner.External, creditOwnerId: user.id, assetCode, amountUnits, reason: 'demo funding' });
    }
  }
  // Secrets of demo keys only, for the local demo; the file is readable by its owner alone.
  writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  const [, , , marketMaker, taker] = users;
  if (marketMaker === undefined || taker === undefined) throw new Error('demo users missing');
  return { marketMakerId: marketMaker.id, takerId: taker.id, credentials: stored };
}
