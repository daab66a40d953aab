// Child process of crash.test.ts: appends forever and prints "acked <sequence>" once a call is
// durable. stdout to a pipe is synchronous on Linux, so a printed line was acknowledged before any
// SIGKILL that follows it.
import { assert } from '@parite/kernel';
import { FileJournal } from '../src/index.ts';
import { crashEntry, crashJournalOptions } from './crash-workload.ts';

const callsPerRound = 8;
const directory = process.argv[2];
assert(directory !== undefined, 'usage: crash-child.ts <directory>');
const journal = new FileJournal({ directory, ...crashJournalOptions });
await journal.open();
process.stdout.write(`ready ${journal.lastSequence}\n`);
for (;;) {
  const round: Promise<void>[] = [];
  for (let call = 0; call < callsPerRound; call++) {
    const first = journal.lastEnqueuedSequence + 1n;
    const entries = Array.from({ length: 1 + (call % 3) }, (_, offset) => crashEntry(first + BigInt(offset)));
    const result = journal.enqueue(entries);
    assert(result.status === 'enqueued' && result.firstSequence === first, 'sequences follow call order');
    round.push(result.durable.then((last) => void process.stdout.write(`acked ${last}\n`)));
  }
  await Promise.all(round);
}
