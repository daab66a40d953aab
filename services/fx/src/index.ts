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
