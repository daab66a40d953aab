// Turns market-data messages into ProviderTicks: keeps the top of book per symbol (a snapshot replaces
// it, incremental entries change one side), emits one tick per symbol a message touched once both
// sides are known, and refuses what must not reach the engine twice or malformed. Pure: the receive
// time is passed in, the sequence verdict comes from FixSequenceTracker.
//
// Faulty but well-formed prices (zero, crossed, x10) are delivered exactly as sent: judging them is
// the filters' job, and they can only judge what they see.
import type { ProviderTick } from '../../domain/rate.ts';
import { parseRateText } from '../rate-text.ts';
import { compactUtcLabel, parseFixUtcDateAndTime, parseFixUtcTimestamp } from './fix-time.ts';
import type { SequenceVerdict } from './fix-sequence-tracker.ts';
import {
  fixMsgType, marketDataEntriesMax, mdEntryTypeBid, mdEntryTypeOffer, mdUpdateActionChange, mdUpdateActionDelete,
  mdUpdateActionNew, type MarketDataEntry, type MarketDataMessage,
} from './market-data-message.ts';

/** Symbols tracked per session; a venue that sends more than this is refused beyond it. */
export const bookSymbolsMax = 500;

interface TopOfBook {
  bidText: string | undefined;
  offerText: string | undefined;
  quoteId: string | undefined;
  entryTimeMs: number | undefined;
}

interface DeliveredQuote {
  readonly quoteId: string;
  readonly bidUnits: number;
  readonly askUnits: number;
}

export interface MarketDataReject {
  readonly mdReqId: string | undefined;
  readonly reason: string | undefined;
  readonly text: string | undefined;
}

export interface AssemblyResult {
  readonly ticks: ProviderTick[];
  /** Quotes not delivered because the message or quote was already delivered. */
  duplicates: number;
  /** Quotes not delivered because the message is a replay of one missed earlier (stale by construction). */
  replays: number;
  /** Entries or messages refused as malformed, with the reason. */
  readonly malformed: string[];
  readonly reject: MarketDataReject | undefined;
}

export interface QuoteAssemblerOptions {
  readonly sourceId: string;
  /** 'FIX.4.4:PARITE->INTEGRAL': the session, first part of every sourceReference. */
  readonly sessionLabel: string;
  /** Symbols the engine asked for; anything else in a message is ignored. */
  readonly symbols: readonly string[];
}

export class FixQuoteAssembler {
  private readonly books = new Map<string, TopOfBook>();
  private readonly lastDelivered = new Map<string, DeliveredQuote>();
  private readonly wanted: ReadonlySet<string>;

  constructor(private readonly options: QuoteAssemblerOptions) {
    this.wanted = new Set(options.symbols);
  }

  /** A new connection: books are rebuilt from the snapshot that follows the subscription. */
  clearBooks(): void {
    this.books.clear();
  }

  apply(message: MarketDataMessage, verdict: SequenceVerdict, epochStartMs: number, receiveTimeMs: number): AssemblyResult {
    const result: AssemblyResult = { ticks: [], duplicates: 0, replays: 0, malformed: [], reject: undefined };
    if (message.msgType === fixMsgType.requestReject) {
      return { ...result, reject: { mdReqId: message.mdReqId, reason: message.rejectReason, text: message.text } };
    }
    if (message.msgType !== fixMsgType.snapshot && message.msgType !== fixMsgType.incremental) return result;
    const quoteCount = this.countQuotes(message);
    if (verdict === 'duplicate' || verdict === 'out-of-order') return { ...result, duplicates: quoteCount };
    if (verdict === 'replay' || message.possDup) return { ...result, replays: quoteCount };
    if (message.entries.length > marketDataEntriesMax) {
      result.malformed.push(`seq ${message.seqNum}: ${message.entries.length} entries exceed ${marketDataEntriesMax}`);
      return result;
    }
    const sendingTimeMs = parseFixUtcTimestamp(message.sendingTimeText);
    if (sendingTimeMs === undefined) {
      result.malformed.push(`seq ${message.seqNum}: SendingTime '${String(message.sendingTimeText)}' is not a UTCTimestamp`);
      return result;
    }
    const touched = message.msgType === fixMsgType.snapshot
      ? this.applySnapshot(message, result)
      : this.applyIncremental(message, result);
    for (const symbol of touched) {
      this.emit(symbol, message, sendingTimeMs, epochStartMs, receiveTimeMs, result);
    }
    return result;
  }

  private countQuotes(message: MarketDataMessage): number {
    if (message.msgType === fixMsgType.snapshot) return message.symbol !== undefined && this.wanted.has(message.symbol) ? 1 : 0;
    const symbols = new Set<string>();
    for (const entry of message.entries.slice(0, marketDataEntriesMax)) {
      if (entry.symbol !== undefined && this.wanted.has(entry.symbol)) symbols.add(entry.symbol);
    }
    return symbols.size;
  }

  private bookFor(symbol: string): TopOfBook | undefined {
    let book = this.books.get(symbol);
    if (book === undefined) {
      if (this.books.size >= bookSymbolsMax) return undefined;
      book = { bidText: undefined, offerText: undefined, quoteId: undefined, entryTimeMs: undefined };
      this.books.set(symbol, book);
    }
    return book;
  }

  private applySnapshot(message: MarketDataMessage, result: AssemblyResult): string[] {
    const symbol = message.symbol;
    if (symbol === undefined) {
      result.malformed.push(`seq ${message.seqNum}: snapshot without Symbol`);
      return [];
    }
    if (!this.wanted.has(symbol)) return [];
    const book = this.bookFor(symbol);
    if (book === undefined) return [];
    // A snapshot replaces the book; the first entry of each side is the top (venues send levels best first).
    book.bidText = undefined;
    book.offerText = undefined;
    book.quoteId = undefined;
    book.entryTimeMs = undefined;
    for (const entry of message.entries) {
      if (entry.entryType === mdEntryTypeBid && book.bidText === undefined) this.setSide(book, 'bid', entry);
      if (entry.entryType === mdEntryTypeOffer && book.offerText === undefined) this.setSide(book, 'offer', entry);
    }
    return [symbol];
  }

  private applyIncremental(message: MarketDataMessage, result: AssemblyResult): string[] {
    const touched: string[] = [];
    for (const entry of message.entries) {
      if (entry.entryType !== mdEntryTypeBid && entry.entryType !== mdEntryTypeOffer) continue;
      if (entry.symbol === undefined) {
        result.malformed.push(`seq ${message.seqNum}: incremental entry without Symbol`);
        continue;
      }
      if (!this.wanted.has(entry.symbol)) continue;
      const book = this.bookFor(entry.symbol);
      if (book === undefined) continue;
      const side = entry.entryType === mdEntryTypeBid ? 'bid' : 'offer';
      switch (entry.updateAction) {
        case mdUpdateActionNew:
        case mdUpdateActionChange:
          this.setSide(book, side, entry);
          break;
        case mdUpdateActionDelete:
          if (side === 'bid') book.bidText = undefined;
          else book.offerText = undefined;
          break;
        default:
          result.malformed.push(`seq ${message.seqNum}: MDUpdateAction '${String(entry.updateAction)}' for ${entry.symbol}`);
          continue;
      }
      if (!touched.includes(entry.symbol)) touched.push(entry.symbol);
    }
    return touched;
  }

  private setSide(book: TopOfBook, side: 'bid' | 'offer', entry: MarketDataEntry): void {
    if (side === 'bid') book.bidText = entry.priceText;
    else book.offerText = entry.priceText;
    if (entry.quoteId !== undefined) book.quoteId = entry.quoteId;
    book.entryTimeMs = parseFixUtcDateAndTime(entry.entryDateText, entry.entryTimeText) ?? book.entryTimeMs;
  }

  private emit(symbol: string, message: MarketDataMessage, sendingTimeMs: number, epochStartMs: number,
    receiveTimeMs: number, result: AssemblyResult): void {
    const book = this.books.get(symbol);
    if (book === undefined || book.bidText === undefined || book.offerText === undefined) return;
    const bid = parseRateText(book.bidText);
    const ask = parseRateText(book.offerText);
    if (!bid.ok || !ask.ok) {
      const reason = !bid.ok ? `bid '${book.bidText}' ${bid.reason}` : `offer '${book.offerText}' ${ask.ok ? '' : ask.reason}`;
      result.malformed.push(`seq ${message.seqNum}: ${symbol} ${reason}`);
      return;
    }
    const previous = this.lastDelivered.get(symbol);
    if (book.quoteId !== undefined && previous !== undefined && previous.quoteId === book.quoteId
      && previous.bidUnits === bid.units && previous.askUnits === ask.units) {
      // The same venue quote again (a re-sent snapshot, a PossResend): already delivered once.
      result.duplicates += 1;
      return;
    }
    if (book.quoteId !== undefined) this.lastDelivered.set(symbol, { quoteId: book.quoteId, bidUnits: bid.units, askUnits: ask.units });
    result.ticks.push({
      sourceId: this.options.sourceId,
      pair: symbol,
      bidUnits: bid.units,
      askUnits: ask.units,
      sourceTimeMs: book.entryTimeMs ?? sendingTimeMs,
      receiveTimeMs,
      sourceReference: fixSourceReference({
        sessionLabel: this.options.sessionLabel,
        epochLabel: compactUtcLabel(epochStartMs),
        seqNum: message.seqNum,
        symbol,
        quoteId: book.quoteId,
      }),
    });
  }
}

export interface FixSourceReferenceParts {
  readonly sessionLabel: string;
  readonly epochLabel: string;
  readonly seqNum: number;
  readonly symbol: string;
  readonly quoteId: string | undefined;
}

/**
 * 'FIX.4.4:PARITE->INTEGRAL;epoch=20261122T055900.776Z;seq=57;symbol=USD/TRY;quote=145'. The quote part
 * (QuoteEntryID 299 / MDEntryID 278) is present when the venue sends one; for fix-feed-sim it is the
 * tick number that its fault lines carry, so a rejected tick can be joined to the injected fault.
 */
export function fixSourceReference(parts: FixSourceReferenceParts): string {
  const base = `${parts.sessionLabel};epoch=${parts.epochLabel};seq=${parts.seqNum};symbol=${parts.symbol}`;
  return parts.quoteId === undefined ? base : `${base};quote=${parts.quoteId}`;
}

/** The inverse of fixSourceReference; undefined for a reference of another shape. */
export function parseFixSourceReference(reference: string): FixSourceReferenceParts | undefined {
  const [sessionLabel, ...fields] = reference.split(';');
  if (sessionLabel === undefined || !sessionLabel.startsWith('FIX')) return undefined;
  const values = new Map<string, string>();
  for (const field of fields) {
    const equals = field.indexOf('=');
    if (equals <= 0) return undefined;
    values.set(field.slice(0, equals), field.slice(equals + 1));
  }
  const epochLabel = values.get('epoch');
  const seqText = values.get('seq');
  const symbol = values.get('symbol');
  if (epochLabel === undefined || seqText === undefined || symbol === undefined || !/^\d{1,15}$/.test(seqText)) return undefined;
  return { sessionLabel, epochLabel, seqNum: Number(seqText), symbol, quoteId: values.get('quote') };
}
