// Validation of the settings document. Each problem names the field so the admin API can show it.

import { businessHoursProblems } from './market-session.ts';
import { holidayCalendarProblems } from './holiday-calendar.ts';
import {
  crossLegsMax, marginPpmMax, pairsMax, ppmPerOne, rateUnitsMax, segmentsMax, smoothingDepthMax, sourcesMax,
  spikeConfirmationTicksMax, tiersMax, variationsPerCycleMax, volatilityThresholdsMax,
} from './limits.ts';
import type { FxEngineSettings, MarginSchedule, PairSettings, SourceSettings } from './engine-settings.ts';
import { crossChain } from './cross-rate.ts';
import { precisionStepUnits } from './rate-math.ts';

const pairPattern = /^[A-Z0-9]{2,12}\/[A-Z0-9]{2,12}$/;
const identifierPattern = /^[A-Za-z0-9_.-]{1,64}$/;
/** Five days: enough for the TCMB bulletin over a long bayram weekend; longer durations are mistakes. */
const durationMsMax = 5 * 24 * 3_600_000;

export function engineSettingsProblems(settings: FxEngineSettings): string[] {
  const problems: string[] = [];
  if (settings.sources.length > sourcesMax) problems.push(`more than ${sourcesMax} sources`);
  if (settings.pairs.length > pairsMax) problems.push(`more than ${pairsMax} pairs`);
  problems.push(...tierAndSegmentProblems(settings));
  problems.push(...marginScheduleProblems('defaultMargins', settings.defaultMargins, settings));
  const pairs = new Map(settings.pairs.map((pair) => [pair.pair, pair]));
  if (pairs.size !== settings.pairs.length) problems.push('a pair appears twice');
  for (const pair of settings.pairs) problems.push(...pairProblems(pair, pairs, settings));
  const sourceIds = new Set<string>();
  for (const source of settings.sources) {
    if (sourceIds.has(source.sourceId)) problems.push(`source ${source.sourceId} appears twice`);
    sourceIds.add(source.sourceId);
    problems.push(...sourceProblems(source, pairs));
  }
  problems.push(...businessHoursProblems(settings.businessHours));
  problems.push(...holidayCalendarProblems(settings.calendar));
  if (!isDuration(settings.clockSkewToleranceMs)) problems.push('clockSkewToleranceMs must be a duration');
  if (!isDuration(settings.rateValidityMs) || settings.rateValidityMs === 0) problems.push('rateValidityMs must be positive');
  return problems;
}

function tierAndSegmentProblems(settings: FxEngineSettings): string[] {
  const problems: string[] = [];
  const { tiers, segments } = settings;
  if (tiers.length === 0 || tiers.length > tiersMax) problems.push(`between 1 and ${tiersMax} tiers`);
  if (segments.length === 0 || segments.length > segmentsMax) problems.push(`between 1 and ${segmentsMax} segments`);
  if (settings.pairs.length * tiers.length * segments.length > variationsPerCycleMax) {
    problems.push(`pairs x tiers x segments exceeds ${variationsPerCycleMax}`);
  }
  if (new Set(segments).size !== segments.length || segments.some((segment) => !identifierPattern.test(segment))) {
    problems.push('segments must be distinct identifiers');
  }
  if (new Set(tiers.map((tier) => tier.tierId)).size !== tiers.length) problems.push('tier ids must be distinct');
  let previous = 0;
  tiers.forEach((tier, index) => {
    if (!identifierPattern.test(tier.tierId)) problems.push(`tier ${tier.tierId} is not an identifier`);
    const last = index === tiers.length - 1;
    if (last !== (tier.upToBaseUnits === null)) problems.push('only the last tier is open-ended (upToBaseUnits null)');
    if (tier.upToBaseUnits !== null) {
      if (!Number.isSafeInteger(tier.upToBaseUnits) || tier.upToBaseUnits <= previous) {
        problems.push(`tier ${tier.tierId}: upToBaseUnits must ascend`);
      }
      previous = tier.upToBaseUnits;
    }
  });
  return problems;
}

export function marginScheduleProblems(where: string, schedule: MarginSchedule, settings: FxEngineSettings): string[] {
  const problems: string[] = [];
  for (const segment of settings.segments) {
    for (const tier of settings.tiers) {
      const margin = schedule.base[segment]?.[tier.tierId];
      if (margin === undefined) problems.push(`${where}.base.${segment}.${tier.tierId} is missing`);
      else if (!isMargin(margin.buyPpm) || !isMargin(margin.sellPpm)) problems.push(`${where}.base.${segment}.${tier.tierId} out of range`);
    }
  }
  for (const kind of ['out-of-hours', 'weekend', 'holiday'] as const) {
    const add = schedule.sessionAdd[kind];
    if (add === undefined || !isMargin(add.buyPpm) || !isMargin(add.sellPpm)) problems.push(`${where}.sessionAdd.${kind} out of range`);
  }
  if (schedule.volatilitySteps.length > volatilityThresholdsMax) problems.push(`${where}: too many volatility steps`);
  let previous = -1;
  for (const step of schedule.volatilitySteps) {
    if (!isPpmValue(step.volatilityPpmMin) || step.volatilityPpmMin <= previous || !isMargin(step.addPpm)) {
      problems.push(`${where}.volatilitySteps must ascend with margins in range`);
    }
    previous = step.volatilityPpmMin;
  }
  return problems;
}

function pairProblems(pair: PairSettings, pairs: ReadonlyMap<string, PairSettings>, settings: FxEngineSettings): string[] {
  const problems: string[] = [];
  const where = `pair ${pair.pair}`;
  if (!pairPattern.test(pair.pair)) problems.push(`${where}: symbol must be BASE/QUOTE`);
  const precisionOk = Number.isSafeInteger(pair.precisionDigits) && pair.precisionDigits >= 0 && pair.precisionDigits <= 8;
  if (!precisionOk) problems.push(`${where}: precisionDigits 0..8`);
  const saneOk = isUnits(pair.saneMinUnits) && isUnits(pair.saneMaxUnits) && pair.saneMinUnits < pair.saneMaxUnits;
  if (!saneOk) problems.push(`${where}: 0 < saneMinUnits < saneMaxUnits <= ${rateUnitsMax}`);
  // Two display steps at least, so even a 50 % sell margin leaves a positive rate on the grid.
  if (saneOk && precisionOk && pair.saneMinUnits < 2 * precisionStepUnits(pair.precisionDigits)) {
    problems.push(`${where}: saneMinUnits must be at least two steps of the display precision`);
  }
  for (const field of ['spikeTolerancePpm', 'spikeSelfConfirmMovePpmMax', 'crossSourceTolerancePpm'] as const) {
    if (!isPpmValue(pair[field]) || pair[field] === 0) problems.push(`${where}: ${field} must be 1..${ppmPerOne}`);
  }
  if (pair.spikeSelfConfirmMovePpmMax < pair.spikeTolerancePpm) problems.push(`${where}: spikeSelfConfirmMovePpmMax below spikeTolerancePpm`);
  if (!isDuration(pair.noSourceAlertAfterMs)) problems.push(`${where}: noSourceAlertAfterMs must be a duration`);
  if (!isDuration(pair.volatilityWindowMs)) problems.push(`${where}: volatilityWindowMs must be a duration`);
  if (pair.margins !== undefined) problems.push(...marginScheduleProblems(`${where}.margins`, pair.margins, settings));
  if (pair.crossLegs !== undefined) {
    if (pair.crossLegs.length < 2 || pair.crossLegs.length > crossLegsMax) problems.push(`${where}: 2..${crossLegsMax} cross legs`);
    for (const leg of pair.crossLegs) {
      const legPair = pairs.get(leg);
      if (legPair === undefined) problems.push(`${where}: cross leg ${leg} is not a configured pair`);
      else if (legPair.crossLegs !== undefined) problems.push(`${where}: cross leg ${leg} is itself a cross`);
    }
    if (crossChain(pair.pair, pair.crossLegs) === undefined) problems.push(`${where}: legs do not chain from base to quote`);
  }
  return problems;
}

function sourceProblems(source: SourceSettings, pairs: ReadonlyMap<string, PairSettings>): string[] {
  const problems: string[] = [];
  const where = `source ${source.sourceId}`;
  if (!identifierPattern.test(source.sourceId)) problems.push(`${where}: id must be an identifier`);
  if (!Number.isSafeInteger(source.priority) || source.priority < 1 || source.priority > 1_000) problems.push(`${where}: priority 1..1000`);
  if (!Number.isSafeInteger(source.smoothingDepth) || source.smoothingDepth < 1 || source.smoothingDepth > smoothingDepthMax) {
    problems.push(`${where}: smoothingDepth 1..${smoothingDepthMax}`);
  }
  const confirmation = source.spikeConfirmationTicks;
  if (!Number.isSafeInteger(confirmation) || confirmation < 1 || confirmation > spikeConfirmationTicksMax) {
    problems.push(`${where}: spikeConfirmationTicks 1..${spikeConfirmationTicksMax}`);
  }
  const seen = new Set<string>();
  for (const sourcePair of source.pairs) {
    const pair = pairs.get(sourcePair.pair);
    if (pair === undefined) problems.push(`${where}: pair ${sourcePair.pair} is not configured`);
    else if (pair.crossLegs !== undefined) problems.push(`${where}: pair ${sourcePair.pair} is priced as a cross`);
    if (seen.has(sourcePair.pair)) problems.push(`${where}: pair ${sourcePair.pair} appears twice`);
    seen.add(sourcePair.pair);
    if (!isDuration(sourcePair.maxAgeMs) || sourcePair.maxAgeMs === 0) problems.push(`${where}: ${sourcePair.pair} maxAgeMs must be positive`);
  }
  return problems;
}

function isMargin(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value <= marginPpmMax;
}

function isPpmValue(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value <= ppmPerOne;
}

function isUnits(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0 && value <= rateUnitsMax;
}

function isDuration(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value <= durationMsMax;
}
