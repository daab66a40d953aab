export * from './assert.ts';
export * from './decimal.ts';
export * from './prng.ts';
export * from './clock.ts';
export * from './hash.ts';
export * from './json.ts';
export * from './oldest-first-map.ts';
