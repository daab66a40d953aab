// Event bus: the contract against the in-process adapter always and against NATS JetStream when
// PARITE_TEST_REAL_SERVICES=1, plus what only the in-process adapter promises (bounds, async).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { BusOverloadedError } from '../src/bus/event-bus.ts';
import { MemoryEventBus } from '../src/bus/memory-event-bus.ts';
import { NatsEventBus } from '../src/bus/nats-event-bus.ts';
import { registerBusContract } from './support/bus-contract.ts';

const realServices = process.env['PARITE_TEST_REAL_SERVICES'] === '1';
const natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const data = (text: string): Uint8Array => new TextEncoder().encode(text);

registerBusContract('memory', async () => {
  const bus = new MemoryEventBus();
  return { bus, prefix: 'test', dispose: () => bus.close() };
});

if (realServices) {
  registerBusContract('nats', async () => {
    const suffix = randomBytes(5).toString('hex');
    const streamName = `PARITE_TEST_${suffix}`;
    const prefix = `test_${suffix}`;
    const bus = await NatsEventBus.connect({ url: natsUrl, streamName, streamSubjects: [`${prefix}.>`] });
    const dispose = async (): Promise<void> => {
      await bus.close();
      // The bus may already be closed by the test, so clean up over a connection of our own.
      const connection = await connect({ servers: natsUrl });
      try {
        await (await jetstreamManager(connection)).streams.delete(streamName);
      } finally {
        await connection.close();
      }
    };
    return { bus, prefix, dispose };
  });
}

describe('MemoryEventBus', () => {
  test('never calls a handler inside publish()', async () => {
    const bus = new MemoryEventBus();
    const received: string[] = [];
    await bus.subscribe('orders', 'reader', async (message) => {
      received.push(message.id);
    });
    const publishing = bus.publish('orders', [{ id: 'one', data: data('1') }]);
    assert.deepEqual(received, []);
    await publishing;
    await bus.close();
  });

  test('refuses to publish past its bound while a durable still needs the oldest message', async () => {
    const bus = new MemoryEventBus({ retainedMessagesMax: 3 });
    let release: () => void = () => {};
    const blocked = new Promise<void>((resolve) => (release = resolve));
    await bus.subscribe('orders', 'slow', () => blocked);
    await bus.publish('orders', [1, 2, 3].map((index) => ({ id: `m-${index}`, data: data(String(index)) })));
    await assert.rejects(bus.publish('orders', [{ id: 'm-4', data: data('4') }]), BusOverloadedError);
    release();
    await bus.close();
  });

  test('without durables keeps only the newest messages, and a late durable starts there', async () => {
    const bus = new MemoryEventBus({ retainedMessagesMax: 2 });
    for (const index of [1, 2, 3, 4]) await bus.publish('ticks', [{ id: `t-${index}`, data: data(String(index)) }]);
    const received: string[] = [];
    let done: () => void = () => {};
    const finished = new Promise<void>((resolve) => (done = resolve));
    await bus.subscribe('ticks', 'late', async (message) => {
      received.push(message.id);
      if (received.length === 2) done();
    });
    await finished;
    assert.deepEqual(received, ['t-3', 't-4']);
    await bus.close();
  });

  test('a publisher reusing its buffer does not change delivered data', async () => {
    const bus = new MemoryEventBus();
    const buffer = data('abc');
    let delivered = '';
    let done: () => void = () => {};
    const finished = new Promise<void>((resolve) => (done = resolve));
    await bus.subscribe('buffers', 'reader', async (message) => {
      delivered = new TextDecoder().decode(message.data);
      done();
    });
    await bus.publish('buffers', [{ id: 'b', data: buffer }]);
    buffer.set(data('xyz'));
    await finished;
    assert.equal(delivered, 'abc');
    await bus.close();
  });
});
