// Declaration merging: every route's config carries its permission, every request its principal
// and its raw body. Imported for its types by index.ts so consumers see them too.
import type { Permission, Principal } from './permissions.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required at runtime: a route without it is refused when it is registered. */
    permission?: Permission;
  }
  interface FastifyRequest {
    /** Set by the access hook before validation; anonymous until then. */
    principal: Principal;
    /** The exact body bytes of a JSON request; undefined when there was no body. */
    rawBody: Buffer | undefined;
  }
}

export {};
