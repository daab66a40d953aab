// The event bus contract, run against every adapter: ordering, wildcards, durability,
// at-least-once with bounded retries, and stop-on-failure.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AssertionError } from '@parite/kernel';
import {
  BusClosedError,
  type BusMessage,
  type EventBus,
  type SubscribeOptions,
} from '../../src/bus/event-bus.ts';

export interface BusFixture {
  readonly bus: EventBus;
  /** Prefix owned by this fixture; every subject in a test starts with it. */
  readonly prefix: string;
  dispose(): Promise<void>;
}

/** Safety bound so a broken adapter fails the test instead of hanging it. */
const waitLimitMs = 10_000;
const fastRetry: SubscribeOptions = { handlerAttemptsMax: 3, retryDelayMs: 1 };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function messages(prefix: string, ...labels: string[]): { id: string; data: Uint8Array }[] {
  return labels.map((label) => ({ id: `${prefix}-${label}`, data: encoder.encode(label) }));
}

/** Collects delivered labels and lets a test wait for a count. */
class Collector {
  readonly labels: string[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  readonly handler = async (message: BusMessage): Promise<void> => {
    this.labels.push(decoder.decode(message.data));
    this.waiters = this.waiters.filter((waiter) => {
      if (this.labels.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  };

  async waitFor(count: number): Promise<string[]> {
    if (this.labels.length < count) {
      await withLimit(new Promise<void>((resolve) => this.waiters.push({ count, resolve })), `${count} messages`);
    }
    return this.labels.slice();
  }
}

async function withLimit<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), waitLimitMs);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

export function registerBusContract(adapterName: string, createFixture: () => Promise<BusFixture>): void {
  const withBus = async (body: (bus: EventBus, prefix: string) => Promise<void>): Promise<void> => {
    const fixture = await createFixture();
    try {
      await body(fixture.bus, fixture.prefix);
    } finally {
      await fixture.dispose();
    }
  };

  describe(`EventBus contract: ${adapterName}`, () => {
    test('delivers id, subject and data in publish order', async () => {
      await withBus(async (bus, prefix) => {
        const seen: BusMessage[] = [];
        const collector = new Collector();
        await bus.subscribe(`${prefix}.orders`, 'reader', async (message) => {
          seen.push(message);
          await collector.handler(message);
        });
        await bus.publish(`${prefix}.orders`, messages(prefix, 'a', 'b'));
        await bus.publish(`${prefix}.orders`, messages(prefix, 'c'));
        assert.deepEqual(await collector.waitFor(3), ['a', 'b', 'c']);
        assert.equal(seen[0]?.id, `${prefix}-a`);
        assert.equal(seen[0]?.subject, `${prefix}.orders`);
      });
    });

    test('wildcards select subjects and keep per-subject order', async () => {
      await withBus(async (bus, prefix) => {
        const trades = new Collector();
        const everything = new Collector();
        await bus.subscribe(`${prefix}.market.*.trades`, 'trades', trades.handler);
        await bus.subscribe(`${prefix}.market.>`, 'everything', everything.handler);
        await bus.publish(`${prefix}.market.BTC-TRY.trades`, messages(prefix, 'btc-1'));
        await bus.publish(`${prefix}.market.ETH-TRY.trades`, messages(prefix, 'eth-1'));
        await bus.publish(`${prefix}.market.BTC-TRY.book`, messages(prefix, 'book-1'));
        await bus.publish(`${prefix}.market.BTC-TRY.trades`, messages(prefix, 'btc-2'));
        assert.deepEqual(await trades.waitFor(3), ['btc-1', 'eth-1', 'btc-2']);
        assert.deepEqual(await everything.waitFor(4), ['btc-1', 'eth-1', 'book-1', 'btc-2']);
      });
    });

    test('a durable resumes after its last handled message', async () => {
      await withBus(async (bus, prefix) => {
        const first = new Collector();
        const subscription = await bus.subscribe(`${prefix}.ledger`, 'ledger-reader', first.handler);
        await bus.publish(`${prefix}.ledger`, messages(prefix, '1', '2'));
        await first.waitFor(2);
        await subscription.unsubscribe();
        assert.deepEqual(await subscription.ended, { reason: 'unsubscribed' });
        await bus.publish(`${prefix}.ledger`, messages(prefix, '3', '4'));
        const second = new Collector();
        await bus.subscribe(`${prefix}.ledger`, 'ledger-reader', second.handler);
        assert.deepEqual(await second.waitFor(2), ['3', '4']);
      });
    });

    test('a failing handler is retried in place without reordering', async () => {
      await withBus(async (bus, prefix) => {
        const collector = new Collector();
        let failuresLeft = 2;
        await bus.subscribe(
          `${prefix}.retry`,
          'retrier',
          async (message) => {
            if (decoder.decode(message.data) === '2' && failuresLeft > 0) {
              failuresLeft--;
              throw new Error('transient');
            }
            await collector.handler(message);
          },
          fastRetry,
        );
        await bus.publish(`${prefix}.retry`, messages(prefix, '1', '2', '3'));
        assert.deepEqual(await collector.waitFor(3), ['1', '2', '3']);
      });
    });

    test('a handler failing every attempt stops the subscription and the message is not skipped', async () => {
      await withBus(async (bus, prefix) => {
        let attempts = 0;
        const failing = await bus.subscribe(
          `${prefix}.poison`,
          'poisoned',
          async (message) => {
            if (decoder.decode(message.data) !== '1') return;
            attempts++;
            throw new Error('permanent');
          },
          fastRetry,
        );
        await bus.publish(`${prefix}.poison`, messages(prefix, '0', '1', '2'));
        const end = await withLimit(failing.ended, 'the subscription to end');
        assert.equal(end.reason, 'handler_failed');
        assert.equal(end.reason === 'handler_failed' && end.messageId, `${prefix}-1`);
        assert.equal(attempts, 3);
        const recovered = new Collector();
        await bus.subscribe(`${prefix}.poison`, 'poisoned', recovered.handler);
        assert.deepEqual(await recovered.waitFor(2), ['1', '2']);
      });
    });

    test('each durable receives every message', async () => {
      await withBus(async (bus, prefix) => {
        const left = new Collector();
        const right = new Collector();
        await bus.subscribe(`${prefix}.fan`, 'left', left.handler);
        await bus.subscribe(`${prefix}.fan`, 'right', right.handler);
        await bus.publish(`${prefix}.fan`, messages(prefix, 'x', 'y'));
        assert.deepEqual(await left.waitFor(2), ['x', 'y']);
        assert.deepEqual(await right.waitFor(2), ['x', 'y']);
      });
    });

    test('refuses a second active subscriber on one durable and malformed subjects', async () => {
      await withBus(async (bus, prefix) => {
        await bus.subscribe(`${prefix}.single`, 'only-one', async () => {});
        await assert.rejects(bus.subscribe(`${prefix}.single`, 'only-one', async () => {}), AssertionError);
        await assert.rejects(bus.publish(`${prefix}.*`, messages(prefix, 'a')), AssertionError);
        await assert.rejects(bus.publish(`${prefix}..double-dot`, messages(prefix, 'a')), AssertionError);
        await assert.rejects(bus.subscribe(`${prefix}.>.tail`, 'bad-pattern', async () => {}), AssertionError);
        await assert.rejects(bus.subscribe(`${prefix}.ok`, 'bad.name', async () => {}), AssertionError);
        await assert.rejects(
          bus.publish(`${prefix}.single`, [{ id: 'x', subject: `${prefix}.other`, data: new Uint8Array() }]),
          AssertionError,
        );
      });
    });

    test('close ends subscriptions and refuses further publishing', async () => {
      const fixture = await createFixture();
      try {
        const subscription = await fixture.bus.subscribe(`${fixture.prefix}.closing`, 'closer', async () => {});
        await fixture.bus.close();
        assert.deepEqual(await subscription.ended, { reason: 'bus_closed' });
        await assert.rejects(fixture.bus.publish(`${fixture.prefix}.closing`, messages(fixture.prefix, 'late')), BusClosedError);
      } finally {
        await fixture.dispose();
      }
    });
  });
}
