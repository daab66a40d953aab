// The running FX service: providers push ticks into the engine (filtered as they arrive) and into the
// raw tick recorder (batched to storage); a scheduler runs a cycle every `cycleIntervalMs` (compose,
// cache write, publish; the history is written by the bus consumer); alerts become a log line, a
// counter, a stored admin-console line and an event. Admin changes are persisted, then applied.

import { ServiceError } from '@parite/contracts';
import { assert, type Clock } from '@parite/kernel';
import type { Logger } from '@parite/platform';
import type { ProviderTick } from '../domain/rate.ts';
import type { FxEngineSettings, MarginSchedule, SourceSettings } from '../domain/engine-settings.ts';
import { engineSettingsProblems } from '../domain/engine-settings-check.ts';
import type { HolidayEntry } from '../domain/holiday-calendar.ts';
import type { RateCycle } from '../domain/rate-cycle.ts';
import { overrideProblem, type RateOverride } from '../domain/rate-override.ts';
import type { TickOutcome } from '../domain/tick-filter.ts';
import type { ProviderStatus, RateProvider } from './provider-port.ts';
import type { RateCachePort, RateCyclePublisher } from './rate-cycle-ports.ts';
import { RateEngine } from './rate-engine.ts';
import type { RateEngineMetrics } from './engine-metrics.ts';
import type { FxSettingsStore, MarginScope, PersistedOverride } from './fx-settings-port.ts';
import { defaultMarginScope } from './fx-settings-port.ts';
import type { FxAlert, RateHistoryStore, StoredFxAlert, StoredRate } from './rate-history-port.ts';
import type { RawTickStore } from './tick-store-port.ts';
import { TickRecorder, type TickRecorderStatus } from './tick-recorder.ts';
import { SourceStalenessTracker } from './source-staleness.ts';

export const cycleIntervalMsDefault = 2_000;
export const cycleIntervalMsMin = 50;
/** Alert counters kept by code (engine and service codes are a small fixed set; the bound is a net). */
export const alertCodesMax = 64;

export interface FxCyclePublisher extends RateCyclePublisher {
  publishAlerts(alerts: readonly FxAlert[], idPrefix: string): Promise<void>;
}

export interface FxServiceOptions {
  /** The configured settings; persisted sources, margins, holidays and overrides are laid over them. */
  readonly baseSettings: FxEngineSettings;
  readonly settingsStore: FxSettingsStore;
  readonly tickStore: RawTickStore;
  readonly history: RateHistoryStore;
  readonly rateCache: RateCachePort;
  readonly publisher: FxCyclePublisher;
  readonly providers: readonly RateProvider[];
  readonly clock: Clock;
  readonly logger: Logger;
  /** Names this instance; the start instant is appended so cycle ids never repeat across restarts. */
  readonly instanceName?: string;
  readonly cycleIntervalMs?: number;
  /**
   * False in a process with no rate source: it serves reads and admin changes but composes nothing,
   * so it never publishes empty cycles over the rates another process composes. Default true.
   */
  readonly composesCycles?: boolean;
  readonly tickRecorder?: { batchMax?: number; bufferedMax?: number; flushIntervalMs?: number };
}

export interface FxServiceStatus {
  readonly running: boolean;
  readonly engineId: string;
  readonly cycleIntervalMs: number;
  readonly lastCycle: { cycleId: string; atMs: number; rates: number; pairsWithoutRate: number } | undefined;
  readonly cycleFailures: number;
  readonly engine: RateEngineMetrics;
  readonly rawTicks: TickRecorderStatus;
  readonly alertsByCode: Readonly<Record<string, number>>;
  readonly providers: readonly ProviderStatus[];
}

export interface SourceChange {
  readonly enabled?: boolean;
  readonly priority?: number;
  readonly pairs?: readonly { pair: string; enabled?: boolean; maxAgeMs?: number }[];
}

export class FxService {
  private engineInstance: RateEngine | undefined;
  private readonly recorder: TickRecorder;
  private readonly staleness = new SourceStalenessTracker();
  private readonly cycleIntervalMs: number;
  private readonly alertCounts = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private cycleInFlight: Promise<unknown> | undefined;
  private running = false;
  private cycleFailures = 0;
  private cycleFailing = false;
  private lastCycle: RateCycle | undefined;
  private serviceAlertSequence = 0;
  private adminQueue: Promise<unknown> = Promise.resolve();
  readonly engineId: string;

  constructor(private readonly options: FxServiceOptions) {
    this.cycleIntervalMs = options.cycleIntervalMs ?? cycleIntervalMsDefault;
    assert(Number.isSafeInteger(this.cycleIntervalMs) && this.cycleIntervalMs >= cycleIntervalMsMin,
      `cycleIntervalMs must be at least ${cycleIntervalMsMin}`);
    this.engineId = `${options.instanceName ?? 'fx'}.${options.clock.nowMs().toString(36)}`;
    this.recorder = new TickRecorder({ store: options.tickStore, ...options.tickRecorder,
      onOverflow: (dropping, dropped) => this.raiseServiceAlert(dropping
        ? { code: 'RAW_TICKS_DROPPING', severity: 'critical', message: `raw tick storage is behind; ${dropped} ticks not stored` }
        : { code: 'RAW_TICKS_RECOVERED', severity: 'info', message: `raw tick storage caught up; ${dropped} ticks were not stored` }),
      onError: (error) => options.logger.warn({ error: String(error) }, 'fx raw tick batch not stored; will retry') });
  }

  get engine(): RateEngine {
    if (this.engineInstance === undefined) throw new ServiceError('SERVICE_NOT_READY');
    return this.engineInstance;
  }

  get settings(): FxEngineSettings {
    return this.engine.settings;
  }

  nowMs(): number {
    return this.options.clock.nowMs();
  }

  /** The tick sink the providers push into: filter, count, record. */
  readonly acceptTick = (tick: ProviderTick): TickOutcome => {
    const decision = this.engine.ingest(tick);
    this.recorder.record(tick, decision);
    return decision;
  };

  async start(): Promise<void> {
    assert(!this.running, 'fx service already started');
    const nowMs = this.options.clock.nowMs();
    const loaded = await this.options.settingsStore.load(this.options.baseSettings, nowMs);
    const problems = engineSettingsProblems(loaded.settings);
    if (problems.length > 0) throw new Error(`stored FX settings are invalid: ${problems.join('; ')}`);
    const engine = new RateEngine({ settings: loaded.settings, cache: this.options.rateCache, publisher: this.options.publisher,
      engineId: this.engineId });
    for (const override of loaded.overrides) {
      const problem = engine.setOverride(override, nowMs);
      if (problem !== undefined) this.options.logger.warn({ pair: override.pair, problem }, 'stored FX override not applied');
    }
    this.engineInstance = engine;
    this.running = true;
    this.recorder.start();
    for (const provider of this.options.providers) await provider.start(this.acceptTick);
    if (this.options.composesCycles !== false) this.scheduleCycle(nowMs + this.cycleIntervalMs);
    this.options.logger.info({ engineId: this.engineId, providers: this.options.providers.map((each) => each.sourceId),
      cycleIntervalMs: this.cycleIntervalMs, composesCycles: this.options.composesCycles !== false }, 'fx service started');
  }

  /** Providers first (no tick after), then the scheduler (the cycle in flight finishes), then the recorder's flush. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const provider of this.options.providers) {
      await provider.stop().catch((error: unknown) =>
        this.options.logger.warn({ sourceId: provider.sourceId, error: String(error) }, 'fx provider did not stop cleanly'));
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.cycleInFlight;
    await this.recorder.stop();
    this.options.logger.info({ engineId: this.engineId }, 'fx service stopped');
  }

  private scheduleCycle(dueMs: number): void {
    if (!this.running) return;
    const delayMs = Math.max(0, dueMs - this.options.clock.nowMs());
    this.timer = setTimeout(() => {
      this.cycleInFlight = this.runCycle().catch(() => undefined).finally(() => {
        this.cycleInFlight = undefined;
        // Fixed rate: the next cycle is due one interval after this one was, not after it ended.
        const nextDueMs = dueMs + this.cycleIntervalMs;
        this.scheduleCycle(nextDueMs > this.options.clock.nowMs() ? nextDueMs : this.options.clock.nowMs() + this.cycleIntervalMs);
      });
    }, delayMs);
  }

  /** One cycle now (the scheduler's step; tests and tools call it directly). */
  async runCycle(): Promise<RateCycle> {
    let cycle: RateCycle;
    try {
      cycle = await this.engine.runCycle(this.options.clock.nowMs());
    } catch (error) {
      this.cycleFailures++;
      this.options.logger.error({ error: String(error) }, 'fx cycle failed: rates not written or not published');
      if (!this.cycleFailing) {
        this.cycleFailing = true;
        await this.raiseServiceAlert({ code: 'CYCLE_FAILED', severity: 'critical',
          message: `rate cycle failed: ${String(error).slice(0, 200)}` });
      }
      throw error;
    }
    if (this.cycleFailing) {
      this.cycleFailing = false;
      await this.raiseServiceAlert({ code: 'CYCLE_RESTORED', severity: 'info', message: 'rate cycles are published again' });
    }
    this.lastCycle = cycle;
    const alerts: FxAlert[] = cycle.alerts.map((alert) => ({ code: alert.code, severity: alert.severity, pair: alert.pair,
      sourceId: undefined, atMs: alert.atMs, message: alert.message }));
    alerts.push(...this.staleness.update(cycle));
    await this.handleAlerts(alerts, cycle.cycleId);
    return cycle;
  }

  /** Cache state changes reported by the cache writer become alerts too. */
  cacheStateChanged(healthy: boolean, error: unknown): void {
    void this.raiseServiceAlert(healthy
      ? { code: 'CACHE_RESTORED', severity: 'info', message: 'rate cache writes succeed again; the next cycle refilled it' }
      : { code: 'CACHE_DOWN', severity: 'critical',
        message: `rate cache write failed (${String(error).slice(0, 120)}); rates are served from PostgreSQL` });
  }

  private async raiseServiceAlert(alert: { code: string; severity: FxAlert['severity']; message: string }): Promise<void> {
    this.serviceAlertSequence++;
    await this.handleAlerts([{ ...alert, pair: undefined, sourceId: undefined, atMs: this.options.clock.nowMs() }],
      `${this.engineId}:service${this.serviceAlertSequence}`);
  }

  private async handleAlerts(alerts: readonly FxAlert[], idPrefix: string): Promise<void> {
    if (alerts.length === 0) return;
    for (const alert of alerts) {
      const level = alert.severity === 'critical' ? 'error' : alert.severity === 'warning' ? 'warn' : 'info';
      this.options.logger[level]({ code: alert.code, pair: alert.pair, sourceId: alert.sourceId }, `fx alert: ${alert.message}`);
      if (this.alertCounts.has(alert.code) || this.alertCounts.size < alertCodesMax) {
        this.alertCounts.set(alert.code, (this.alertCounts.get(alert.code) ?? 0) + 1);
      }
    }
    // Alerts must never stop pricing: storage and publication failures are logged, not thrown.
    await this.options.history.insertAlerts(alerts).catch((error: unknown) =>
      this.options.logger.error({ error: String(error) }, 'fx alerts not stored'));
    await this.options.publisher.publishAlerts(alerts, idPrefix).catch((error: unknown) =>
      this.options.logger.error({ error: String(error) }, 'fx alerts not published'));
  }

  status(): FxServiceStatus {
    const cycle = this.lastCycle;
    return {
      running: this.running, engineId: this.engineId, cycleIntervalMs: this.cycleIntervalMs,
      lastCycle: cycle === undefined ? undefined : { cycleId: cycle.cycleId, atMs: cycle.atMs, rates: cycle.rates.length,
        pairsWithoutRate: cycle.pairsWithoutRate.length },
      cycleFailures: this.cycleFailures, engine: this.engine.metrics(), rawTicks: this.recorder.status(),
      alertsByCode: Object.fromEntries(this.alertCounts), providers: this.options.providers.map((provider) => provider.status()),
    };
  }

  /** Writes every buffered raw tick now (tests, shutdown). */
  flushRawTicks(): Promise<void> {
    return this.recorder.flushAll();
  }

  alerts(limit: number): Promise<StoredFxAlert[]> {
    return this.options.history.listAlerts(limit);
  }

  rateAt(pair: string, segment: string, tierId: string, atMs: number): Promise<StoredRate | undefined> {
    this.checkVariation(pair, segment, tierId);
    return this.options.history.rateAt(pair, segment, tierId, atMs);
  }

  checkVariation(pair: string | undefined, segment: string, tierId: string): void {
    const settings = this.settings;
    if (pair !== undefined && !settings.pairs.some((each) => each.pair === pair)) throw new ServiceError('FX_PAIR_UNKNOWN', { pair });
    if (!settings.segments.includes(segment)) throw new ServiceError('FX_SEGMENT_UNKNOWN', { segment });
    if (!settings.tiers.some((tier) => tier.tierId === tierId)) throw new ServiceError('FX_TIER_UNKNOWN', { tier: tierId });
  }

  // Admin changes run one at a time: each reads the settings, persists, then applies.
  private exclusive<T>(change: () => Promise<T>): Promise<T> {
    const result = this.adminQueue.then(change);
    this.adminQueue = result.catch(() => undefined);
    return result;
  }

  private apply(candidate: FxEngineSettings): void {
    const problems = this.engine.replaceSettings(candidate);
    assert(problems.length === 0, `settings checked before persisting became invalid: ${problems.join('; ')}`);
  }

  private validate(candidate: FxEngineSettings): void {
    const problems = engineSettingsProblems(candidate);
    if (problems.length > 0) throw new ServiceError('FX_SETTINGS_INVALID', { problems: problems.slice(0, 20) });
  }

  updateSource(sourceId: string, change: SourceChange, actorId: string): Promise<SourceSettings> {
    return this.exclusive(async () => {
      const settings = this.settings;
      const current = settings.sources.find((source) => source.sourceId === sourceId);
      if (current === undefined) throw new ServiceError('FX_SOURCE_UNKNOWN', { sourceId });
      const pairs = change.pairs === undefined ? current.pairs : change.pairs.map((pair) => {
        const existing = current.pairs.find((each) => each.pair === pair.pair);
        const maxAgeMs = pair.maxAgeMs ?? existing?.maxAgeMs;
        if (maxAgeMs === undefined) throw new ServiceError('FX_SETTINGS_INVALID', { problems: [`${pair.pair}: maxAgeMs is required`] });
        return { pair: pair.pair, enabled: pair.enabled ?? existing?.enabled ?? true, maxAgeMs };
      });
      const updated: SourceSettings = { ...current, enabled: change.enabled ?? current.enabled,
        priority: change.priority ?? current.priority, pairs };
      const candidate = { ...settings, sources: settings.sources.map((source) => (source.sourceId === sourceId ? updated : source)) };
      this.validate(candidate);
      await this.options.settingsStore.saveSource(updated, actorId, this.options.clock.nowMs());
      this.apply(candidate);
      return updated;
    });
  }

  margins(): { defaultMargins: MarginSchedule; pairs: Record<string, MarginSchedule> } {
    const pairs: Record<string, MarginSchedule> = {};
    for (const pair of this.settings.pairs) if (pair.margins !== undefined) pairs[pair.pair] = pair.margins;
    return { defaultMargins: this.settings.defaultMargins, pairs };
  }

  private withMargins(scope: MarginScope, schedule: MarginSchedule | undefined): FxEngineSettings {
    const settings = this.settings;
    if (scope === defaultMarginScope) {
      if (schedule === undefined) throw new ServiceError('FX_SETTINGS_INVALID', { problems: ['the default schedule cannot be removed'] });
      return { ...settings, defaultMargins: schedule };
    }
    if (!settings.pairs.some((pair) => pair.pair === scope)) throw new ServiceError('FX_PAIR_UNKNOWN', { pair: scope });
    return { ...settings, pairs: settings.pairs.map((pair) => (pair.pair === scope ? { ...pair, margins: schedule } : pair)) };
  }

  /** Validates a margin change without applying it (before filing it for approval). */
  checkMargins(scope: MarginScope, schedule: MarginSchedule | undefined): void {
    this.validate(this.withMargins(scope, schedule));
  }

  setMargins(scope: MarginScope, schedule: MarginSchedule | undefined, actorId: string, approvalId: string | undefined): Promise<void> {
    return this.exclusive(async () => {
      const candidate = this.withMargins(scope, schedule);
      this.validate(candidate);
      await this.options.settingsStore.saveMargins(scope, schedule, actorId, approvalId, this.options.clock.nowMs());
      this.apply(candidate);
    });
  }

  overrides(): RateOverride[] {
    return this.engine.overrides();
  }

  /** Validates an override without applying it. */
  checkOverride(override: RateOverride): void {
    const pair = this.settings.pairs.find((each) => each.pair === override.pair);
    if (pair === undefined) throw new ServiceError('FX_PAIR_UNKNOWN', { pair: override.pair });
    const problem = overrideProblem(override, this.options.clock.nowMs(), pair);
    if (problem !== undefined) throw new ServiceError('FX_OVERRIDE_INVALID', { problem });
  }

  setOverride(override: RateOverride, approvalId: string | undefined): Promise<void> {
    return this.exclusive(async () => {
      this.checkOverride(override);
      const nowMs = this.options.clock.nowMs();
      const persisted: PersistedOverride = { ...override, setAtMs: nowMs, approvalId };
      await this.options.settingsStore.saveOverride(persisted);
      const problem = this.engine.setOverride(override, nowMs);
      assert(problem === undefined, `override checked before persisting was refused: ${problem}`);
    });
  }

  clearOverride(pair: string): Promise<void> {
    return this.exclusive(async () => {
      const stored = await this.options.settingsStore.deleteOverride(pair);
      const active = this.engine.clearOverride(pair);
      if (!stored && !active) throw new ServiceError('FX_OVERRIDE_NOT_FOUND', { pair });
    });
  }

  holidays(): readonly HolidayEntry[] {
    return this.settings.calendar.entries;
  }

  addHoliday(entry: HolidayEntry): Promise<void> {
    return this.exclusive(async () => {
      const settings = this.settings;
      if (settings.calendar.entries.some((each) => each.date === entry.date)) throw new ServiceError('FX_HOLIDAY_EXISTS');
      const entries = [...settings.calendar.entries, entry].sort((left, right) => (left.date < right.date ? -1 : 1));
      const candidate = { ...settings, calendar: { ...settings.calendar, entries } };
      this.validate(candidate);
      if (!(await this.options.settingsStore.addHoliday(settings.calendar.calendarId, entry))) {
        throw new ServiceError('FX_HOLIDAY_EXISTS');
      }
      this.apply(candidate);
    });
  }

  removeHoliday(date: string): Promise<HolidayEntry> {
    return this.exclusive(async () => {
      const settings = this.settings;
      const entry = settings.calendar.entries.find((each) => each.date === date);
      if (entry === undefined) throw new ServiceError('FX_HOLIDAY_NOT_FOUND');
      await this.options.settingsStore.removeHoliday(settings.calendar.calendarId, date);
      this.apply({ ...settings, calendar: { ...settings.calendar, entries: settings.calendar.entries.filter((each) => each !== entry) } });
      return entry;
    });
  }
}
