// Who is subscribed to what: public channels per (channel, symbol), private channels per name.
// Kept as reverse indexes so a push costs one lookup plus one send per subscriber.
import type { HubConnection } from './connection.ts';

export const publicChannels: ReadonlySet<string> = new Set(['depth', 'trades', 'ticker']);

/** Public keys contain '|', private keys are bare channel names (which cannot contain it). */
export function publicKey(channel: string, symbol: string): string {
  return `${channel}|${symbol}`;
}

export function isPublicKey(key: string): boolean {
  return key.includes('|');
}

export class SubscriptionIndex {
  private readonly subscribers = new Map<string, Set<HubConnection>>();

  subscribersOf(key: string): ReadonlySet<HubConnection> | undefined {
    return this.subscribers.get(key);
  }

  add(connection: HubConnection, key: string): void {
    connection.subscriptions.add(key);
    let set = this.subscribers.get(key);
    if (set === undefined) {
      set = new Set();
      this.subscribers.set(key, set);
    }
    set.add(connection);
  }

  remove(connection: HubConnection, key: string): void {
    connection.subscriptions.delete(key);
    const set = this.subscribers.get(key);
    if (set === undefined) return;
    set.delete(connection);
    // Empty sets are dropped so the index never outgrows the live subscriptions.
    if (set.size === 0) this.subscribers.delete(key);
  }

  removeWhere(connection: HubConnection, predicate: (key: string) => boolean): void {
    for (const key of [...connection.subscriptions]) if (predicate(key)) this.remove(connection, key);
  }

  get keyCount(): number {
    return this.subscribers.size;
  }
}
