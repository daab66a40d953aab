// A small app shared by the http tests: a header-driven authenticator and a few sample routes.
import { ServiceError } from '@parite/contracts';
import { Type } from '@sinclair/typebox';
import {
  anonymousPrincipal,
  createHttpApp,
  type AuthenticationRequest,
  type Authenticator,
  type HttpApp,
  type HttpAppOptions,
  type Permission,
  type Principal,
} from '../src/index.ts';

/** Test principals chosen by the x-test-user header; 'invalid' fails like a bad API key. */
export const testUsers: Readonly<Record<string, readonly Permission[]>> = {
  reader: ['account:read', 'order:read'],
  trader: ['account:read', 'order:read', 'order:write'],
};

export class HeaderAuthenticator implements Authenticator {
  readonly seen: AuthenticationRequest[] = [];

  authenticate(request: AuthenticationRequest): Promise<Principal> {
    this.seen.push(request);
    const name = request.headers['x-test-user'];
    if (name === undefined) return Promise.resolve(anonymousPrincipal);
    const granted = typeof name === 'string' ? testUsers[name] : undefined;
    if (granted === undefined) return Promise.reject(new ServiceError('AUTH_INVALID_API_KEY'));
    return Promise.resolve({
      kind: 'user',
      userId: name === 'reader' ? 1 : 2,
      userPublicId: `usr_${name}`,
      permissions: new Set(granted),
      roles: ['customer'],
    });
  }
}

export const OrderBody = Type.Object(
  {
    side: Type.Union([Type.Literal('buy'), Type.Literal('sell')]),
    quantity: Type.String({ pattern: '^[0-9]{1,20}$' }),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 16 }), { maxItems: 4 })),
  },
  { additionalProperties: false },
);

export const OrderReply = Type.Object(
  { side: Type.String(), quantity: Type.String(), userPublicId: Type.String() },
  { additionalProperties: false },
);

export function buildSampleApp(overrides: Partial<HttpAppOptions> = {}): { app: HttpApp; authenticator: HeaderAuthenticator } {
  const authenticator = new HeaderAuthenticator();
  const app = createHttpApp({ authenticator, openApi: { title: 'Sample', version: '1.0.0' }, rateLimit: false, ...overrides });
  app.post(
    '/v1/orders',
    { config: { permission: 'order:write' }, schema: { body: OrderBody, response: { 201: OrderReply } } },
    async (request, reply) => {
      const principal = request.principal;
      if (principal.kind !== 'user') throw new Error('the access hook lets only users through');
      reply.code(201);
      return { side: request.body.side, quantity: request.body.quantity, userPublicId: principal.userPublicId };
    },
  );
  app.get(
    '/v1/orders/:orderId',
    {
      config: { permission: 'order:read' },
      schema: {
        params: Type.Object({ orderId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
        querystring: Type.Object({ verbose: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Type.Object({ orderId: Type.Integer(), verbose: Type.Boolean() }, { additionalProperties: false }) },
      },
    },
    async (request) => ({ orderId: request.params.orderId, verbose: request.query.verbose ?? false }),
  );
  app.get(
    '/v1/time',
    {
      config: { permission: 'public' },
      schema: { response: { 200: Type.Object({ principal: Type.String() }, { additionalProperties: false }) } },
    },
    async (request) => ({ principal: request.principal.kind }),
  );
  app.get(
    '/v1/boom',
    { config: { permission: 'public' }, schema: { response: { 200: Type.Object({}, { additionalProperties: false }) } } },
    async () => {
      throw new Error('a bug with a secret in its message');
    },
  );
  return { app, authenticator };
}

export interface ErrorReply {
  error: { code: string; message: string; details?: Record<string, unknown>; requestId: string };
}

export function errorOf(body: string): ErrorReply['error'] {
  return (JSON.parse(body) as ErrorReply).error;
}
