// The WebSocket hub's send path (`npm run bench hub-writes`): CPU per message of FramedSocket (the
// turn's frames written by the hub in one buffer and one socket write) against the peer, `ws`'s own
// send inside a corked socket uncorked at the end of the turn (the hub's send path before it). Five
// connections to raw TCP readers in this process, an order reply of ~400 bytes, N messages per
// connection per event-loop turn; the paths alternate, three rounds each, and the median is kept.
// The CPU is this whole process's (sending and reading), the same for both paths.
// Prints one JSON line: {"bench":"hub-writes","results":[{"messagesPerTurn":…,"framedCpuUsPerMessage":…,
// "peerCpuUsPerMessage":…},…]}

import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { WebSocketServer, type WebSocket } from 'ws';
import { FramedSocket } from '../services/market-data/src/ws/framed-socket.ts';

const { values } = parseArgs({ options: {
  turns: { type: 'string', default: '20000' },
  'messages-per-turn': { type: 'string', default: '1,4' },
} });
const turns = Number(values.turns);
const connectionCount = 5;
const rounds = 3;
const reply = JSON.stringify({ id: 123, result: { orderId: 123456, clientOrderId: 'bot-7-000123', symbol: 'BTC-TRY',
  side: 'buy', type: 'limit', timeInForce: 'GTC', postOnly: false, price: '2500000.00', quantity: '0.01230000',
  filledQuantity: '0.00000000', remainingQuantity: '0.01230000', averagePrice: null, status: 'open',
  createdAt: 1764950000000, updatedAt: 1764950000000, fee: '0.00', feeAsset: 'TRY' } });
const replyBytes = Buffer.byteLength(reply);

interface SendPath { send(text: string, sizeBytes: number): void }

/** The peer: each message through `ws`'s sender, the socket corked for the rest of the turn. */
class CorkedWsSend implements SendPath {
  private corked = false;
  private readonly uncork = () => {
    this.corked = false;
    this.raw.uncork();
  };
  constructor(private readonly webSocket: WebSocket, private readonly raw: Socket) {}
  send(text: string): void {
    if (!this.corked) {
      this.corked = true;
      this.raw.cork();
      process.nextTick(this.uncork);
    }
    this.webSocket.send(text);
  }
}

const server = createServer();
const webSockets = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
const accepted: { webSocket: WebSocket; raw: Socket }[] = [];
server.on('upgrade', (request, socket, head) => {
  webSockets.handleUpgrade(request, socket, head, (webSocket) => accepted.push({ webSocket, raw: socket as Socket }));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
const readers: Socket[] = [];
for (let index = 0; index < connectionCount; index++) {
  const reader = connect({ port, host: '127.0.0.1', noDelay: true });
  reader.on('data', () => {});
  reader.write(`GET / HTTP/1.1\r\nHost: bench\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  readers.push(reader);
}
for (let attempt = 0; attempt < 1_000 && accepted.length < connectionCount; attempt++) {
  await new Promise((resolve) => setTimeout(resolve, 10));
}
if (accepted.length < connectionCount) throw new Error('the readers did not connect');
const framed: SendPath[] = accepted.map(({ webSocket, raw }) => new FramedSocket(webSocket, raw));
const peer: SendPath[] = accepted.map(({ webSocket, raw }) => new CorkedWsSend(webSocket, raw));

async function cpuUsPerMessage(paths: SendPath[], messagesPerTurn: number, turnCount: number): Promise<number> {
  const before = process.cpuUsage();
  for (let turn = 0; turn < turnCount; turn++) {
    for (const path of paths) for (let message = 0; message < messagesPerTurn; message++) path.send(reply, replyBytes);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / (turnCount * paths.length * messagesPerTurn);
}

const median = (values: number[]) => [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)] as number;
const results = [];
for (const messagesPerTurn of String(values['messages-per-turn']).split(',').map(Number)) {
  await cpuUsPerMessage(framed, messagesPerTurn, turns / 4);
  await cpuUsPerMessage(peer, messagesPerTurn, turns / 4);
  const framedRuns: number[] = [];
  const peerRuns: number[] = [];
  for (let round = 0; round < rounds; round++) {
    framedRuns.push(await cpuUsPerMessage(framed, messagesPerTurn, turns));
    peerRuns.push(await cpuUsPerMessage(peer, messagesPerTurn, turns));
  }
  results.push({ messagesPerTurn, framedCpuUsPerMessage: Number(median(framedRuns).toFixed(2)),
    peerCpuUsPerMessage: Number(median(peerRuns).toFixed(2)) });
}
console.log(JSON.stringify({ bench: 'hub-writes', connections: connectionCount, replyBytes, results }));
for (const reader of readers) reader.destroy();
process.exit(0);
