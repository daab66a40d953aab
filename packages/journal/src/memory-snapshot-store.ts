// In-memory snapshot store for unit tests of other packages; keeps the newest snapshots by sequence.
import { assert, assertSafeInteger } from '@parite/kernel';
import { defaultSnapshotsRetainedMax, type Snapshot, type SnapshotStore } from './snapshot-store.ts';

export class MemorySnapshotStore implements SnapshotStore {
  /** Ascending by sequence. */
  readonly snapshots: Snapshot[] = [];

  constructor(private readonly snapshotsRetainedMax: number = defaultSnapshotsRetainedMax) {
    assertSafeInteger(snapshotsRetainedMax, 'snapshotsRetainedMax');
    assert(snapshotsRetainedMax >= 1, 'keep at least one snapshot');
  }

  async save(sequence: bigint, data: Uint8Array): Promise<void> {
    assert(sequence >= 0n, 'sequence must not be negative');
    const kept = this.snapshots.filter((snapshot) => snapshot.sequence !== sequence);
    kept.push({ sequence, data: data.slice() });
    kept.sort((left, right) => (left.sequence < right.sequence ? -1 : 1));
    this.snapshots.splice(0, this.snapshots.length, ...kept.slice(-this.snapshotsRetainedMax));
  }

  async loadLatest(): Promise<Snapshot | undefined> {
    const latest = this.snapshots[this.snapshots.length - 1];
    return latest === undefined ? undefined : { sequence: latest.sequence, data: latest.data.slice() };
  }
}
