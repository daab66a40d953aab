// Every history the projection keeps is bounded; these are the bounds. Memory per market is
// roughly trades + ticker buckets + candles x intervals + 2 x depth levels, whatever the load.

/** Recent trades kept per market (REST `/trades?limit=` can ask for at most this many). */
export const recentTradesMax = 1_000;

/** Candles kept per market and interval (REST `/candles?limit=` can ask for at most this many). */
export const candlesMax = 1_000;

/** The 24-hour ticker is rolled in one-minute buckets: a trade leaves the window a minute at a time. */
export const tickerBucketMs = 60_000;
export const tickerWindowMs = 24 * 60 * 60 * 1000;
export const tickerBucketsMax = tickerWindowMs / tickerBucketMs;

/** Depth levels per side published by default (snapshots and deltas cover exactly this many). */
export const depthLevelsPublishedDefault = 100;
/** Upper bound on the published depth a service may be configured with. */
export const depthLevelsPublishedLimit = 500;

/** Markets followed at once; the engine itself allows no more (services/exchange marketsMax). */
export const marketsFollowedMax = 512;
