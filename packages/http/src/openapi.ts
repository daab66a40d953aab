// OpenAPI 3.1 generated from the route schemas by @fastify/swagger, served at GET /openapi.json.
import swagger from '@fastify/swagger';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
}

export const openApiPath = '/openapi.json';

export function installOpenApi(app: FastifyInstance, info: OpenApiInfo): void {
  const options = { openapi: { openapi: '3.1.0', info: { ...info } } };
  // Called directly rather than through app.register(): registration is deferred until the app
  // loads, so routes declared on the root right after createHttpApp() would miss swagger's
  // onRoute hook. The plugin is wrapped with fastify-plugin (no encapsulation), and in dynamic
  // mode it only adds hooks and a decorator, then calls back synchronously.
  let failure: unknown;
  swagger(app, options, (error?: Error) => {
    failure = error;
  });
  if (failure !== undefined) throw failure;
  app.get(
    openApiPath,
    {
      config: { permission: 'public' },
      schema: { hide: true, response: { 200: Type.Object({}, { additionalProperties: true }) } },
    },
    () => app.swagger(),
  );
}
