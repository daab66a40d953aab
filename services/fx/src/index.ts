// @parite/fx: the FX rate engine (feeds, filters, composition, distribution, customer conversion).
export * from './domain/rate.ts';
export type { ProviderState, ProviderStatus, RateProvider, TickSink } from './app/provider-port.ts';
// Rate engine core: filter, selection, composition (domain) and the engine with its cycle ports (app).
export * from './domain/limits.ts';
export * from './domain/engine-settings.ts';
export { engineSettingsProblems } from './domain/engine-settings-check.ts';
export * from './domain/default-engine-settings.ts';
export * from './domain/holiday-calendar.ts';
export { turkishHolidayCalendar } from './domain/turkish-holidays.ts';
export * from './domain/market-session.ts';
export * from './domain/tick-filter.ts';
export * from './domain/rate-cycle.ts';
export * from './domain/rate-override.ts';
export { crossChain, crossQuote } from './domain/cross-rate.ts';
export type { CrossLeg, LegQuote } from './domain/cross-rate.ts';
export { FxRateCore } from './domain/rate-core.ts';
export * from './app/rate-cycle-ports.ts';
export * from './app/memory-rate-cycle-ports.ts';
export * from './app/engine-metrics.ts';
export * from './app/rate-engine.ts';
// Rate sources (adapters). The FIX adapter is deliberately not re-exported here: it loads jspurefix (and
// the reflect-metadata polyfill) at import, seconds of start-up that only a process running FIX sessions
// should pay. Import it from './adapters/fix/fix-market-data-provider.ts' (see README, Rate sources).
export { parseRateText, rateTextLengthMax, type RateTextFailure, type RateTextResult } from './adapters/rate-text.ts';
export { reconnectBackoffDefaults, reconnectDelayMs, type ReconnectBackoffOptions } from './adapters/reconnect-backoff.ts';
export { fixSourceReference, parseFixSourceReference, type FixSourceReferenceParts } from './adapters/fix/fix-quote-assembler.ts';
export * from './adapters/tcmb/tcmb-bulletin.ts';
export * from './adapters/tcmb/tcmb-source.ts';
export * from './adapters/tcmb/tcmb-provider.ts';
export * from './adapters/simulated/simulated-walk.ts';
export * from './adapters/simulated/simulated-provider.ts';
// Customer FX conversion by quote: ports, the PostgreSQL quote store, the service and the customer routes.
export * from './app/quote-ports.ts';
export * from './app/quote-memory-rate-source.ts';
export * from './app/quote-terms.ts';
export * from './app/quote-store.ts';
export * from './app/quote-service.ts';
export * from './http/customer-schemas.ts';
export * from './http/customer-plugin.ts';
// The running service (issue 4): raw tick storage, settings persistence, the cache writer and reader,
// the bus publisher and history consumer, the service, its HTTP routes and migrations.
export * from './app/tick-store-port.ts';
export * from './app/tick-recorder.ts';
export * from './app/fx-settings-port.ts';
export * from './app/rate-history-port.ts';
export * from './app/customer-rate-view.ts';
export * from './app/source-staleness.ts';
export * from './app/fx-service.ts';
export * from './adapters/postgres/postgres-raw-tick-store.ts';
export * from './adapters/postgres/postgres-settings-store.ts';
export * from './adapters/postgres/postgres-rate-history-store.ts';
export * from './adapters/postgres/postgres-current-rate-source.ts';
export * from './adapters/cache/with-timeout.ts';
export * from './adapters/cache/cache-rate-writer.ts';
export * from './adapters/cache/fx-rate-reader.ts';
export * from './adapters/bus/fx-subjects.ts';
export * from './adapters/bus/cycle-codec.ts';
export * from './adapters/bus/bus-rate-cycle-publisher.ts';
export * from './adapters/bus/rate-history-consumer.ts';
export * from './adapters/fx-runtime.ts';
export * from './http/fx-admin-schemas.ts';
export * from './http/fx-rates-plugin.ts';
export * from './http/fx-admin-plugin.ts';
export { fxMigrations } from './migrations.ts';
