// One writer per file journal directory. Two processes appending to the same segments would
// interleave flushes and destroy the journal, so open() takes a lock file first:
// <directory>/writer.lock holding the owner's pid, host and start time, created with O_EXCL.
//
// A lock left by a process that died (SIGKILL, power loss) is stale and taken over: on the same
// host the owner's pid is checked for life. A lock written by another host cannot be checked (a
// shared network directory): it is refused, and the operator removes it once that host is known to
// be down. A lock held by this very process (a journal object abandoned without close, as tests
// simulating a crash do) is taken over too: the guard is against a second process.
import { cp, open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import type { ErrorCode } from '@parite/contracts';
import { JournalError } from './errors.ts';

export const writerLockFileName = 'writer.lock';

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly startedAtMs: number;
}

/** Another live process (or another host) holds the journal directory. */
export class JournalLockedError extends JournalError {
  override readonly name = 'JournalLockedError';
  readonly serviceErrorCode: ErrorCode = 'SERVICE_UNAVAILABLE';
  constructor(readonly lockPath: string, readonly owner: string) {
    super(`the journal is held by ${owner} (${lockPath}); one writer per journal`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return undefined;
    return { pid: parsed.pid, host: parsed.host, startedAtMs: Number(parsed.startedAtMs ?? 0) };
  } catch {
    return undefined;
  }
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o644);
    try {
      const owner: LockOwner = { pid: process.pid, host: hostname(), startedAtMs: Date.now() };
      await handle.writeFile(JSON.stringify(owner));
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Takes the directory's writer lock; resolves with its release. */
export async function acquireWriterLock(directory: string): Promise<() => Promise<void>> {
  const path = join(directory, writerLockFileName);
  const release = async () => {
    const owner = await readOwner(path);
    if (owner?.pid === process.pid && owner.host === hostname()) await unlink(path).catch(() => undefined);
  };
  if (await tryCreate(path)) return release;
  const owner = await readOwner(path);
  // An unreadable lock is a crash between create and write: it protects nothing.
  if (owner !== undefined) {
    const description = `pid ${owner.pid} on ${owner.host}`;
    if (owner.host !== hostname()) throw new JournalLockedError(path, description);
    if (owner.pid !== process.pid && isAlive(owner.pid)) throw new JournalLockedError(path, description);
  }
  await unlink(path).catch(() => undefined);
  // Two processes taking over the same stale lock: O_EXCL lets exactly one of them win.
  if (await tryCreate(path)) return release;
  throw new JournalLockedError(path, 'a process that took it over just now');
}

/**
 * Copies a live journal directory, e.g. to open the copy as a writer in a test. Only to read, open
 * the live directory with FileJournalReader instead: it takes no lock, writes nothing and costs no
 * copy. The writer's lock stays behind: the copy belongs to whoever opens it. A flush caught
 * half-copied is a torn tail of the copy, cut when the copy is opened by a FileJournal.
 */
export async function copyJournalDirectory(source: string, destination: string): Promise<void> {
  await cp(source, destination, { recursive: true, filter: (path) => basename(path) !== writerLockFileName });
}
