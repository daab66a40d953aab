// FramedSocket writes the hub's frames itself, beside `ws`: a real `ws` client (which checks every
// frame it reads) must receive exactly the messages sent, in order, at every length class of the
// header (7-bit, 16-bit, 64-bit), with multi-byte characters, interleaved with pings, and nothing
// after a close.
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { test } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { FramedSocket, framesPerWriteMax } from '../src/ws/framed-socket.ts';

interface Pair {
  framed: FramedSocket;
  client: WebSocket;
  received: string[];
  pings: number;
  closed: Promise<number>;
  stop(): Promise<void>;
}

async function pair(): Promise<Pair> {
  const server: Server = createServer();
  const webSockets = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const accepted = new Promise<FramedSocket>((resolve) => {
    server.on('upgrade', (request, socket, head) => {
      webSockets.handleUpgrade(request, socket, head, (webSocket) => resolve(new FramedSocket(webSocket, socket as Socket)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  const result: Pair = {
    framed: await accepted, client, received: [], pings: 0,
    closed: new Promise((resolve) => client.on('close', (code) => resolve(code))),
    stop: async () => {
      client.terminate();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  client.on('message', (data, isBinary) => {
    assert.equal(isBinary, false);
    result.received.push(String(data));
  });
  client.on('ping', () => result.pings++);
  await new Promise((resolve) => client.once('open', resolve));
  return result;
}

async function until(condition: () => boolean): Promise<void> {
  // A bound so a broken writer fails the test instead of hanging it; not a timing assertion.
  for (let attempt = 0; attempt < 500 && !condition(); attempt++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), 'the client did not receive what was sent');
}

test('every header length class arrives intact and in order, one turn at a time or many', async () => {
  const { framed, received, stop } = await pair();
  try {
    const texts = [0, 1, 125, 126, 127, 65_535, 65_536, 70_001].map((length, index) =>
      `${index}:` + 'ğ€x'.repeat(Math.ceil(length / 3)).slice(0, Math.max(0, length - 2)));
    texts.push('');
    for (const text of texts.slice(0, 4)) framed.send(text);
    await new Promise((resolve) => setImmediate(resolve));
    for (const text of texts.slice(4)) framed.send(text, Buffer.byteLength(text));
    await until(() => received.length === texts.length);
    assert.deepEqual(received, texts);
  } finally {
    await stop();
  }
});

test('a ping between gathered frames and a full pending list keep every message whole', async () => {
  const connection = await pair();
  try {
    const texts = Array.from({ length: framesPerWriteMax + 10 }, (_, index) => JSON.stringify({ index }));
    for (const [index, text] of texts.entries()) {
      connection.framed.send(text);
      if (index === 5) connection.framed.ping();
    }
    await until(() => connection.received.length === texts.length && connection.pings === 1);
    assert.deepEqual(connection.received, texts);
  } finally {
    await connection.stop();
  }
});

test('the frames of the turn go out before a close, and nothing is sent after it', async () => {
  const { framed, received, closed, stop } = await pair();
  try {
    framed.send('before-1');
    framed.send('before-2');
    assert.ok(framed.bufferedAmount >= 2 * (2 + 'before-1'.length), 'gathered frames count as buffered');
    framed.close(4001, 'WS_BACKPRESSURE');
    framed.send('after');
    assert.equal(await closed, 4001);
    assert.deepEqual(received, ['before-1', 'before-2']);
  } finally {
    await stop();
  }
});
