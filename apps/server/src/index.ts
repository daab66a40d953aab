export { requireService, startPlatform } from './platform.ts';
export type { PlatformOptions, RunningPlatform } from './platform.ts';
export { DemoMarketMaker } from './demo/market-maker.ts';
