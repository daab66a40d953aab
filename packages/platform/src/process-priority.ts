// Lower CPU priority (a higher nice value) for work that is never on an order's path but shares the
// engine's machine: the projector's thread and the embedded PostgreSQL. At 10,000 orders/s on two
// cores the projector's batch and PostgreSQL's share of it come once a second as a burst of
// CPU; at the same priority the scheduler lets that burst take cores from the engine's thread and
// the orders queue behind it. At a higher nice value the burst runs on what the engine leaves idle,
// and the read models lag a little more under load instead (docs/benchmarks.md §2, session 13).
//
// Linux keeps a nice value per thread: setPriority(0, …) from a thread lowers that thread only.
// Raising one's own nice value needs no privilege; another user's process (the embedded PostgreSQL
// runs as `postgres` when the server runs as root) needs CAP_SYS_NICE, which root has. A refusal
// costs only latency, so it is reported, never fatal.
import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The nice range a process may move itself into without privileges. */
export const backgroundNiceMax = 19;
/** PARITE_BACKGROUND_NICE's default: the lowest priority, so the burst only ever fills idle time. */
export const defaultBackgroundNice = 19;
/** Bound on the processes one call visits (PostgreSQL runs a few per connection at most). */
const processTreeMax = 1_024;

export interface PriorityResult {
  readonly lowered: number;
  /** Why some could not be lowered (permission, a process that ended meanwhile). */
  readonly refusals: readonly string[];
}

/** Lowers the calling thread's priority to `nice`; a refusal is returned, not thrown. */
export function lowerCurrentThreadPriority(nice: number): PriorityResult {
  return lower([0], nice);
}

/**
 * Lowers `rootPid` and every process below it (children forked later inherit the value). Linux only
 * (the tree is read from /proc); elsewhere only `rootPid` itself is lowered.
 */
export function lowerProcessTreePriority(rootPid: number, nice: number): PriorityResult {
  // The root before the walk: a process it forks from then on inherits the value, and one forked
  // earlier is in the walk. Walking first would miss a child forked between the walk and the root's
  // change (the embedded PostgreSQL forks its launchers as it becomes ready; one was seen at 0).
  const root = lower([rootPid], nice);
  const below = lower(processTree(rootPid).slice(1), nice);
  return { lowered: root.lowered + below.lowered, refusals: [...root.refusals, ...below.refusals] };
}

function lower(pids: readonly number[], nice: number): PriorityResult {
  if (!Number.isInteger(nice) || nice < 0 || nice > backgroundNiceMax) {
    throw new RangeError(`nice must be an integer in 0..${backgroundNiceMax}`);
  }
  let lowered = 0;
  const refusals: string[] = [];
  for (const pid of pids) {
    try {
      setPriority(pid, nice);
      lowered++;
    } catch (error) {
      refusals.push(`${pid}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }
  return { lowered, refusals };
}

/**
 * The fields of a /proc/<pid>/stat text after the command name (which is in parentheses and may hold
 * spaces and ')'): index 0 is the state (field 3 in proc(5)), so field N of proc(5) is index N - 3.
 */
export function procStatFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** proc(5) fields 4 (parent pid) and 19 (nice) as indexes into procStatFields. */
export const ProcStatIndex = { ParentPid: 1, Nice: 16 } as const;

/** `rootPid` and its descendants, parents first (Linux; elsewhere `rootPid` alone). */
export function processTree(rootPid: number): number[] {
  const childrenByParent = new Map<number, number[]>();
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [rootPid];
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const parent = parentOf(name);
    if (parent === undefined) continue;
    const siblings = childrenByParent.get(parent) ?? [];
    siblings.push(Number(name));
    childrenByParent.set(parent, siblings);
  }
  const tree = [rootPid];
  for (let index = 0; index < tree.length && tree.length < processTreeMax; index++) {
    tree.push(...(childrenByParent.get(tree[index] as number) ?? []));
  }
  return tree.slice(0, processTreeMax);
}

/** The parent pid from /proc/<pid>/stat. */
function parentOf(pid: string): number | undefined {
  try {
    const parent = Number(procStatFields(readFileSync(`/proc/${pid}/stat`, 'utf8'))[ProcStatIndex.ParentPid]);
    return Number.isSafeInteger(parent) ? parent : undefined;
  } catch {
    return undefined; // ended meanwhile
  }
}
