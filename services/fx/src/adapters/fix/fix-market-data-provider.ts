// A FIX 4.4 liquidity provider (Integral, 360T, TradAir ...) as a RateProvider: one initiator session,
// one MarketDataRequest per symbol, ticks out of every snapshot and incremental refresh.
//
// Connection loop: connect -> Logon -> subscribe -> stream, until the peer logs out, the socket drops
// or the heartbeat times out; then wait (exponential backoff, reset after a session that went live)
// and start over with a fresh jspurefix session. jspurefix's own reconnecting initiator is not used:
// it gives up after a Logout from the venue, which is exactly when a rate feed must come back.
//
// Sequence numbers: by default every Logon carries ResetSeqNumFlag=Y, the norm for market data (stale
// prices are worth nothing, so there is nothing to recover). With `sequenceStore` the session keeps its
// numbers across Logons and jspurefix asks for a resend of any gap; resent messages (PossDupFlag=Y) are
// then recognised by FixSequenceTracker and never delivered as ticks.
import 'reflect-metadata';
import { createConnection, type Socket } from 'node:net';
import {
  DITokens, EmptyLogFactory, JsFixConfig, MsgTransport, SessionContainer, TcpDuplex,
  type ISessionDescription, type ISessionMsgFactory,
} from 'jspurefix';
import { assert, systemClock, type Clock } from '@parite/kernel';
import type { ProviderTick } from '../../domain/rate.ts';
import type { ProviderStatus, RateProvider, TickSink } from '../../app/provider-port.ts';
import { ProviderStatusTracker } from '../provider-status-tracker.ts';
import { reconnectBackoffDefaults, reconnectDelayMs, type ReconnectBackoffOptions } from '../reconnect-backoff.ts';
import { loadFixDictionary } from './fix-dictionary.ts';
import { FixQuoteAssembler } from './fix-quote-assembler.ts';
import { FixSequenceTracker } from './fix-sequence-tracker.ts';
import type { FixSequenceStore } from './fix-sequence-store.ts';
import { fixMsgType, type MarketDataMessage } from './market-data-message.ts';
import { MarketDataSession, type InboundHeader, type MarketDataSubscription } from './market-data-session.ts';

/** Symbols one session may subscribe; each is its own MarketDataRequest. */
export const fixSymbolsMax = 200;
const asciiSoh = 1;

export interface FixMarketDataProviderOptions {
  /** The source id of every tick and of the settings: 'INTEGRAL', 'T360', 'TRADAIR'. */
  readonly sourceId: string;
  readonly host: string;
  readonly port: number;
  /** Our CompID (49), e.g. 'PARITE'. */
  readonly senderCompId: string;
  /** The venue's CompID (56); defaults to sourceId. */
  readonly targetCompId?: string;
  /** Pairs as the venue spells them in Symbol (55), e.g. 'USD/TRY'. */
  readonly symbols: readonly string[];
  /** HeartBtInt (108). */
  readonly heartbeatIntervalSeconds?: number;
  /** Logon credentials (553/554) if the venue wants them; never logged. */
  readonly username?: string;
  readonly password?: string;
  /**
   * Keep sequence numbers across Logons in this store (ResetSeqNumFlag=N). The same store object must be
   * handed back for the whole life of the session, e.g. a jspurefix FileSessionStore. Omit for the
   * market-data norm: reset on every Logon.
   */
  readonly sequenceStore?: FixSequenceStore;
  readonly connectTimeoutMs?: number;
  /** From TCP connect to the venue's Logon answer. */
  readonly logonTimeoutMs?: number;
  /** How long stop() waits for the venue to confirm our Logout before dropping the socket. */
  readonly logoutTimeoutMs?: number;
  readonly backoff?: ReconnectBackoffOptions;
  readonly clock?: Clock;
  /** QuickFIX-format FIX 4.4 dictionary; defaults to the one jspurefix ships. */
  readonly dictionaryPath?: string;
  /** The FIX message log (one line per message, passwords masked). */
  readonly fixLog?: (direction: 'in' | 'out', text: string) => void;
}

export interface FixProviderStatus extends ProviderStatus {
  readonly session: string;
  readonly connectionAttempts: number;
  readonly logons: number;
  readonly disconnects: number;
  readonly messagesReceived: number;
  readonly snapshotsReceived: number;
  readonly incrementalsReceived: number;
  readonly rejectsReceived: number;
  readonly possDupMessagesReceived: number;
  /** Quotes in replays of messages missed during a gap: stale by construction, never delivered. */
  readonly quotesDroppedAsReplay: number;
  readonly quotesMalformed: number;
  readonly sequenceGapsDetected: number;
  readonly sequenceEpochs: number;
  readonly lastRejectText: string | undefined;
  readonly nextReconnectAtMs: number | undefined;
}

class FixCounters {
  connectionAttempts = 0;
  logons = 0;
  disconnects = 0;
  messagesReceived = 0;
  snapshotsReceived = 0;
  incrementalsReceived = 0;
  rejectsReceived = 0;
  possDupMessagesReceived = 0;
  quotesDroppedAsReplay = 0;
  quotesMalformed = 0;
  lastRejectText: string | undefined = undefined;
  nextReconnectAtMs: number | undefined = undefined;
}

export class FixMarketDataProvider implements RateProvider {
  readonly sourceId: string;
  private readonly tracker: ProviderStatusTracker;
  private readonly counters = new FixCounters();
  private readonly sequence = new FixSequenceTracker();
  private readonly assembler: FixQuoteAssembler;
  private readonly clock: Clock;
  private readonly backoff: ReconnectBackoffOptions;
  private readonly sessionLabel: string;
  private readonly subscriptions: readonly MarketDataSubscription[];
  private readonly containers = new SessionContainer();
  private sink: TickSink | undefined = undefined;
  private loop: Promise<void> | undefined = undefined;
  private stopping = false;
  private session: MarketDataSession | undefined = undefined;
  private pendingSocket: Socket | undefined = undefined;
  private wakeFromBackoff: (() => void) | undefined = undefined;
  private verdict: ReturnType<FixSequenceTracker['observe']> = 'new';

  constructor(private readonly options: FixMarketDataProviderOptions) {
    assert(options.symbols.length > 0 && options.symbols.length <= fixSymbolsMax, `symbols: 1..${fixSymbolsMax}`);
    assert(new Set(options.symbols).size === options.symbols.length, 'symbols must be distinct');
    this.sourceId = options.sourceId;
    this.tracker = new ProviderStatusTracker(options.sourceId);
    this.clock = options.clock ?? systemClock;
    this.backoff = options.backoff ?? reconnectBackoffDefaults;
    this.sessionLabel = `FIX.4.4:${options.senderCompId}->${this.targetCompId()}`;
    this.subscriptions = options.symbols.map((symbol) => ({ mdReqId: `${options.sourceId}:${symbol}`, symbol }));
    this.assembler = new FixQuoteAssembler({ sourceId: options.sourceId, sessionLabel: this.sessionLabel, symbols: options.symbols });
  }

  start(sink: TickSink): Promise<void> {
    assert(this.loop === undefined, `${this.sourceId}: already started`);
    this.sink = sink;
    this.stopping = false;
    this.tracker.state = 'connecting';
    this.loop = this.connectionLoop();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    const loop = this.loop;
    if (loop === undefined) return;
    this.stopping = true;
    this.wakeFromBackoff?.();
    this.pendingSocket?.destroy();
    const session = this.session;
    if (session !== undefined) {
      session.close();
      const forced = setTimeout(() => session.abort('logout not confirmed in time'), this.options.logoutTimeoutMs ?? 2_000);
      await loop;
      clearTimeout(forced);
    } else {
      await loop;
    }
    this.loop = undefined;
    this.sink = undefined;
  }

  status(): FixProviderStatus {
    return {
      ...this.tracker.snapshot(),
      ...this.counters,
      session: this.sessionLabel,
      sequenceGapsDetected: this.sequence.gapsDetected,
      sequenceEpochs: this.sequence.epochsStarted,
    };
  }

  private targetCompId(): string {
    return this.options.targetCompId ?? this.options.sourceId;
  }

  private async connectionLoop(): Promise<void> {
    let failedAttempts = 0;
    while (!this.stopping) {
      this.tracker.state = 'connecting';
      const wentLive = await this.runOneConnection();
      if (this.stopping) break;
      this.tracker.state = 'disconnected';
      this.counters.disconnects += 1;
      failedAttempts = wentLive ? 0 : failedAttempts + 1;
      await this.sleepBeforeReconnect(reconnectDelayMs(wentLive ? 0 : failedAttempts - 1, this.backoff));
    }
    this.counters.nextReconnectAtMs = undefined;
    this.tracker.state = 'stopped';
  }

  private sleepBeforeReconnect(delayMs: number): Promise<void> {
    this.counters.nextReconnectAtMs = this.clock.nowMs() + delayMs;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(finish, delayMs);
      function finish(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeFromBackoff = finish;
    }).then(() => {
      this.wakeFromBackoff = undefined;
      this.counters.nextReconnectAtMs = undefined;
    });
  }

  /** One connection from TCP connect to its end; true if it reached Logon. */
  private async runOneConnection(): Promise<boolean> {
    this.counters.connectionAttempts += 1;
    let wentLive = false;
    let logonTimer: NodeJS.Timeout | undefined;
    try {
      const definitions = await loadFixDictionary(this.options.dictionaryPath);
      const description = this.sessionDescription();
      const container = this.containers.newChild(description);
      const config = new JsFixConfig(container.resolve<ISessionMsgFactory>(DITokens.ISessionMsgFactory), definitions,
        description, asciiSoh, new EmptyLogFactory());
      const store = this.options.sequenceStore;
      if (store !== undefined) config.sessionStoreFactory = { create: () => store };
      this.containers.registerSession(config, container);
      const socket = await this.connectSocket();
      if (this.stopping) {
        socket.destroy();
        return false;
      }
      const transport = new MsgTransport(this.counters.connectionAttempts, config, new TcpDuplex(socket));
      if (store === undefined || !this.sequence.hasEpoch()) this.assembler.clearBooks();
      const session = new MarketDataSession(config, {
        onInbound: (header) => this.onInbound(header),
        onMarketData: (message) => this.onMarketData(message),
        onLoggedOn: () => {
          clearTimeout(logonTimer);
          wentLive = true;
          this.counters.logons += 1;
          this.tracker.state = 'live';
          this.assembler.clearBooks();
          session.requestMarketData(this.subscriptions);
        },
        onStopped: (error) => {
          if (error !== undefined && !this.stopping) this.tracker.recordError(error);
        },
        ...(this.options.fixLog === undefined ? {} : { onFixText: this.options.fixLog }),
      });
      // jspurefix emits 'error' when a session ends abnormally, also after run() settled; the reason
      // reaches us through onStopped and run()'s rejection, so a late emit must not crash the process.
      session.on('error', () => {});
      this.session = session;
      logonTimer = setTimeout(() => session.abort('no Logon answer in time'), this.options.logonTimeoutMs ?? 10_000);
      await session.run(transport);
    } catch (error) {
      if (!this.stopping) this.tracker.recordError(error);
    } finally {
      clearTimeout(logonTimer);
      this.session = undefined;
    }
    return wentLive;
  }

  private sessionDescription(): ISessionDescription {
    const options = this.options;
    const description: Record<string, unknown> = {
      application: {
        type: 'initiator',
        name: options.sourceId,
        protocol: 'ascii',
        dictionary: options.dictionaryPath ?? 'FIX44.xml',
        tcp: { host: options.host, port: options.port },
      },
      BeginString: 'FIX.4.4',
      SenderCompId: options.senderCompId,
      TargetCompID: this.targetCompId(),
      HeartBtInt: options.heartbeatIntervalSeconds ?? 30,
      ResetSeqNumFlag: options.sequenceStore === undefined,
    };
    if (options.username !== undefined) description['Username'] = options.username;
    if (options.password !== undefined) description['Password'] = options.password;
    return description as unknown as ISessionDescription;
  }

  private connectSocket(): Promise<Socket> {
    const timeoutMs = this.options.connectTimeoutMs ?? 5_000;
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: this.options.host, port: this.options.port });
      this.pendingSocket = socket;
      const timer = setTimeout(() => socket.destroy(new Error(`connect to ${this.options.host}:${this.options.port} timed out after ${timeoutMs} ms`)), timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        this.pendingSocket = undefined;
        socket.setNoDelay(true);
        resolve(socket);
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        this.pendingSocket = undefined;
        reject(error);
      });
      socket.once('close', () => {
        clearTimeout(timer);
        if (this.pendingSocket === socket) {
          this.pendingSocket = undefined;
          reject(new Error('connection closed before it was established'));
        }
      });
    });
  }

  private onInbound(header: InboundHeader): void {
    const nowMs = this.clock.nowMs();
    this.counters.messagesReceived += 1;
    if (header.possDup) this.counters.possDupMessagesReceived += 1;
    if (header.resetSeqNum && !header.possDup) this.sequence.beginEpoch(nowMs, header.seqNum);
    if (!this.sequence.hasEpoch()) this.sequence.beginEpoch(nowMs, header.seqNum);
    this.verdict = this.sequence.observe(header.seqNum, header.possDup);
    if (header.msgType === fixMsgType.sequenceReset && header.newSeqNo !== undefined) {
      this.sequence.onSequenceReset(header.seqNum, header.newSeqNo, header.gapFill, nowMs);
    }
  }

  private onMarketData(message: MarketDataMessage): void {
    if (message.msgType === fixMsgType.snapshot) this.counters.snapshotsReceived += 1;
    if (message.msgType === fixMsgType.incremental) this.counters.incrementalsReceived += 1;
    const receiveTimeMs = this.clock.nowMs();
    const epochStartMs = this.sequence.epochStartedAtMs() ?? receiveTimeMs;
    const result = this.assembler.apply(message, this.verdict, epochStartMs, receiveTimeMs);
    this.tracker.ticksDroppedAsDuplicate += result.duplicates;
    this.counters.quotesDroppedAsReplay += result.replays;
    this.counters.quotesMalformed += result.malformed.length;
    if (result.malformed.length > 0) this.tracker.recordError(`malformed market data: ${result.malformed[0]}`);
    if (result.reject !== undefined) {
      this.counters.rejectsReceived += 1;
      const reject = result.reject;
      this.counters.lastRejectText = `MarketDataRequest ${String(reject.mdReqId)} rejected (MDReqRejReason ${String(reject.reason)}): ${String(reject.text)}`;
      this.tracker.recordError(this.counters.lastRejectText);
    }
    for (const tick of result.ticks) this.deliver(tick);
  }

  private deliver(tick: ProviderTick): void {
    this.tracker.recordTick(tick.receiveTimeMs);
    try {
      this.sink?.(tick);
    } catch (error) {
      // The sink is the engine; its failure must not take the venue session down with it.
      this.tracker.recordError(error);
    }
  }
}
