// Timestamp text benchmark (`npm run bench timestamps`): isoTimestamp (packages/kernel/src/clock.ts,
// the text up to the second kept, the milliseconds appended) against `new Date(ms).toISOString()`
// (the peer), over the timestamps of orders arriving at 10,000 a second (ten per millisecond), as
// every order reply formats its createdAt. Rounds alternate; medians reported.
// Prints one JSON line: {"bench":"timestamps","isoTimestampNs":…,"peerToIsoStringNs":…,"ratio":…}

import { isoTimestamp } from '@parite/kernel';

const callsPerRound = 1_000_000;
const rounds = 5;
const startMs = Date.UTC(2026, 11, 5, 20, 0, 0, 0);
/** Ten orders per millisecond: the goal's rate. */
const timestamps = Float64Array.from({ length: callsPerRound }, (_, index) => startMs + Math.floor(index / 10));

function timeNs(format: (timestampMs: number) => string): number {
  let characters = 0;
  const started = process.hrtime.bigint();
  for (let index = 0; index < callsPerRound; index++) characters += format(timestamps[index] as number).length;
  const elapsedNs = Number(process.hrtime.bigint() - started);
  if (characters !== callsPerRound * 24) throw new Error('unexpected text length');
  return elapsedNs / callsPerRound;
}

for (let index = 0; index < callsPerRound; index += 997) {
  const timestampMs = timestamps[index] as number;
  if (isoTimestamp(timestampMs) !== new Date(timestampMs).toISOString()) throw new Error(`differs at ${timestampMs}`);
}
const ours: number[] = [];
const peer: number[] = [];
for (let round = 0; round < rounds; round++) {
  ours.push(timeNs(isoTimestamp));
  peer.push(timeNs((timestampMs) => new Date(timestampMs).toISOString()));
}
const median = (values: number[]) => values.sort((left, right) => left - right)[Math.floor(values.length / 2)] as number;
const isoTimestampNs = Math.round(median(ours));
const peerToIsoStringNs = Math.round(median(peer));
console.log(JSON.stringify({ bench: 'timestamps', isoTimestampNs, peerToIsoStringNs, ratio: Math.round((peerToIsoStringNs / isoTimestampNs) * 10) / 10 }));
