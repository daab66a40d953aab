// Every collection the rate engine keeps has a named bound, so a misbehaving feed or a mistaken
// settings document cannot grow memory or per-cycle work without limit.

/** Sources the engine accepts in its settings (FIX sessions, TCMB, simulator, ...). */
export const sourcesMax = 32;
/** Pairs the engine prices, quoted and crossed together. */
export const pairsMax = 256;
/** Amount tiers and customer segments: pairs x tiers x segments is the size of one cycle. */
export const tiersMax = 16;
export const segmentsMax = 16;
/** Rate variations in one cycle (pairs x tiers x segments), bounding one bulk cache write. */
export const variationsPerCycleMax = 16_384;
/** The latest accepted quote and its previous four: the smoothing window. */
export const smoothingDepthMax = 5;
/** Consistent ticks a source may be asked for before a sustained move is believed. */
export const spikeConfirmationTicksMax = smoothingDepthMax;
/** sourceReferences remembered per source and pair for de-duplication (a ring, oldest forgotten). */
export const referencesRememberedMax = 1024;
export const sourceReferenceLengthMax = 256;
/** A leg count above 2 is allowed by the arithmetic; 3 keeps a cross explainable to an auditor. */
export const crossLegsMax = 3;
/** Mid samples per pair for the volatility measure (one per cycle, oldest dropped). */
export const volatilitySamplesMax = 512;
export const volatilityThresholdsMax = 8;
/** Holiday entries per calendar: a decade of Turkish holidays is about 150. */
export const holidayEntriesMax = 1_000;
/**
 * Largest rate accepted anywhere in the engine: 10^7 per unit at scale 10^-8. Five of them still sum
 * to a safe integer, so smoothing never needs bigint.
 */
export const rateUnitsMax = 1_000_000_000_000_000;
/** A margin above 50 % of the mid is refused as a fat-finger in the margin table. */
export const marginPpmMax = 500_000;
export const ppmPerOne = 1_000_000;
