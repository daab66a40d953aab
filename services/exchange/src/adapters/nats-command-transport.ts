// The command transport over NATS request/reply: the engine process answers on its shard's
// subject, every gateway process sends there. NATS core request/reply carries no durability of its
// own and needs none: the reply is sent only after the journal made the commands durable, and a
// lost reply surfaces as SERVICE_UNAVAILABLE to a client that retries with its client order id.

import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { submitBatchMax } from '../app/exchange-engine.ts';
import type { ExchangeEngineApi } from '../app/engine-api.ts';
import {
  decodeReply, decodeSubmission, encodeReply, encodeSubmission, serveSubmission,
  type CommandTransport, type RemoteReply,
} from '../app/command-transport.ts';

export const commandSubjectPrefix = 'parite.engine';
/** How long a gateway waits for the engine to answer one submission. */
export const commandTimeoutMsDefault = 5_000;

export function commandSubject(shard: string): string {
  return `${commandSubjectPrefix}.${shard}.commands`;
}

export class NatsCommandTransport implements CommandTransport {
  constructor(
    private readonly connection: NatsConnection,
    private readonly shard: string,
    private readonly timeoutMs = commandTimeoutMsDefault,
  ) {}

  async submit(payloads: readonly Uint8Array[]): Promise<RemoteReply> {
    const message = await this.connection.request(commandSubject(this.shard), encodeSubmission(payloads),
      { timeout: this.timeoutMs });
    return decodeReply(message.data);
  }

  async close(): Promise<void> {}
}

/**
 * The engine side. Submissions are handled in arrival order on one subscription; each is answered
 * when its commands are durable, so many are in flight at once and share group commits.
 */
export function serveCommandsOverNats(connection: NatsConnection, shard: string, engine: ExchangeEngineApi): Subscription {
  return connection.subscribe(commandSubject(shard), {
    callback: (error, message) => {
      if (error !== null) return;
      const payloads = decodeSubmission(message.data, submitBatchMax);
      if (payloads === undefined) {
        message.respond(encodeReply({ ok: false, code: 'REQUEST_MALFORMED' }));
        return;
      }
      void serveSubmission(engine, payloads).then(
        (reply) => message.respond(encodeReply(reply)),
        () => message.respond(encodeReply({ ok: false, code: 'SERVICE_UNAVAILABLE' })),
      );
    },
  });
}
