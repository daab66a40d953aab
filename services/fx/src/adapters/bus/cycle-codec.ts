// The wire form of a published cycle: JSON, split into parts of whole pairs so one message stays far
// below the bus's 1 MB limit even at the largest settings (16,384 variations). Part 0 carries the
// cycle-wide fields (pairs without a rate, dropped sources, alerts). Independent of the transport:
// a Kafka adapter of the EventBus port would carry the same bytes.

import { assert } from '@parite/kernel';
import type { PairRate, RateCycle } from '../../domain/rate-cycle.ts';

export const cycleMessageVersion = 1;
/** Serialized bytes of pairs per part (the bus limit is 1 MB; headroom for the envelope). */
export const cyclePartBytesMax = 512 * 1024;
/** Parts of one cycle; pairsMax (256) pairs of at most 256 variations fit well within. */
export const cyclePartsMax = 64;

export interface CycleMessagePart {
  readonly version: number;
  readonly part: number;
  readonly parts: number;
  /** The cycle with only this part's rates; the cycle-wide lists are empty except in part 0. */
  readonly cycle: RateCycle;
}

export interface EncodedPart {
  readonly id: string;
  readonly data: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeCycle(cycle: RateCycle): EncodedPart[] {
  const groups: PairRate[][] = [[]];
  let groupBytes = 0;
  for (const rate of cycle.rates) {
    const bytes = JSON.stringify(rate).length;
    if (groupBytes + bytes > cyclePartBytesMax && groups[groups.length - 1]!.length > 0) {
      groups.push([]);
      groupBytes = 0;
    }
    groups[groups.length - 1]!.push(rate);
    groupBytes += bytes;
  }
  assert(groups.length <= cyclePartsMax, `a cycle needs more than ${cyclePartsMax} parts`);
  return groups.map((rates, part) => {
    const partCycle: RateCycle = part === 0 ? { ...cycle, rates }
      : { ...cycle, rates, pairsWithoutRate: [], dropped: [], alerts: [] };
    const message: CycleMessagePart = { version: cycleMessageVersion, part, parts: groups.length, cycle: partCycle };
    return { id: `${cycle.cycleId}#${part}`, data: encoder.encode(JSON.stringify(message)) };
  });
}

export function decodeCyclePart(data: Uint8Array): CycleMessagePart {
  const message = JSON.parse(decoder.decode(data)) as CycleMessagePart;
  assert(message.version === cycleMessageVersion, `unknown cycle message version ${String(message.version)}`);
  assert(typeof message.cycle?.cycleId === 'string' && Array.isArray(message.cycle.rates), 'malformed cycle message');
  return message;
}
