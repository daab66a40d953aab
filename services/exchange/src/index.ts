export * from './domain/index.ts';
export * from './app/engine-api.ts';
export * from './app/exchange-engine.ts';
export * from './app/command-codec.ts';
export * from './app/snapshot-scheduler.ts';
