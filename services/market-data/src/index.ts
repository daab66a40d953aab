// @parite/market-data: public market data (trades, tickers, candles, depth) derived from the
// exchange engine's committed-command stream, its REST routes and its WebSocket hub.
export * from './domain/index.ts';
export { MarketDataService, publicMessageListenersMax } from './app/market-data-service.ts';
export type { MarketDataServiceOptions, PublicMessageListener } from './app/market-data-service.ts';
export { marketDataPlugin } from './http/plugin.ts';
export type { MarketDataPluginOptions } from './http/plugin.ts';
export { WebSocketHub, attachWebSocketHub, operationsMax, privateChannelsMax } from './ws/hub.ts';
export type { OperationHandler, PrivateChannelDefinition, PublicFeed } from './ws/hub.ts';
export { HubCloseCode, HubConnection } from './ws/connection.ts';
export type { HubSocket } from './ws/connection.ts';
export { hubDefaults } from './ws/hub-options.ts';
export type { WebSocketHubOptions } from './ws/hub-options.ts';
export { errorReply, parseInbound } from './ws/protocol.ts';
export type { RequestId } from './ws/protocol.ts';
