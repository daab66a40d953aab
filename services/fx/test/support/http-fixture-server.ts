// A loopback HTTP server that serves fixture files by path, for adapters that fetch over HTTP.
import { createServer, type Server } from 'node:http';

export interface FixtureServer {
  readonly baseUrl: string;
  /** Paths requested so far, in order. */
  readonly requests: string[];
  /** Replaces what a path serves (status 200 with this body); undefined removes it (404). */
  serve(path: string, body: string | undefined): void;
  close(): Promise<void>;
}

export async function startFixtureServer(initial: Record<string, string> = {}): Promise<FixtureServer> {
  const routes = new Map(Object.entries(initial));
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push(path);
    const body = routes.get(path);
    if (body === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    serve(path, body) {
      if (body === undefined) routes.delete(path);
      else routes.set(path, body);
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
