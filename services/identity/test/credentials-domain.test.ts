// Pure credential rules: password policy, TOTP (RFC 4226 / RFC 6238 vectors), base32, throttle
// decisions, IP keys, recovery-code normalisation, device trust.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  accountThrottlePolicy,
  base32Decode,
  base32Encode,
  checkPasswordPolicy,
  combineDecisions,
  decideAttempt,
  decideDeviceTrust,
  formatRecoveryCode,
  hotp,
  matchTotp,
  normaliseCountry,
  normaliseRecoveryCode,
  otpauthUri,
  throttleKeyForIp,
  totpAt,
  waitAfterFailures,
  type TotpAlgorithm,
} from '../src/index.ts';

describe('password policy', () => {
  const email = 'ayse.yilmaz@example.com';

  test('accepts a long passphrase and returns it NFKC-normalised', () => {
    assert.deepEqual(checkPasswordPolicy('violet-anchor-rides-7-tides', email), { ok: true, password: 'violet-anchor-rides-7-tides' });
    const decomposed = 'çay-bahçesi-uzun-yol'.normalize('NFD');
    const check = checkPasswordPolicy(decomposed, email);
    assert.ok(check.ok);
    assert.equal(check.password, 'çay-bahçesi-uzun-yol'.normalize('NFKC'));
  });

  test('refuses short, long, low-variety, common, e-mail-derived and control-character passwords', () => {
    const cases: [string, string][] = [
      ['short-pass1', 'too-short'],
      ['x'.repeat(64) + 'y'.repeat(65), 'too-long'],
      ['abababababababab', 'too-few-distinct-characters'],
      ['Password123456!', 'common'],
      ['!!Galatasaray1905', 'common'],
      ['qwerty-qwerty-qwerty', 'common'],
      ['my-1234567890-secret', 'common'],
      ['ayse.yilmaz-rocks-2026', 'contains-email'],
      ['xx-ayse.yilmaz@example.com', 'contains-email'],
      ['tab\tinside-password', 'control-characters'],
    ];
    for (const [password, reason] of cases) assert.deepEqual(checkPasswordPolicy(password, email), { ok: false, reason }, password);
  });
});

describe('TOTP', () => {
  test('RFC 4226 appendix D HOTP values', () => {
    const secret = Buffer.from('12345678901234567890');
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expected.forEach((code, counter) => assert.equal(hotp(secret, counter), code));
  });

  test('RFC 6238 appendix B test vectors (8 digits, SHA-1, SHA-256, SHA-512)', () => {
    const seeds: Record<TotpAlgorithm, Buffer> = {
      sha1: Buffer.from('12345678901234567890'),
      sha256: Buffer.from('12345678901234567890123456789012'),
      sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234'),
    };
    const vectors: [number, string, string, string][] = [
      [59, '94287082', '46119246', '90693936'],
      [1111111109, '07081804', '68084774', '25091201'],
      [1111111111, '14050471', '67062674', '99943326'],
      [1234567890, '89005924', '91819424', '93441116'],
      [2000000000, '69279037', '90698825', '38618901'],
      [20000000000, '65353130', '77737706', '47863826'],
    ];
    for (const [seconds, sha1, sha256, sha512] of vectors) {
      assert.equal(totpAt(seeds.sha1, seconds * 1000, 8, 'sha1'), sha1);
      assert.equal(totpAt(seeds.sha256, seconds * 1000, 8, 'sha256'), sha256);
      assert.equal(totpAt(seeds.sha512, seconds * 1000, 8, 'sha512'), sha512);
      // The production setting, 6 digits, is the same value's last six digits.
      assert.equal(totpAt(seeds.sha1, seconds * 1000), sha1.slice(2));
    }
  });

  test('accepts ±1 step, refuses further, refuses a step at or before the last used one', () => {
    const secret = Buffer.from('12345678901234567890');
    const nowMs = 1_111_111_111_000;
    const step = Math.floor(nowMs / 30_000);
    assert.deepEqual(matchTotp(secret, totpAt(secret, nowMs), nowMs, null), { ok: true, step });
    assert.deepEqual(matchTotp(secret, totpAt(secret, nowMs - 30_000), nowMs, null), { ok: true, step: step - 1 });
    assert.deepEqual(matchTotp(secret, totpAt(secret, nowMs + 30_000), nowMs, null), { ok: true, step: step + 1 });
    assert.deepEqual(matchTotp(secret, totpAt(secret, nowMs - 60_000), nowMs, null), { ok: false, reason: 'mismatch' });
    assert.deepEqual(matchTotp(secret, totpAt(secret, nowMs + 60_000), nowMs, null), { ok: false, reason: 'mismatch' });
    assert.deepEqual(matchTotp(secret, totpAt(secret, nowMs), nowMs, step), { ok: false, reason: 'reused' });
    assert.deepEqual(matchTotp(secret, totpAt(secret, nowMs - 30_000), nowMs, step), { ok: false, reason: 'reused' });
    assert.deepEqual(matchTotp(secret, ` ${totpAt(secret, nowMs).slice(0, 3)} ${totpAt(secret, nowMs).slice(3)} `, nowMs, null), { ok: true, step });
    assert.deepEqual(matchTotp(secret, '12345', nowMs, null), { ok: false, reason: 'malformed' });
    assert.deepEqual(matchTotp(secret, '12345a', nowMs, null), { ok: false, reason: 'malformed' });
  });

  test('base32 round-trips (RFC 4648 vectors) and builds the otpauth URI', () => {
    const vectors: [string, string][] = [['', ''], ['f', 'MY'], ['fo', 'MZXQ'], ['foo', 'MZXW6'], ['foob', 'MZXW6YQ'], ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI']];
    for (const [plain, encoded] of vectors) {
      assert.equal(base32Encode(Buffer.from(plain)), encoded);
      assert.equal(base32Decode(encoded)?.toString(), plain);
    }
    assert.equal(base32Decode('not base32!'), undefined);
    const uri = otpauthUri('Parite Bank', 'ayse@example.com', Buffer.from('12345678901234567890'));
    assert.equal(uri, 'otpauth://totp/Parite%20Bank:ayse%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Parite+Bank&algorithm=SHA1&digits=6&period=30');
  });
});

describe('throttle', () => {
  const policy = accountThrottlePolicy;

  test('free failures, then doubling waits, then a lock, then forgotten after the window', () => {
    assert.deepEqual(waitAfterFailures(policy, 2), { waitMs: 0, locked: false });
    assert.deepEqual(waitAfterFailures(policy, 3), { waitMs: 1_000, locked: false });
    assert.deepEqual(waitAfterFailures(policy, 4), { waitMs: 2_000, locked: false });
    assert.deepEqual(waitAfterFailures(policy, 9), { waitMs: 60_000, locked: false });
    assert.deepEqual(waitAfterFailures(policy, 10), { waitMs: 30 * 60_000, locked: true });
    assert.deepEqual(waitAfterFailures(policy, 1_000_000), { waitMs: 30 * 60_000, locked: true });
    const at = 1_000_000;
    assert.deepEqual(decideAttempt(policy, { failures: 4, lastAttemptAtMs: at }, at + 500), { allowed: false, retryAfterMs: 1_500, locked: false });
    assert.deepEqual(decideAttempt(policy, { failures: 4, lastAttemptAtMs: at }, at + 2_000), { allowed: true });
    assert.deepEqual(decideAttempt(policy, { failures: 10, lastAttemptAtMs: at }, at + 60_000), { allowed: false, retryAfterMs: 29 * 60_000, locked: true });
    assert.deepEqual(decideAttempt(policy, { failures: 50, lastAttemptAtMs: at }, at + policy.windowMs), { allowed: true });
  });

  test('the strictest decision wins', () => {
    assert.deepEqual(combineDecisions([{ allowed: true }, { allowed: true }]), { allowed: true });
    assert.deepEqual(
      combineDecisions([{ allowed: false, retryAfterMs: 5, locked: true }, { allowed: true }, { allowed: false, retryAfterMs: 9, locked: false }]),
      { allowed: false, retryAfterMs: 9, locked: true },
    );
  });

  test('IP keys: IPv4 as is (also when mapped), IPv6 by /64', () => {
    assert.equal(throttleKeyForIp('203.0.113.7'), 'ip:203.0.113.7');
    assert.equal(throttleKeyForIp('::ffff:203.0.113.7'), 'ip:203.0.113.7');
    assert.equal(throttleKeyForIp('2001:db8:1:2:aaaa::1'), 'ip:2001:db8:1:2::/64');
    assert.equal(throttleKeyForIp('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff'), 'ip:2001:db8:1:2::/64');
    assert.equal(throttleKeyForIp('::1'), 'ip:0:0:0:0::/64');
  });
});

describe('recovery codes and devices', () => {
  test('recovery codes normalise from what people type', () => {
    assert.equal(formatRecoveryCode('ABCDEFGHIJKLMNOP'), 'ABCD-EFGH-IJKL-MNOP');
    assert.equal(normaliseRecoveryCode(' abcd-efgh ijkl-mnop '), 'ABCDEFGHIJKLMNOP');
    assert.equal(normaliseRecoveryCode('ABCD-EFGH-1JKL-MN0P'), 'ABCDEFGHIJKLMNOP');
    assert.equal(normaliseRecoveryCode('ABCD-EFGH'), undefined);
    assert.equal(normaliseRecoveryCode('123456'), undefined);
  });

  test('device trust: unknown or unconfirmed, new country, recognised', () => {
    assert.equal(decideDeviceTrust(undefined, 'TR'), 'new-device');
    assert.equal(decideDeviceTrust({ confirmedAtMs: null, lastCountry: 'TR' }, 'TR'), 'new-device');
    assert.equal(decideDeviceTrust({ confirmedAtMs: 1, lastCountry: 'TR' }, 'DE'), 'new-country');
    assert.equal(decideDeviceTrust({ confirmedAtMs: 1, lastCountry: 'TR' }, 'TR'), 'recognised');
    assert.equal(decideDeviceTrust({ confirmedAtMs: 1, lastCountry: 'TR' }, null), 'recognised');
    assert.equal(decideDeviceTrust({ confirmedAtMs: 1, lastCountry: null }, 'DE'), 'recognised');
    assert.equal(normaliseCountry(' tr '), 'TR');
    assert.equal(normaliseCountry('TUR'), null);
  });
});
