// The workload shared by the crash child and the crash test: every record's content is a function
// of its sequence, so the test can check any surviving record for integrity.
import type { JournalEntry } from '../src/index.ts';

export const crashJournalOptions = {
  limits: { payloadBytesMax: 512, flushBytesMax: 16 * 1024 },
  segmentBytesMax: 64 * 1024, // small, so the runs roll segments and crashes hit rolls too
};

export function crashEntry(sequence: bigint): JournalEntry {
  const filler = String.fromCharCode(97 + Number(sequence % 26n)).repeat(Number(sequence % 300n));
  return { timestampMs: Number(sequence) * 3, payload: new TextEncoder().encode(`sequence=${sequence};${filler}`) };
}
