// TCMB indicative rates as a RateProvider (source 'TCMB'): polls the bulletin and delivers one tick per
// currency against TRY whenever a new bulletin appears (a new Bulten_No or date). Polling the same
// bulletin again, as on every weekend and holiday, delivers nothing new: the last bulletin stays in
// force with its own publication time as sourceTimeMs.
import { systemClock, type Clock } from '@parite/kernel';
import type { ProviderTick } from '../../domain/rate.ts';
import type { ProviderStatus, RateProvider, TickSink } from '../../app/provider-port.ts';
import { ProviderStatusTracker } from '../provider-status-tracker.ts';
import type { TcmbBulletin } from './tcmb-bulletin.ts';
import { readTcmbBulletin, type FetchFunction, type TcmbSource } from './tcmb-source.ts';

export const tcmbPollIntervalMsDefault = 5 * 60_000;
export const tcmbPollIntervalMsMin = 1_000;

/** Forex rates (interbank transfers) or banknote rates (cash); each is its own source. */
export type TcmbRateKind = 'forex' | 'banknote';

export interface TcmbProviderOptions {
  /** 'TCMB' by default; give banknote rates their own id, e.g. 'TCMB_BANKNOTE'. */
  readonly sourceId?: string;
  readonly source: TcmbSource;
  readonly rateKind?: TcmbRateKind;
  readonly pollIntervalMs?: number;
  readonly fetchTimeoutMs?: number;
  readonly fetch?: FetchFunction;
  readonly clock?: Clock;
}

export interface TcmbProviderStatus extends ProviderStatus {
  readonly bulletinDate: string | undefined;
  readonly bulletinNumber: string | undefined;
  readonly polls: number;
  readonly pollFailures: number;
  readonly bulletinsDelivered: number;
}

/** The ticks of one bulletin: currencies with both a buying and a selling rate of the kind. */
export function tcmbBulletinTicks(bulletin: TcmbBulletin, sourceId: string, rateKind: TcmbRateKind, receiveTimeMs: number): ProviderTick[] {
  const ticks: ProviderTick[] = [];
  for (const currency of bulletin.currencies) {
    const bid = rateKind === 'forex' ? currency.forexBuyingUnits : currency.banknoteBuyingUnits;
    const ask = rateKind === 'forex' ? currency.forexSellingUnits : currency.banknoteSellingUnits;
    if (bid === undefined || ask === undefined) continue;
    ticks.push({
      sourceId,
      pair: `${currency.code}/TRY`,
      bidUnits: bid,
      askUnits: ask,
      sourceTimeMs: bulletin.publishedAtMs,
      receiveTimeMs,
      sourceReference: `TCMB;bulletin=${bulletin.bulletinNumber};date=${bulletin.bulletinDate};kind=${rateKind};currency=${currency.code}`,
    });
  }
  return ticks;
}

export class TcmbRateProvider implements RateProvider {
  readonly sourceId: string;
  private readonly tracker: ProviderStatusTracker;
  private readonly clock: Clock;
  private readonly pollIntervalMs: number;
  private sink: TickSink | undefined = undefined;
  private timer: NodeJS.Timeout | undefined = undefined;
  private polling: Promise<void> | undefined = undefined;
  private running = false;
  private lastBulletin: TcmbBulletin | undefined = undefined;
  private polls = 0;
  private pollFailures = 0;
  private bulletinsDelivered = 0;

  constructor(private readonly options: TcmbProviderOptions) {
    this.sourceId = options.sourceId ?? 'TCMB';
    this.tracker = new ProviderStatusTracker(this.sourceId);
    this.clock = options.clock ?? systemClock;
    this.pollIntervalMs = Math.max(tcmbPollIntervalMsMin, options.pollIntervalMs ?? tcmbPollIntervalMsDefault);
  }

  start(sink: TickSink): Promise<void> {
    if (this.running) throw new Error(`${this.sourceId}: already started`);
    this.sink = sink;
    this.running = true;
    this.tracker.state = 'connecting';
    this.polling = this.pollAndReschedule();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.polling;
    this.sink = undefined;
    this.tracker.state = 'stopped';
  }

  status(): TcmbProviderStatus {
    return {
      ...this.tracker.snapshot(),
      bulletinDate: this.lastBulletin?.bulletinDate,
      bulletinNumber: this.lastBulletin?.bulletinNumber,
      polls: this.polls,
      pollFailures: this.pollFailures,
      bulletinsDelivered: this.bulletinsDelivered,
    };
  }

  /** Reads the bulletin once, now (also what the timer does); resolves when it is handled. */
  async pollNow(): Promise<void> {
    this.polls += 1;
    try {
      const bulletin = await readTcmbBulletin(this.options.source, {
        ...(this.options.fetch === undefined ? {} : { fetch: this.options.fetch }),
        timeoutMs: this.options.fetchTimeoutMs ?? 10_000,
      });
      if (!this.running) return;
      this.tracker.state = 'live';
      this.tracker.lastError = undefined;
      if (this.isNew(bulletin)) this.deliver(bulletin);
    } catch (error) {
      this.pollFailures += 1;
      this.tracker.recordError(error);
      if (this.running) this.tracker.state = 'disconnected';
    }
  }

  private isNew(bulletin: TcmbBulletin): boolean {
    const last = this.lastBulletin;
    if (last === undefined) return true;
    if (last.bulletinNumber === bulletin.bulletinNumber && last.bulletinDate === bulletin.bulletinDate) return false;
    // An older bulletin than the one in force (a stale mirror, a cached copy) must not roll rates back;
    // a different number on the same date is a re-issued bulletin and replaces it.
    return bulletin.bulletinDate >= last.bulletinDate;
  }

  private deliver(bulletin: TcmbBulletin): void {
    this.lastBulletin = bulletin;
    this.bulletinsDelivered += 1;
    const receiveTimeMs = this.clock.nowMs();
    for (const tick of tcmbBulletinTicks(bulletin, this.sourceId, this.options.rateKind ?? 'forex', receiveTimeMs)) {
      this.tracker.recordTick(receiveTimeMs);
      try {
        this.sink?.(tick);
      } catch (error) {
        this.tracker.recordError(error);
      }
    }
  }

  private async pollAndReschedule(): Promise<void> {
    await this.pollNow();
    if (this.running) this.timer = setTimeout(() => {
      this.polling = this.pollAndReschedule();
    }, this.pollIntervalMs);
  }
}
