// The fields of an inbound 35=W / 35=X / 35=Y that the rate engine uses, as plain strings copied off the
// wire. Decoding from the FIX engine's view into this record is the only place that touches jspurefix;
// everything after it (sequence bookkeeping, books, duplicates) is plain code tested without a socket.

export const fixMsgType = {
  logon: 'A',
  sequenceReset: '4',
  snapshot: 'W',
  incremental: 'X',
  requestReject: 'Y',
} as const;

/** MDEntryType (269) values the engine reads; other entry types (trades, indices...) are ignored. */
export const mdEntryTypeBid = '0';
export const mdEntryTypeOffer = '1';

/** MDUpdateAction (279). */
export const mdUpdateActionNew = '0';
export const mdUpdateActionChange = '1';
export const mdUpdateActionDelete = '2';

/** Entries read from one message; a market-data message with more is refused as hostile. */
export const marketDataEntriesMax = 2_000;

export interface MarketDataEntry {
  /** MDUpdateAction (279); absent in a snapshot. */
  readonly updateAction: string | undefined;
  /** MDEntryType (269). */
  readonly entryType: string | undefined;
  /** Symbol (55) inside the entry (incremental refresh). */
  readonly symbol: string | undefined;
  /** MDEntryPx (270) exactly as sent. */
  readonly priceText: string | undefined;
  /** QuoteEntryID (299) or, failing that, MDEntryID (278): the venue's id of the quote. */
  readonly quoteId: string | undefined;
  /** MDEntryDate (272) and MDEntryTime (273), when the venue stamps the entry itself. */
  readonly entryDateText: string | undefined;
  readonly entryTimeText: string | undefined;
}

export interface MarketDataMessage {
  readonly msgType: string;
  readonly seqNum: number;
  /** PossDupFlag (43) = Y. */
  readonly possDup: boolean;
  readonly sendingTimeText: string | undefined;
  /** OrigSendingTime (122), on resent messages. */
  readonly origSendingTimeText: string | undefined;
  /** MDReqID (262). */
  readonly mdReqId: string | undefined;
  /** Symbol (55) at message level (snapshot). */
  readonly symbol: string | undefined;
  readonly entries: readonly MarketDataEntry[];
  /** MDReqRejReason (281) and Text (58) of a 35=Y. */
  readonly rejectReason: string | undefined;
  readonly text: string | undefined;
}
