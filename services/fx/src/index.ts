// @parite/fx: the FX rate engine (feeds, filters, composition, distribution, customer conversion).
export * from './domain/rate.ts';
export type { ProviderState, ProviderStatus, RateProvider, TickSink } from './app/provider-port.ts';
