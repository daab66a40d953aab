// What a subscribe request resolves to: the subscription key and the snapshot pushed first.
// Refusals are ServiceErrors, turned into error replies by the hub.
import { ServiceError } from '@parite/contracts';
import { principalHasPermission, type Permission } from '@parite/http';
import type { DepthSnapshot, PublicMessage, PublicTicker, PublicTrade } from '../domain/types.ts';
import type { HubConnection } from './connection.ts';
import type { SubscriptionRequest } from './protocol.ts';
import { publicChannels, publicKey } from './subscriptions.ts';

/** What the hub reads from the market-data service; MarketDataService satisfies it. */
export interface PublicFeed {
  onPublicMessage(listener: (message: PublicMessage) => void): () => void;
  depth(symbol: string): DepthSnapshot;
  ticker(symbol: string): PublicTicker;
  trades(symbol: string, limit: number): PublicTrade[];
}

export interface PrivateChannelDefinition {
  /** Held by the principal besides being a user; absent means any logged-in user. */
  permission?: Permission;
  /** Pushed as `{ channel, type: 'snapshot', data }` right after the ok; undefined pushes nothing. */
  snapshot?: (connection: HubConnection) => unknown;
}

export interface SubscriptionTarget {
  key: string;
  /** The snapshot message, or undefined when the channel has none. */
  push: unknown;
}

export interface TargetContext {
  feed: PublicFeed;
  privateChannels: ReadonlyMap<string, PrivateChannelDefinition>;
  tradesSnapshotMax: number;
}

export function resolveSubscription(context: TargetContext, connection: HubConnection, request: SubscriptionRequest):
  SubscriptionTarget {
  const { channel, symbol } = request;
  if (publicChannels.has(channel)) {
    if (symbol === undefined) {
      throw new ServiceError('WS_MESSAGE_INVALID', undefined, 'A public channel needs a symbol.');
    }
    const snapshot = publicSnapshot(context, channel, symbol);
    return {
      key: publicKey(channel, snapshot.symbol),
      push: { channel, symbol: snapshot.symbol, type: 'snapshot', data: snapshot.data },
    };
  }
  const definition = context.privateChannels.get(channel);
  if (definition === undefined) throw new ServiceError('WS_UNKNOWN_CHANNEL');
  if (symbol !== undefined) {
    throw new ServiceError('WS_MESSAGE_INVALID', undefined, 'A private channel takes no symbol.');
  }
  const principal = connection.principal;
  if (principal.kind !== 'user') throw new ServiceError('AUTH_REQUIRED');
  if (definition.permission !== undefined && !principalHasPermission(principal, definition.permission)) {
    throw new ServiceError('AUTH_FORBIDDEN');
  }
  const data = definition.snapshot?.(connection);
  return { key: channel, push: data === undefined ? undefined : { channel, type: 'snapshot', data } };
}

/** Throws ServiceError('MARKET_UNKNOWN') for an unknown market (from the service). */
function publicSnapshot(context: TargetContext, channel: string, symbol: string): { symbol: string; data: unknown } {
  if (channel === 'depth') {
    const snapshot = context.feed.depth(symbol);
    return { symbol: snapshot.symbol, data: snapshot };
  }
  const ticker = context.feed.ticker(symbol);
  if (channel === 'ticker') return { symbol: ticker.symbol, data: ticker };
  return { symbol: ticker.symbol, data: context.feed.trades(symbol, context.tradesSnapshotMax) };
}
