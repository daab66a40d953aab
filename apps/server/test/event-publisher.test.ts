// The engine's events leave through the bus without ever making the engine wait: while the bus is
// stuck the queue stays bounded, dropping the oldest waiting batch at a time, and what is published
// once the bus answers again is the newest commands, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { CommittedCommand } from '@parite/exchange';
import { createLogger, type BusMessageInput, type EventBus } from '@parite/platform';
import { EventPublisher, publishBatchMax, publishQueueMax } from '../src/event-publisher.ts';

function committed(sequence: number): CommittedCommand {
  return {
    sequence: BigInt(sequence), timestampMs: 1_700_000_000_000 + sequence,
    command: { kind: 'market.reference-price', symbol: 'BTC/TRY', priceUnits: 1n },
    result: { code: 'OK', events: [{ type: 'market.reference-price', marketId: 1, referencePriceTicks: sequence }] },
  } as unknown as CommittedCommand;
}

test('a stuck bus: the queue stays bounded, the oldest batches go, the newest are published in order', async () => {
  const published: BusMessageInput[] = [];
  let release: () => void = () => {};
  const stuck = new Promise<void>((resolve) => { release = resolve; });
  let calls = 0;
  const bus: EventBus = {
    publish: async (_subject, messages) => {
      if (calls++ === 0) await stuck;
      published.push(...messages);
    },
    subscribe: () => Promise.reject(new Error('not used')),
    close: () => Promise.resolve(),
  };
  const lines: string[] = [];
  const destination = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done(); } });
  const publisher = new EventPublisher(bus, createLogger({ level: 'warn', destination }));
  const total = publishQueueMax + 3 * publishBatchMax + 1;
  // The first command goes out at once (and hangs); the rest queue behind it, past the bound.
  for (let sequence = 1; sequence <= total; sequence++) publisher.listener([committed(sequence)]);
  release();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const sequences = published.map((message) => Number(message.id));
  assert.equal(sequences[0], 1, 'the command in flight when the bus got stuck');
  const rest = sequences.slice(1);
  assert.ok(rest.length <= publishQueueMax, `${rest.length} waiting commands published`);
  assert.equal(rest[rest.length - 1], total, 'the newest command is kept');
  for (let index = 1; index < rest.length; index++) assert.equal(rest[index], (rest[index - 1] as number) + 1);
  assert.ok(lines.some((line) => line.includes('oldest waiting events were dropped')), 'the drop is logged');
});
