// Wiring the hub into an HTTP server: the `upgrade` event of the server Fastify listens on
// (`attachWebSocketHub(app.server, hub)` after `app.listen()` or before, either works).
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorCatalogue, type ErrorCode } from '@parite/contracts';

/** What attachWebSocketHub needs of the hub. */
export interface UpgradeHandler {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
}

/**
 * Routes upgrades for the hub's path to it. An upgrade for another path is left to other
 * `upgrade` listeners; when there is none, it is refused with 404. Returns a detach function.
 */
export function attachWebSocketHub(server: Server, hub: UpgradeHandler): () => void {
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // A reset during the handshake must not become an unhandled 'error' event.
    socket.on('error', () => socket.destroy());
    if (hub.handleUpgrade(request, socket, head)) return;
    if (server.listenerCount('upgrade') === 1) refuseUpgrade(socket, 404, 'REQUEST_NOT_FOUND');
  };
  server.on('upgrade', onUpgrade);
  return () => {
    server.off('upgrade', onUpgrade);
  };
}

/** The path of a request target; undefined when it cannot be parsed. */
export function pathOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url, 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

/** Answers an upgrade with a plain HTTP error (the shared error body) and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: 403 | 404 | 503, code: ErrorCode): void {
  const body = JSON.stringify({ error: { code, message: errorCatalogue[code].message } });
  const reason = status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : 'Service Unavailable';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
