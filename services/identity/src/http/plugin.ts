// Identity routes for the caller's own account and API keys. Mount with
// `app.register(identityPlugin, { service })` on an app from createHttpApp().
import { ServiceError } from '@parite/contracts';
import type { HttpPlugin, Principal, UserPrincipal } from '@parite/http';
import type { CredentialService } from '../credentials/app/credential-service.ts';
import { assert } from '@parite/kernel';
import type { ApiKey } from '../domain/api-key.ts';
import type { IdentityService } from '../app/identity-service.ts';
import type { AuditActor } from '../app/ports.ts';
import {
  AccountReply,
  ApiKeyListReply,
  CreateApiKeyBody,
  CreatedApiKeyReply,
  KeyIdParams,
  RevokedApiKeyReply,
} from './schemas.ts';

export interface IdentityPluginOptions {
  readonly service: IdentityService;
  /**
   * The credential service: creating an API key with an access token (an interactive sign-in)
   * needs two-factor authentication enabled and a step-up within the last minutes. Without it,
   * keys can only be created with a key.
   */
  readonly credentials?: Pick<CredentialService, 'hasTotp' | 'requireStepUp'>;
}

export const identityPlugin: HttpPlugin<IdentityPluginOptions> = async (app, { service, credentials }) => {
  app.get(
    '/v1/account',
    { config: { permission: 'account:read' }, schema: { tags: ['account'], response: { 200: AccountReply } } },
    async (request) => {
      const principal = caller(request.principal);
      const user = await service.getUser(principal.userId);
      return {
        userId: user.publicId,
        email: user.email,
        status: user.status,
        roles: [...user.roles],
        feeTier: user.feeTier,
        createdAtMs: user.createdAtMs,
        apiKeyId: principal.apiKeyId ?? null,
      };
    },
  );

  app.get(
    '/v1/api-keys',
    { config: { permission: 'account:read' }, schema: { tags: ['api-keys'], response: { 200: ApiKeyListReply } } },
    async (request) => ({ apiKeys: (await service.listApiKeys(caller(request.principal).userId)).map(summary) }),
  );

  app.post(
    '/v1/api-keys',
    {
      config: { permission: 'api-key:write' },
      schema: { tags: ['api-keys'], body: CreateApiKeyBody, response: { 201: CreatedApiKeyReply } },
    },
    async (request, reply) => {
      const principal = caller(request.principal);
      // A key signing the request bounds the new one (its scopes, allow-list, expiry); a person
      // signed in creates keys only from the platform's own application, with 2FA and a fresh step-up.
      if (principal.apiKeyId === undefined) await checkInteractiveKeyCreation(principal, credentials);
      const options = principal.apiKeyId === undefined ? {} : { issuingKeyId: principal.apiKeyId };
      const created = await service.createApiKey(principal.userId, request.body, actorOf(principal), options);
      reply.code(201);
      return { keyId: created.keyId, secret: created.secret, apiKey: summary(created.apiKey) };
    },
  );

  app.delete(
    '/v1/api-keys/:keyId',
    {
      config: { permission: 'api-key:write' },
      schema: { tags: ['api-keys'], params: KeyIdParams, response: { 200: RevokedApiKeyReply } },
    },
    async (request) => {
      const principal = caller(request.principal);
      const revoked = await service.revokeApiKey(principal.userId, request.params.keyId, actorOf(principal));
      return { apiKey: summary(revoked) };
    },
  );
};

async function checkInteractiveKeyCreation(principal: UserPrincipal,
  credentials: IdentityPluginOptions['credentials']): Promise<void> {
  const sessionId = principal.sessionId;
  if (credentials === undefined || sessionId === undefined || !principal.permissions.has('account:security')) {
    throw new ServiceError('AUTH_SESSION_REQUIRED');
  }
  if (!(await credentials.hasTotp(principal.userId))) throw new ServiceError('AUTH_SECOND_FACTOR_REQUIRED');
  await credentials.requireStepUp(principal.userId, sessionId);
}

function caller(principal: Principal): UserPrincipal {
  // Every route here needs a permission no anonymous principal holds; the access hook ran first.
  assert(principal.kind === 'user', 'identity routes are for authenticated users');
  return principal;
}

function actorOf(principal: UserPrincipal): AuditActor {
  return { kind: 'user', id: principal.userPublicId };
}

function summary(key: ApiKey) {
  return {
    keyId: key.keyId,
    label: key.label,
    scopes: [...key.scopes],
    ipAllowList: key.ipAllowList === null ? null : [...key.ipAllowList],
    expiresAtMs: key.expiresAtMs,
    revokedAtMs: key.revokedAtMs,
    createdAtMs: key.createdAtMs,
  };
}
