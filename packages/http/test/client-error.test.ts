import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { createHttpApp, anonymousAuthenticator } from '../src/index.ts';

test('broken HTTP framing gets a catalogue error, not the framework default', async () => {
  const app = createHttpApp({ authenticator: anonymousAuthenticator, openApi: { title: 't', version: '1' } });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const port = Number(new URL(address).port);
  try {
    for (const garbage of ['\u0000\u0001garbage\r\n\r\n', 'GET / HTTP/1.1\r\nContent-Length: nope\r\n\r\n']) {
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.write(garbage));
        let text = '';
        socket.on('data', (chunk) => (text += String(chunk)));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      assert.match(reply, /^HTTP\/1\.1 400/);
      assert.match(reply, /"code":"REQUEST_MALFORMED"/);
    }
  } finally {
    await app.close();
  }
});
