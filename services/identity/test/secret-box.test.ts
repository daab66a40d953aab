import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { SecretBox } from '../src/index.ts';

describe('SecretBox (AES-256-GCM)', () => {
  const box = new SecretBox(randomBytes(32));
  const secret = randomBytes(32);

  test('round trip', () => {
    const sealed = box.seal(secret, 'key:pk_1');
    assert.equal(sealed.length, 1 + 12 + 16 + 32);
    assert.ok(!sealed.includes(secret), 'the plaintext does not appear in the sealed bytes');
    assert.deepEqual(box.open(sealed, 'key:pk_1'), secret);
  });

  test('every seal uses a fresh IV', () => {
    assert.notDeepEqual(box.seal(secret, 'a'), box.seal(secret, 'a'));
  });

  test('a wrong master key fails to open', () => {
    const sealed = box.seal(secret, 'key:pk_1');
    assert.equal(new SecretBox(randomBytes(32)).open(sealed, 'key:pk_1'), undefined);
  });

  test('other associated data (another row) fails to open', () => {
    assert.equal(box.open(box.seal(secret, 'key:pk_1'), 'key:pk_2'), undefined);
  });

  test('any altered byte fails to open', () => {
    const sealed = box.seal(secret, 'ctx');
    for (let index = 0; index < sealed.length; index++) {
      const altered = Buffer.from(sealed);
      altered[index] = (altered[index] ?? 0) ^ 0x01;
      assert.equal(box.open(altered, 'ctx'), undefined, `byte ${index}`);
    }
    assert.equal(box.open(sealed.subarray(0, 20), 'ctx'), undefined, 'truncated');
  });

  test('the master key must be 32 bytes', () => {
    assert.throws(() => new SecretBox(randomBytes(16)), /32 bytes/);
  });
});
