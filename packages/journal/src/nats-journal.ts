// NATS JetStream adapter: one stream per journal (PARITE_JOURNAL_<name>, subject
// parite.journal.<name>), replicated by JetStream (num_replicas). The journal sequence IS the
// stream sequence, so the stream must hold nothing else and never lose a message (deny_delete,
// deny_purge, no limits).
//
// A flush pipelines one publish per record (all in flight at once, in order on one connection)
// and resolves when every ack is in. Each publish carries msgID = sequence and expects the stream
// to end at sequence - 1: the server refuses a record that does not extend the stream exactly, so
// a second writer gets JournalWriterConflictError instead of interleaving. A duplicate ack is a
// conflict too: this writer never republishes a sequence, so a duplicate means someone else wrote it.
import {
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type PubAck,
  type StreamInfo,
} from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { assert, assertSafeInteger } from '@parite/kernel';
import { JournalCorruptError, JournalWriterConflictError } from './errors.ts';
import { GroupCommitJournal } from './group-commit-journal.ts';
import type { JournalLimits, JournalRecord } from './journal-port.ts';

export interface NatsJournalOptions {
  /** Owned by the caller; never closed by the journal. */
  readonly connection: NatsConnection;
  /** [A-Za-z0-9_-], at most 64 characters. */
  readonly name: string;
  /** JetStream replicas of a new stream (1, 3 or 5). */
  readonly replicas?: number;
  readonly publishTimeoutMs?: number;
  readonly limits?: Partial<JournalLimits>;
}

export const timestampHeader = 'Parite-Timestamp-Ms';
const messageIdHeader = 'Nats-Msg-Id';
/** Room left in max_payload for the headers of a record. */
const headerAllowanceBytes = 512;
const publishTimeoutMsDefault = 10_000;
/** A fetch asks only for messages known to exist, so it waits this long only if the stream lost some. */
const fetchExpiresMs = 5_000;
const namePattern = /^[A-Za-z0-9_-]{1,64}$/;

export function natsJournalNames(name: string): { readonly stream: string; readonly subject: string } {
  assert(namePattern.test(name), `journal name ${name} must match ${namePattern}`);
  return { stream: `PARITE_JOURNAL_${name}`, subject: `parite.journal.${name}` };
}

export class NatsJournal extends GroupCommitJournal {
  private readonly stream: string;
  private readonly subject: string;
  private client: JetStreamClient | undefined;
  private manager: JetStreamManager | undefined;

  constructor(private readonly options: NatsJournalOptions) {
    super(options.limits);
    ({ stream: this.stream, subject: this.subject } = natsJournalNames(options.name));
  }

  protected async recover(): Promise<bigint> {
    const maxPayloadBytes = this.options.connection.info?.max_payload;
    assert(maxPayloadBytes !== undefined, 'the connection is established');
    assert(this.limits.payloadBytesMax + headerAllowanceBytes <= maxPayloadBytes, 'payloadBytesMax must fit the server max_payload');
    this.client = jetstream(this.options.connection, { timeout: this.options.publishTimeoutMs ?? publishTimeoutMsDefault });
    this.manager = await jetstreamManager(this.options.connection);
    const { state, config } = await this.ensureStream(this.manager);
    assert(config.subjects.length === 1 && config.subjects[0] === this.subject, `stream ${this.stream} holds only ${this.subject}`);
    if (state.messages !== state.last_seq || state.num_deleted > 0) {
      throw new JournalCorruptError(`${state.messages} messages up to ${state.last_seq}, ${state.num_deleted} deleted`, this.stream);
    }
    return BigInt(state.last_seq);
  }

  private async ensureStream(manager: JetStreamManager): Promise<StreamInfo> {
    try {
      return await manager.streams.info(this.stream);
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
    }
    // Adding the same configuration twice succeeds, so nodes starting together do not conflict.
    return manager.streams.add({
      name: this.stream,
      subjects: [this.subject],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.New,
      num_replicas: this.options.replicas ?? 1,
      max_msgs: -1,
      max_bytes: -1,
      max_age: 0,
      deny_delete: true,
      deny_purge: true,
    });
  }

  protected async flushRecords(records: readonly JournalRecord[]): Promise<void> {
    const client = this.client;
    assert(client !== undefined, 'the journal is open');
    // Every publish starts before any ack is awaited; the connection keeps them in order.
    const acks = await Promise.allSettled(records.map((record) => {
      assertSafeInteger(Number(record.sequence), 'sequence');
      const recordHeaders = headers();
      recordHeaders.set(timestampHeader, record.timestampMs.toString());
      return client.publish(this.subject, record.payload, {
        msgID: record.sequence.toString(),
        expect: { lastSequence: Number(record.sequence - 1n), streamName: this.stream },
        headers: recordHeaders,
      });
    }));
    for (const [index, ack] of acks.entries()) {
      const record = records[index];
      assert(record !== undefined, 'one ack per record');
      if (ack.status === 'rejected') throw this.describeFailure(ack.reason, record.sequence);
      this.checkAck(ack.value, record.sequence);
    }
  }

  private checkAck(ack: PubAck, sequence: bigint): void {
    if (ack.duplicate) throw new JournalWriterConflictError(`${this.stream} already holds message id ${sequence}`);
    if (BigInt(ack.seq) !== sequence) throw new JournalWriterConflictError(`${this.stream} stored sequence ${sequence} at ${ack.seq}`);
  }

  private describeFailure(reason: unknown, sequence: bigint): unknown {
    const wrongLast: number[] = [JetStreamApiCodes.StreamWrongLastSequence, JetStreamApiCodes.StreamWrongLastSequenceUnknown];
    if (reason instanceof JetStreamApiError && wrongLast.includes(reason.code)) {
      return new JournalWriterConflictError(`${this.stream} does not end at ${sequence - 1n}: another writer`, { cause: reason });
    }
    return reason;
  }

  protected async *readDurable(afterSequence: bigint, batchMax: number, endSequence: bigint): AsyncIterable<JournalRecord[]> {
    const client = this.client;
    const manager = this.manager;
    assert(client !== undefined && manager !== undefined, 'the journal is open');
    const streamLast = BigInt((await manager.streams.info(this.stream)).state.last_seq);
    const last = streamLast > endSequence ? streamLast : endSequence;
    if (afterSequence >= last) return;
    const consumer = await client.consumers.get(this.stream, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: Number(afterSequence + 1n),
    });
    let next = afterSequence + 1n;
    while (next <= last) {
      const wanted = Number(last - next + 1n) < batchMax ? Number(last - next + 1n) : batchMax;
      const batch: JournalRecord[] = [];
      for await (const message of await consumer.fetch({ max_messages: wanted, expires: fetchExpiresMs })) {
        batch.push(this.decode(message, next));
        next++;
      }
      if (batch.length === 0) throw new JournalCorruptError(`no message at sequence ${next}`, this.stream);
      yield batch;
    }
  }

  private decode(message: JsMsg, expectedSequence: bigint): JournalRecord {
    const location = `${this.stream}#${message.seq}`;
    if (BigInt(message.seq) !== expectedSequence) {
      throw new JournalCorruptError(`sequence ${message.seq} where ${expectedSequence} was expected`, location);
    }
    // Pair check with flushRecords: the message id written is the stream sequence read.
    if (message.headers?.get(messageIdHeader) !== expectedSequence.toString()) {
      throw new JournalCorruptError('message id does not match the sequence', location);
    }
    const timestampMs = Number(message.headers.get(timestampHeader));
    if (!Number.isSafeInteger(timestampMs) || timestampMs < 0) throw new JournalCorruptError('bad timestamp header', location);
    return { sequence: expectedSequence, timestampMs, payload: new Uint8Array(message.data) };
  }

  protected async release(): Promise<void> {
    this.client = undefined;
    this.manager = undefined;
  }
}
