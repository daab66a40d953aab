// The jspurefix session of one FIX 4.4 market-data connection. jspurefix runs the session layer
// (Logon, Heartbeat/TestRequest, ResendRequest, SequenceReset, Logout); this class only copies what the
// rate engine needs off each message and hands it to its owner. It holds no rate state of its own, so a
// fresh instance per connection is cheap and leaves nothing behind from a dropped one.
import 'reflect-metadata';
import { AsciiSession, MsgType, type IJsFixConfig, type MsgView } from 'jspurefix';
import {
  fixMsgType, marketDataEntriesMax, mdEntryTypeBid, mdEntryTypeOffer, type MarketDataEntry, type MarketDataMessage,
} from './market-data-message.ts';

/** Tags read by number: the dictionary names differ between FIX versions, the numbers do not. */
const tag = {
  msgSeqNum: 34,
  possDupFlag: 43,
  sendingTime: 52,
  symbol: 55,
  text: 58,
  newSeqNo: 36,
  origSendingTime: 122,
  gapFillFlag: 123,
  resetSeqNumFlag: 141,
  mdReqId: 262,
  mdEntryType: 269,
  mdEntryPx: 270,
  mdEntryDate: 272,
  mdEntryTime: 273,
  mdEntryId: 278,
  mdUpdateAction: 279,
  mdReqRejReason: 281,
  quoteEntryId: 299,
} as const;

/** Session-level facts of any inbound message, observed before jspurefix acts on it. */
export interface InboundHeader {
  readonly msgType: string;
  readonly seqNum: number;
  readonly possDup: boolean;
  /** Logon (35=A) with ResetSeqNumFlag=Y. */
  readonly resetSeqNum: boolean;
  /** SequenceReset (35=4): NewSeqNo and whether it is a gap fill. */
  readonly newSeqNo: number | undefined;
  readonly gapFill: boolean;
}

export interface MarketDataSessionHandler {
  onInbound(header: InboundHeader): void;
  onMarketData(message: MarketDataMessage): void;
  onLoggedOn(): void;
  onStopped(error: Error | undefined): void;
  /** Every message in and out as FIX text with '|' delimiters; passwords already masked. */
  onFixText?: (direction: 'in' | 'out', text: string) => void;
}

export interface MarketDataSubscription {
  readonly mdReqId: string;
  readonly symbol: string;
}

const secretTagsPattern = /(^|\|)(554|925|96)=[^|]*/g;

/** Masks Password (554), NewPassword (925) and RawData (96) before a FIX line can reach a log. */
export function maskFixSecrets(text: string): string {
  return text.replace(secretTagsPattern, '$1$2=***');
}

function optionalString(view: MsgView, tagNumber: number): string | undefined {
  return view.getString(tagNumber) ?? undefined;
}

function decodeEntries(view: MsgView): MarketDataEntry[] {
  const group = view.getView('NoMDEntries');
  if (group === null) return [];
  const count = Math.min(group.groupCount(), marketDataEntriesMax + 1);
  const entries: MarketDataEntry[] = [];
  for (let index = 0; index < count; index++) {
    const entry = group.getGroupInstance(index);
    if (entry === null) continue;
    entries.push({
      updateAction: optionalString(entry, tag.mdUpdateAction),
      entryType: optionalString(entry, tag.mdEntryType),
      symbol: optionalString(entry, tag.symbol),
      priceText: optionalString(entry, tag.mdEntryPx),
      quoteId: optionalString(entry, tag.quoteEntryId) ?? optionalString(entry, tag.mdEntryId),
      entryDateText: optionalString(entry, tag.mdEntryDate),
      entryTimeText: optionalString(entry, tag.mdEntryTime),
    });
  }
  return entries;
}

export function decodeMarketDataMessage(msgType: string, view: MsgView): MarketDataMessage {
  return {
    msgType,
    seqNum: Number(view.getString(tag.msgSeqNum)),
    possDup: view.getString(tag.possDupFlag) === 'Y',
    sendingTimeText: optionalString(view, tag.sendingTime),
    origSendingTimeText: optionalString(view, tag.origSendingTime),
    mdReqId: optionalString(view, tag.mdReqId),
    // In a snapshot the Instrument sits at message level; in an incremental refresh it is per entry.
    symbol: msgType === fixMsgType.snapshot ? optionalString(view, tag.symbol) : undefined,
    entries: msgType === fixMsgType.requestReject ? [] : decodeEntries(view),
    rejectReason: optionalString(view, tag.mdReqRejReason),
    text: optionalString(view, tag.text),
  };
}

export class MarketDataSession extends AsciiSession {
  constructor(config: IJsFixConfig, private readonly handler: MarketDataSessionHandler) {
    super(config);
  }

  /** One MarketDataRequest per symbol: a venue that refuses one symbol does not take the others down. */
  requestMarketData(subscriptions: readonly MarketDataSubscription[]): void {
    for (const subscription of subscriptions) {
      this.send(MsgType.MarketDataRequest, {
        MDReqID: subscription.mdReqId,
        SubscriptionRequestType: '1', // snapshot + updates
        MarketDepth: 1, // top of book
        MDUpdateType: 1, // incremental refresh
        MDReqGrp: { NoMDEntryTypes: [{ MDEntryType: mdEntryTypeBid }, { MDEntryType: mdEntryTypeOffer }] },
        InstrmtMDReqGrp: { NoRelatedSym: [{ Instrument: { Symbol: subscription.symbol } }] },
      });
    }
  }

  /** Logs out if logged on, otherwise drops the connection. */
  close(): void {
    this.done();
  }

  /** Drops the connection without a Logout (the peer is not answering). */
  abort(reason: string): void {
    this.requestStop(reason);
  }

  protected override onMsg(msgType: string, view: MsgView): void {
    this.handler.onInbound({
      msgType,
      seqNum: Number(view.getString(tag.msgSeqNum)),
      possDup: view.getString(tag.possDupFlag) === 'Y',
      resetSeqNum: msgType === fixMsgType.logon && view.getString(tag.resetSeqNumFlag) === 'Y',
      newSeqNo: msgType === fixMsgType.sequenceReset ? Number(view.getString(tag.newSeqNo)) : undefined,
      gapFill: msgType === fixMsgType.sequenceReset && view.getString(tag.gapFillFlag) === 'Y',
    });
    super.onMsg(msgType, view);
  }

  protected onApplicationMsg(msgType: string, view: MsgView): void {
    if (msgType === fixMsgType.snapshot || msgType === fixMsgType.incremental || msgType === fixMsgType.requestReject) {
      this.handler.onMarketData(decodeMarketDataMessage(msgType, view));
    }
  }

  protected onReady(_view: MsgView): void {
    this.handler.onLoggedOn();
  }

  protected onStopped(error?: Error): void {
    this.handler.onStopped(error);
  }

  protected onLogon(_view: MsgView, _user: string, _password: string): boolean {
    return true;
  }

  protected onDecoded(_msgType: string, text: string): void {
    this.handler.onFixText?.('in', maskFixSecrets(text));
  }

  protected onEncoded(_msgType: string, text: string): void {
    this.handler.onFixText?.('out', maskFixSecrets(text));
  }
}
