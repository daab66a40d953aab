// COPY ... FROM STDIN through postgres.js, made safe to await inside a transaction.
//
// postgres.js (3.4.9) never settles a COPY that PostgreSQL refuses after the end of its data (a
// duplicate key found at the last row, a deferred check): the stream neither finishes nor fails
// and the error is dropped (porsager/postgres#1173), so awaiting the stream's end would hang the
// caller and leave its connection in an aborted transaction. copyIn follows the COPY with
// `select 1` in the same transaction: PostgreSQL answers it only after the COPY, and fails it if the
// COPY failed. A refusal seen only that way carries no reason (CopyRefusedError): a caller that
// needs it writes the same rows with insert statements, which report it.

import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import { assert } from '@parite/kernel';
import type { TransactionSql } from './sql.ts';

/** COPY text format: a text value with its backslashes, tabs, newlines and carriage returns escaped. */
export function copyText(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replaceAll('\\', '\\\\').replaceAll('\t', '\\t').replaceAll('\n', '\\n').replaceAll('\r', '\\r')
    : value;
}

export class CopyRefusedError extends Error {
  override readonly name = 'CopyRefusedError';
  constructor(readonly table: string, override readonly cause: unknown) {
    super(`PostgreSQL refused the COPY into ${table}; insert statements report why`);
  }
}

/**
 * Runs `statement` (a `copy <table> (...) from stdin`, built from constants, never from input) in
 * `sql`'s transaction with `chunks` as its data (whole text-format rows per chunk). Resolves once
 * PostgreSQL has taken every row; rejects with PostgreSQL's error, or CopyRefusedError without one.
 */
export async function copyIn(sql: TransactionSql, table: string, statement: string,
  chunks: readonly string[]): Promise<void> {
  const stream = await sql.unsafe(statement).writable();
  let finished = false;
  let failure: unknown = undefined;
  stream.once('finish', () => {
    finished = true;
  });
  stream.on('error', (error: unknown) => {
    failure ??= error;
  });
  // Resolved once the last chunk is handed to the socket (write callbacks run in order), or the
  // stream failed or closed, whichever comes first.
  let lastHandedOver: () => void = () => {};
  const handedOver = new Promise<void>((resolve) => {
    lastHandedOver = resolve;
    stream.once('error', () => resolve());
    stream.once('close', () => resolve());
  });
  for (let index = 0; index < chunks.length && failure === undefined; index++) {
    const chunk = chunks[index] as string;
    const accepted = index === chunks.length - 1 ? stream.write(chunk, () => lastHandedOver()) : stream.write(chunk);
    if (!accepted) await drainedOrFailed(stream);
  }
  if (chunks.length === 0) lastHandedOver();
  if (failure === undefined) stream.end();
  // Inside a transaction postgres.js fails the whole transaction on any refused query, and it
  // refuses every query (COPY_IN_PROGRESS) until the stream's end has reached it: that is once the
  // stream has handed over all its data, then (at the latest) one turn later.
  await handedOver;
  await setImmediatePromise();
  if (failure === undefined && !finished) {
    try {
      await sql`select 1`;
    } catch (error) {
      throw failure ?? (finished ? error : new CopyRefusedError(table, error));
    }
    // The statement ran after the COPY, whose end (or failure) was reported before its answer.
    assert(finished || failure !== undefined, `COPY into ${table} answered neither its end nor an error`);
  }
  if (failure !== undefined) throw failure;
}

function drainedOrFailed(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('error', done);
      stream.off('close', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('error', done);
    stream.once('close', done);
  });
}
