// The signing scheme, pinned by the worked example in README.md (checked there with openssl).
import { sha256Hex } from '@parite/kernel';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  canonicalRequest,
  computeSignature,
  emptyBodySha256Hex,
  signRequest,
  signWebSocketLogin,
  splitRequestTarget,
  webSocketLoginCanonical,
} from '../src/index.ts';

const secret = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I';
const keyId = 'pk_Qm9vdHN0cmFwS2V5MDAx';
const body = '{"market":"BTC-EUR","side":"buy","type":"limit","price":"50000.00","quantity":"0.0100"}';

describe('request signatures', () => {
  test('the README worked example', () => {
    const canonical = canonicalRequest({
      timestampMs: 1767225600000,
      nonce: 'f3a9c1',
      method: 'post',
      path: '/v1/orders',
      rawQuery: 'clientOrderId=bot-42',
      bodySha256Hex: sha256Hex(body),
    });
    assert.equal(canonical, '1767225600000\nf3a9c1\nPOST\n/v1/orders\nclientOrderId=bot-42\n0bd8fc985426a9eaca10592030a31ed1c3be7858a6634dab47f44af13454500a');
    assert.equal(computeSignature(secret, canonical), 'f304440094cf589048603d48f73020e5c7a296659bfb2e13ab389623035cd78b');
    assert.deepEqual(
      signRequest({ keyId, secret, method: 'POST', url: '/v1/orders?clientOrderId=bot-42', body, timestampMs: 1767225600000, nonce: 'f3a9c1' }),
      {
        'X-Parite-Key': keyId,
        'X-Parite-Timestamp': '1767225600000',
        'X-Parite-Nonce': 'f3a9c1',
        'X-Parite-Signature': 'f304440094cf589048603d48f73020e5c7a296659bfb2e13ab389623035cd78b',
      },
    );
  });

  test('no nonce and no body: empty nonce line and the hash of the empty string', () => {
    const headers = signRequest({ keyId, secret, method: 'GET', url: '/v1/account', timestampMs: 5 });
    assert.equal(headers['X-Parite-Nonce'], undefined);
    const expected = computeSignature(secret, `5\n\nGET\n/v1/account\n\n${emptyBodySha256Hex}`);
    assert.equal(headers['X-Parite-Signature'], expected);
    assert.equal(emptyBodySha256Hex, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  test('a string body and its bytes sign the same', () => {
    const asText = signRequest({ keyId, secret, method: 'POST', url: '/x', body: 'é', timestampMs: 1 });
    const asBytes = signRequest({ keyId, secret, method: 'POST', url: '/x', body: Buffer.from('é', 'utf8'), timestampMs: 1 });
    assert.deepEqual(asText, asBytes);
  });

  test('the request target splits at the first ? and is otherwise kept as sent', () => {
    assert.deepEqual(splitRequestTarget('/a/b'), { path: '/a/b', rawQuery: '' });
    assert.deepEqual(splitRequestTarget('/a%2Fb?x=1&y=a?b'), { path: '/a%2Fb', rawQuery: 'x=1&y=a?b' });
    assert.deepEqual(splitRequestTarget('/a?'), { path: '/a', rawQuery: '' });
  });

  test('the WebSocket login signs GET /ws with no query and no body', () => {
    const message = signWebSocketLogin({ keyId, secret, timestampMs: 1767225600000, nonce: 'ws-1' });
    assert.equal(webSocketLoginCanonical(1767225600000, 'ws-1'), `1767225600000\nws-1\nGET\n/ws\n\n${emptyBodySha256Hex}`);
    assert.deepEqual(message, {
      op: 'auth',
      key: keyId,
      timestampMs: 1767225600000,
      nonce: 'ws-1',
      signature: '4ed2ba1652043d9fd1ead1fe87d322f352c19abb3c66199108757b704b82b5f0',
    });
  });
});
