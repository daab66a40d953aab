// Request and response schemas of the identity routes (TypeBox; OpenAPI is generated from them).
import { Type } from '@sinclair/typebox';
import { apiKeyLabelLengthMax, apiKeyScopes, ipAllowListEntriesMax } from '../domain/api-key.ts';

const closed = { additionalProperties: false } as const;
const Nullable = <T extends ReturnType<typeof Type.Integer>>(schema: T) => Type.Union([schema, Type.Null()]);

export const ApiKeyScopeSchema = Type.Union(apiKeyScopes.map((scope) => Type.Literal(scope)));
export const KeyIdSchema = Type.String({ pattern: '^pk_[A-Za-z0-9_-]{16,64}$', description: 'Public key id (pk_...).' });

export const AccountReply = Type.Object(
  {
    userId: Type.String({ description: 'Public user id (usr_...).' }),
    email: Type.String(),
    status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
    roles: Type.Array(Type.String()),
    feeTier: Type.Integer({ minimum: 0 }),
    createdAtMs: Type.Integer(),
    apiKeyId: Type.Union([Type.String(), Type.Null()], { description: 'The key that signed this request.' }),
  },
  closed,
);

export const ApiKeySummary = Type.Object(
  {
    keyId: Type.String(),
    label: Type.String(),
    scopes: Type.Array(ApiKeyScopeSchema),
    ipAllowList: Type.Union([Type.Array(Type.String()), Type.Null()]),
    expiresAtMs: Nullable(Type.Integer()),
    revokedAtMs: Nullable(Type.Integer()),
    createdAtMs: Type.Integer(),
  },
  closed,
);

export const ApiKeyListReply = Type.Object({ apiKeys: Type.Array(ApiKeySummary) }, closed);

export const CreateApiKeyBody = Type.Object(
  {
    scopes: Type.Array(ApiKeyScopeSchema, { minItems: 1, maxItems: apiKeyScopes.length, uniqueItems: true }),
    label: Type.Optional(Type.String({ maxLength: apiKeyLabelLengthMax })),
    ipAllowList: Type.Optional(
      Type.Array(Type.String({ minLength: 2, maxLength: 64 }), { minItems: 1, maxItems: ipAllowListEntriesMax }),
    ),
    expiresAtMs: Type.Optional(Type.Integer({ minimum: 0, description: 'Unix time in milliseconds.' })),
  },
  closed,
);

export const CreatedApiKeyReply = Type.Object(
  {
    keyId: Type.String(),
    secret: Type.String({ description: 'Shown once; store it now. It cannot be retrieved later.' }),
    apiKey: ApiKeySummary,
  },
  closed,
);

export const KeyIdParams = Type.Object({ keyId: KeyIdSchema }, closed);
export const RevokedApiKeyReply = Type.Object({ apiKey: ApiKeySummary }, closed);
