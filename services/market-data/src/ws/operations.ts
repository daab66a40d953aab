// Running a registered operation: its promise becomes the reply. Expected failures (ServiceError)
// carry their catalogue code; anything else is a handler bug, reported and answered INTERNAL_ERROR.
import { ServiceError } from '@parite/contracts';
import type { HubConnection } from './connection.ts';
import { errorReply, type RequestId } from './protocol.ts';

export type OperationHandler =
  (connection: HubConnection, message: Readonly<Record<string, unknown>>) => Promise<unknown>;

export type ErrorReporter = (error: unknown, connection: HubConnection | undefined) => void;

export function runOperation(connection: HubConnection, id: RequestId, handler: OperationHandler,
  message: Readonly<Record<string, unknown>>, onError: ErrorReporter | undefined): void {
  connection.pendingOperations++;
  let outcome: Promise<unknown>;
  try {
    outcome = handler(connection, message);
  } catch (error) {
    outcome = Promise.reject(error);
  }
  // Both branches count the operation as finished themselves: a .finally() would add a promise and
  // a microtask to every operation (order entry runs thousands a second).
  void outcome.then(
    (result) => {
      connection.pendingOperations--;
      replyResult(connection, id, result, onError);
    },
    (error: unknown) => {
      connection.pendingOperations--;
      replyFailure(connection, id, error, onError);
    },
  );
}

function replyResult(connection: HubConnection, id: RequestId, result: unknown,
  onError: ErrorReporter | undefined): void {
  try {
    connection.send({ id, result: result === undefined ? 'ok' : result });
  } catch (error) {
    // A result JSON cannot express (a bigint, a cycle) is a handler bug, not the client's.
    replyFailure(connection, id, error, onError);
  }
}

export function replyFailure(connection: HubConnection, id: RequestId, error: unknown,
  onError: ErrorReporter | undefined): void {
  if (error instanceof ServiceError) {
    connection.send(errorReply(id, error.code, error.message));
    return;
  }
  onError?.(error, connection);
  connection.send(errorReply(id, 'INTERNAL_ERROR'));
}
