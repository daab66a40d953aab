// `node --import tsx bench/identity.ts`: what authentication costs, in process, on this machine.
// - tokenVerifyUs: median µs to verify one ES256 JWT access token (signature, issuer, audience,
//   type, expiry) with JwtAccessTokenVerifier against a local key set: a token's first request.
// - tokenRepeatVerifyUs: the same token again, answered from the verifier's bounded memory of
//   verified tokens (until the token's expiry): every later request of a session.
// - apiKeyVerifyUs: median µs for ApiKeyAuthenticator.authenticate() on a signed request (HMAC-SHA256
//   over the canonical request, constant-time comparison, cached key lookup, replay guard).
// - argon2LoginsPerSec: password verifications per second with argon2id at the production
//   parameters, 4 in flight (hashConcurrencyMax) on the machine's 2 cores: the login throughput ceiling.
// Prints one JSON line. Timings are not asserted anywhere (benchmarks are not tests).
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { createLocalJWKSet, importJWK, SignJWT, type JWK } from 'jose';
import {
  ApiKeyAuthenticator, Argon2PasswordHasher, argon2ParametersDefault, generateSigningKey, hashConcurrencyMax, IdentityService,
  JwtAccessTokenVerifier, MemoryAuditSink, MemoryIdentityStore, MemoryReplayGuard, signRequest,
} from '@parite/identity';

/** Bounded loops: enough samples for a stable median, a few seconds in all. */
const warmupIterationsMax = 2_000;
const tokenVerificationsMax = 20_000;
const apiKeyVerificationsMax = 20_000;
const argon2VerificationsMax = 48;

function median(samples: number[]): number {
  const sorted = [...samples].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function timeEach(iterations: number, work: (index: number) => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let index = 0; index < iterations; index++) {
    const start = process.hrtime.bigint();
    await work(index);
    samples.push(Number(process.hrtime.bigint() - start) / 1_000);
  }
  return median(samples);
}

/** Median µs per verification: `remembered` = the same token again (the per-request cost of a session). */
async function tokenVerification(remembered: boolean): Promise<number> {
  const issuer = 'https://exchange.example/oidc';
  const audience = 'https://exchange.example/api';
  const key = await generateSigningKey();
  const privateKey = await importJWK(key.privateJwk as JWK, 'ES256');
  const nowSeconds = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ client_id: 'parite-web', scope: 'read trade', sid: 'ses_AAAAAAAAAAAAAAAAAAAA' })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.kid }).setIssuer(issuer).setAudience(audience)
    .setSubject('usr_AAAAAAAAAAAAAAAA').setJti(randomBytes(16).toString('base64url')).setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + 3_600).sign(privateKey);
  const verifier = new JwtAccessTokenVerifier({ issuer, audience, keys: createLocalJWKSet({ keys: [key.publicJwk as JWK] }),
    verifiedTokensMax: remembered ? undefined : 0 });
  await timeEach(warmupIterationsMax, () => verifier.verify(token));
  return timeEach(tokenVerificationsMax, () => verifier.verify(token));
}

async function apiKeyVerification(): Promise<number> {
  const identity = new IdentityService({ store: new MemoryIdentityStore(), audit: new MemoryAuditSink(), masterKey: randomBytes(32) });
  const actor = { kind: 'system', id: 'bench' };
  const user = await identity.createUser({ email: 'bench@example.test' }, actor);
  const { keyId, secret } = await identity.createApiKey(user.id, { scopes: ['read', 'trade'] }, actor);
  const authenticator = new ApiKeyAuthenticator({ keys: identity, replayGuard: new MemoryReplayGuard() });
  const body = '{"symbol":"BTC-TRY","side":"buy","type":"limit","price":"4000000","quantity":"0.01"}';
  const rawBody = Buffer.from(body);
  // Signing is the client's cost: requests are prepared before the clock starts.
  const prepare = (count: number, prefix: string) => Array.from({ length: count }, (_unused, index) => ({
    method: 'POST', url: '/v1/orders', rawBody, ip: '127.0.0.1',
    // Node hands header names to the authenticator in lower case.
    headers: Object.fromEntries(Object.entries(signRequest({ keyId, secret, method: 'POST', url: '/v1/orders', body,
      timestampMs: Date.now(), nonce: `${prefix}${index}` })).map(([name, value]) => [name.toLowerCase(), value])),
  }));
  const warmup = prepare(warmupIterationsMax, 'w');
  const principal = await authenticator.authenticate(prepare(1, 'check')[0] as (typeof warmup)[number]);
  if (principal.kind !== 'user') throw new Error('the benchmark request does not authenticate');
  await timeEach(warmup.length, (index) => authenticator.authenticate(warmup[index] as (typeof warmup)[number]));
  const requests = prepare(apiKeyVerificationsMax, 'm');
  return timeEach(requests.length, (index) => authenticator.authenticate(requests[index] as (typeof requests)[number]));
}

async function argon2Throughput(): Promise<number> {
  const hasher = new Argon2PasswordHasher();
  const password = 'correct horse battery staple';
  const hash = await hasher.hash(password);
  await hasher.verify(hash, password);
  const start = process.hrtime.bigint();
  // The hasher admits hashConcurrencyMax at once and queues the rest, as logins do under load.
  await Promise.all(Array.from({ length: argon2VerificationsMax }, () => hasher.verify(hash, password)));
  const elapsedSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  return argon2VerificationsMax / elapsedSeconds;
}

const tokenVerifyUs = await tokenVerification(false);
const tokenRepeatVerifyUs = await tokenVerification(true);
const apiKeyVerifyUs = await apiKeyVerification();
const argon2LoginsPerSec = await argon2Throughput();
const { memoryCostKib, timeCost, parallelism } = argon2ParametersDefault;
console.log(JSON.stringify({
  bench: 'identity',
  tokenVerifyUs: Math.round(tokenVerifyUs * 10) / 10,
  tokenRepeatVerifyUs: Math.round(tokenRepeatVerifyUs * 10) / 10,
  apiKeyVerifyUs: Math.round(apiKeyVerifyUs * 10) / 10,
  argon2LoginsPerSec: Math.round(argon2LoginsPerSec * 10) / 10,
  argon2Parameters: `m=${memoryCostKib},t=${timeCost},p=${parallelism}`,
  argon2InFlight: hashConcurrencyMax,
  cores: availableParallelism(),
}));
