// Snapshots: the engine state at a journal sequence. Recovery loads the latest intact snapshot and
// replays the journal after its sequence, so a damaged snapshot costs replay time, never data: the
// store falls back to an older one (the journal is never compacted past a retained snapshot).
//
// FileSnapshotStore: <directory>/<sequence, 20 digits>.snap, each written to a temporary file,
// fsynced, renamed into place and made durable by fsyncing the directory, so a crash leaves
// either the old set or the new set of snapshots, never a half-written one under a final name.
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { assert, assertSafeInteger } from '@parite/kernel';
import { fsyncDirectory, writeFully } from './segment-files.ts';
import { decodeSnapshot, encodeSnapshotHeader, snapshotHeaderBytes } from './snapshot-format.ts';

export interface Snapshot {
  readonly sequence: bigint;
  readonly data: Uint8Array;
}

export interface SnapshotStore {
  /** Durably stores the state at `sequence`, then drops snapshots beyond the retention limit. */
  save(sequence: bigint, data: Uint8Array): Promise<void>;
  /** The newest snapshot whose checksum verifies; older ones are tried when newer ones are damaged. */
  loadLatest(): Promise<Snapshot | undefined>;
}

export const defaultSnapshotsRetainedMax = 3;
export const defaultSnapshotBytesMax = 1024 * 1024 * 1024;

export interface FileSnapshotStoreOptions {
  readonly directory: string;
  /** Snapshots kept after a save; at least 2 so that a damaged newest one has a fallback. */
  readonly snapshotsRetainedMax?: number;
  readonly snapshotBytesMax?: number;
  /** Reports a snapshot skipped because it is damaged; it is left in place for inspection. */
  readonly onCorrupt?: (location: string, reason: string) => void;
}

const snapshotNamePattern = /^(\d{20})\.snap$/;

export class FileSnapshotStore implements SnapshotStore {
  private readonly snapshotsRetainedMax: number;
  private readonly snapshotBytesMax: number;
  private saving = false;

  constructor(private readonly options: FileSnapshotStoreOptions) {
    this.snapshotsRetainedMax = options.snapshotsRetainedMax ?? defaultSnapshotsRetainedMax;
    this.snapshotBytesMax = options.snapshotBytesMax ?? defaultSnapshotBytesMax;
    assertSafeInteger(this.snapshotsRetainedMax, 'snapshotsRetainedMax');
    assert(this.snapshotsRetainedMax >= 2, 'keep at least two snapshots, so a damaged one has a fallback');
    assertSafeInteger(this.snapshotBytesMax, 'snapshotBytesMax');
  }

  async save(sequence: bigint, data: Uint8Array): Promise<void> {
    assert(!this.saving, 'one save at a time: a save prunes the temporary files of others');
    this.saving = true;
    try {
      await this.saveAlone(sequence, data);
    } finally {
      this.saving = false;
    }
  }

  private async saveAlone(sequence: bigint, data: Uint8Array): Promise<void> {
    assert(sequence >= 0n, 'sequence must not be negative');
    assert(data.byteLength <= this.snapshotBytesMax, 'snapshot exceeds snapshotBytesMax');
    await mkdir(this.options.directory, { recursive: true });
    const finalPath = this.pathOf(sequence);
    const temporaryPath = `${finalPath}.tmp`;
    const handle = await open(temporaryPath, 'w');
    try {
      const header = await encodeSnapshotHeader(sequence, data);
      await writeFully(handle, header, 0);
      await writeFully(handle, data, header.byteLength);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporaryPath, finalPath);
    await fsyncDirectory(this.options.directory);
    await this.prune();
  }

  async loadLatest(): Promise<Snapshot | undefined> {
    for (const sequence of (await this.listSequences()).reverse()) {
      const path = this.pathOf(sequence);
      const { size } = await stat(path);
      if (size > snapshotHeaderBytes + this.snapshotBytesMax) {
        this.options.onCorrupt?.(path, `file of ${size} bytes exceeds snapshotBytesMax`);
        continue;
      }
      const decoded = decodeSnapshot(await readFile(path));
      if (typeof decoded === 'string' || decoded.sequence !== sequence) {
        this.options.onCorrupt?.(path, typeof decoded === 'string' ? decoded : `holds sequence ${decoded.sequence}`);
        continue;
      }
      return decoded;
    }
    return undefined;
  }

  private async prune(): Promise<void> {
    const sequences = await this.listSequences();
    const dropped = sequences.slice(0, Math.max(0, sequences.length - this.snapshotsRetainedMax));
    for (const sequence of dropped) await rm(this.pathOf(sequence));
    // Leftovers of saves that crashed before their rename.
    for (const name of await readdir(this.options.directory)) {
      if (name.endsWith('.snap.tmp')) await rm(join(this.options.directory, name), { force: true });
    }
  }

  /** Sequences of the snapshots on disk, ascending. */
  private async listSequences(): Promise<bigint[]> {
    let names: string[];
    try {
      names = await readdir(this.options.directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const sequences: bigint[] = [];
    for (const name of names) {
      const match = snapshotNamePattern.exec(name);
      if (match?.[1] !== undefined) sequences.push(BigInt(match[1]));
    }
    return sequences.sort((left, right) => (left < right ? -1 : left > right ? 1 : 0));
  }

  private pathOf(sequence: bigint): string {
    return join(this.options.directory, `${sequence.toString().padStart(20, '0')}.snap`);
  }
}
