// Buffers every tick with its filter decision and writes them to the raw tick store in batches, with
// the latest-quote windows of the source-pairs each batch touched. Ingest stays synchronous and
// allocation-light; the store sees one COPY per batch instead of one INSERT per tick.
//
// Bounded: at most `bufferedMax` ticks wait. When the store falls that far behind (database down),
// further ticks are counted as dropped and `onOverflow` is told once per episode; the engine keeps
// pricing, since rates must not stop because evidence storage is slow, and the gap is an alert.

import { assert } from '@parite/kernel';
import type { ProviderTick } from '../domain/rate.ts';
import type { TickOutcome } from '../domain/tick-filter.ts';
import { smoothingDepthMax } from '../domain/limits.ts';
import type { LatestQuoteRow, RawTickStore, RecordedTick } from './tick-store-port.ts';

export const tickRecorderBatchMaxDefault = 10_000;
export const tickRecorderBufferedMaxDefault = 500_000;
export const tickRecorderFlushIntervalMsDefault = 100;
/** Source-pairs whose windows the recorder keeps (sourcesMax x pairsMax would be 8,192). */
export const latestWindowsMax = 8_192;

export interface TickRecorderOptions {
  readonly store: RawTickStore;
  readonly batchMax?: number;
  readonly bufferedMax?: number;
  readonly flushIntervalMs?: number;
  /** Called once when ticks start being dropped, and once when the store catches up again. */
  readonly onOverflow?: (dropping: boolean, droppedSoFar: number) => void;
  readonly onError?: (error: unknown) => void;
}

export interface TickRecorderStatus {
  readonly buffered: number;
  readonly stored: number;
  readonly dropped: number;
  readonly batchesWritten: number;
  readonly writeFailures: number;
  readonly lastError: string | undefined;
}

class LatestWindow {
  readonly ticks: ProviderTick[] = [];
  dirty = false;

  push(tick: ProviderTick): void {
    this.ticks.unshift(tick);
    if (this.ticks.length > smoothingDepthMax) this.ticks.pop();
    this.dirty = true;
  }
}

export class TickRecorder {
  private buffer: RecordedTick[] = [];
  private readonly windows = new Map<string, LatestWindow>();
  private readonly batchMax: number;
  private readonly bufferedMax: number;
  private readonly flushIntervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private dropping = false;
  private stored = 0;
  private dropped = 0;
  private batchesWritten = 0;
  private writeFailures = 0;
  private lastError: string | undefined;

  constructor(private readonly options: TickRecorderOptions) {
    this.batchMax = options.batchMax ?? tickRecorderBatchMaxDefault;
    this.bufferedMax = options.bufferedMax ?? tickRecorderBufferedMaxDefault;
    this.flushIntervalMs = options.flushIntervalMs ?? tickRecorderFlushIntervalMsDefault;
    assert(this.batchMax >= 1 && this.bufferedMax >= this.batchMax, 'bufferedMax must hold at least one batch');
  }

  /** Synchronous: called from the engine's tick sink for every tick, whatever its decision. */
  record(tick: ProviderTick, decision: TickOutcome): void {
    if (this.buffer.length >= this.bufferedMax) {
      this.dropped++;
      if (!this.dropping) {
        this.dropping = true;
        this.options.onOverflow?.(true, this.dropped);
      }
      return;
    }
    this.buffer.push({ tick, decision });
    if (decision === 'ACCEPTED') this.windowOf(tick)?.push(tick);
    if (this.buffer.length >= this.batchMax && this.flushing === undefined) void this.flush();
  }

  private windowOf(tick: ProviderTick): LatestWindow | undefined {
    const key = `${tick.sourceId}\u0000${tick.pair}`;
    let window = this.windows.get(key);
    if (window === undefined) {
      // Accepted ticks come only from configured source-pairs, so the bound is a safety net.
      if (this.windows.size >= latestWindowsMax) return undefined;
      this.windows.set(key, (window = new LatestWindow()));
    }
    return window;
  }

  start(): void {
    assert(this.timer === undefined, 'tick recorder already started');
    this.timer = setInterval(() => void this.flush(), this.flushIntervalMs);
  }

  /** Stops the timer and writes everything still buffered (retrying once per call on failure). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flushAll();
  }

  /** Writes until the buffer is empty or a write fails. */
  async flushAll(): Promise<void> {
    const rounds = Math.ceil(this.bufferedMax / this.batchMax) + 1;
    for (let round = 0; round < rounds; round++) {
      await this.flush();
      if (this.buffer.length === 0 || this.lastFlushFailed) return;
    }
  }

  private lastFlushFailed = false;

  /** One batch; concurrent callers share the write in flight. */
  flush(): Promise<void> {
    this.flushing ??= this.writeBatch().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async writeBatch(): Promise<void> {
    if (this.buffer.length === 0 && !this.hasDirtyWindows()) return;
    const batch = this.buffer.length <= this.batchMax ? this.buffer : this.buffer.slice(0, this.batchMax);
    this.buffer = batch === this.buffer ? [] : this.buffer.slice(this.batchMax);
    const latest = this.takeDirtyWindows();
    try {
      await this.options.store.append(batch, latest);
      this.stored += batch.length;
      this.batchesWritten++;
      this.lastFlushFailed = false;
      if (this.dropping && this.buffer.length < this.bufferedMax / 2) {
        this.dropping = false;
        this.options.onOverflow?.(false, this.dropped);
      }
    } catch (error) {
      // Put the batch back in front, so order is kept and nothing is lost while the buffer has room.
      this.buffer = batch.concat(this.buffer);
      if (this.buffer.length > this.bufferedMax) {
        this.dropped += this.buffer.length - this.bufferedMax;
        this.buffer.length = this.bufferedMax;
      }
      for (const row of latest) this.windows.get(`${row.sourceId}\u0000${row.pair}`)!.dirty = true;
      this.writeFailures++;
      this.lastFlushFailed = true;
      this.lastError = error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200);
      this.options.onError?.(error);
    }
  }

  private hasDirtyWindows(): boolean {
    for (const window of this.windows.values()) if (window.dirty) return true;
    return false;
  }

  private takeDirtyWindows(): LatestQuoteRow[] {
    const rows: LatestQuoteRow[] = [];
    for (const window of this.windows.values()) {
      if (!window.dirty) continue;
      window.dirty = false;
      window.ticks.forEach((tick, depth) => rows.push({ sourceId: tick.sourceId, pair: tick.pair, depth, tick }));
    }
    return rows;
  }

  status(): TickRecorderStatus {
    return { buffered: this.buffer.length, stored: this.stored, dropped: this.dropped, batchesWritten: this.batchesWritten,
      writeFailures: this.writeFailures, lastError: this.lastError };
  }
}
