// The account area's security routes, for customers and staff alike: sessions, devices, two-factor
// authentication, recovery codes and step-up. Every route needs `account:security`, which only an
// access token of the platform's own application holds, and only when it carries its sign-in
// session (`sid`): an API key or a partner application never manages a person's security settings.
//
// Sensitive changes (enrolling or disabling TOTP, new recovery codes) need a step-up on the same
// session within the last 5 minutes: POST /v1/account/step-up with a TOTP code (or the password
// while no second factor is enabled). Signing out sessions and forgetting devices only take access
// away, so they need none: a person who sees a stranger's session must be able to end it at once.
import { ServiceError } from '@parite/contracts';
import type { HttpPlugin, Principal, UserPrincipal } from '@parite/http';
import { Type } from '@sinclair/typebox';
import type { CredentialService } from '../credentials/app/credential-service.ts';

export interface AccountPluginOptions {
  readonly credentials: CredentialService;
}

const closed = { additionalProperties: false } as const;
const SessionIdParams = Type.Object({ sessionId: Type.String({ pattern: '^ses_[A-Za-z0-9_-]{16,64}$' }) }, closed);
const DeviceIdParams = Type.Object({ deviceId: Type.String({ pattern: '^dev_[A-Za-z0-9_-]{16,64}$' }) }, closed);
const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(schema: T) => Type.Union([schema, Type.Null()]);
const SessionView = Type.Object({
  sessionId: Type.String(), current: Type.Boolean(), deviceId: Nullable(Type.String()), ip: Type.String(),
  country: Nullable(Type.String()), methods: Type.Array(Type.String()), createdAtMs: Type.Integer(),
  lastSeenAtMs: Type.Integer(), expiresAtMs: Type.Integer(),
}, closed);
const SessionsReply = Type.Object({ sessions: Type.Array(SessionView) }, closed);
const RevokedReply = Type.Object({ revoked: Type.Integer({ minimum: 0 }) }, closed);
const DeviceView = Type.Object({
  deviceId: Type.String(), label: Type.String(), createdAtMs: Type.Integer(), lastSeenAtMs: Type.Integer(),
  lastCountry: Nullable(Type.String()), confirmed: Type.Boolean(),
}, closed);
const DevicesReply = Type.Object({ devices: Type.Array(DeviceView) }, closed);
const SecurityReply = Type.Object({
  totpEnabled: Type.Boolean(), recoveryCodesLeft: Type.Integer({ minimum: 0 }), sessionId: Type.String(),
}, closed);
const StepUpBody = Type.Object({
  code: Type.Optional(Type.String({ minLength: 6, maxLength: 64, description: 'A TOTP code or a recovery code.' })),
  password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'Only while no second factor is enabled.' })),
}, closed);
const StepUpReply = Type.Object({ validUntilMs: Type.Integer() }, closed);
const TotpEnrolmentReply = Type.Object({
  secret: Type.String({ description: 'Base32, shown once.' }), otpauthUri: Type.String({ description: 'For a QR code; shown once.' }),
}, closed);
const CodeBody = Type.Object({ code: Type.String({ pattern: '^[0-9]{6}$' }) }, closed);
const RecoveryCodesReply = Type.Object({ recoveryCodes: Type.Array(Type.String(), { description: 'Shown once.' }) }, closed);
const EmptyBody = Type.Object({}, closed);
const DoneReply = Type.Object({ ok: Type.Literal(true) }, closed);

/** The caller and the sign-in session it acts in; the permission check already ran. */
export function sessionCaller(principal: Principal): UserPrincipal & { readonly sessionId: string } {
  if (principal.kind !== 'user') throw new ServiceError('AUTH_REQUIRED');
  const { sessionId } = principal;
  if (sessionId === undefined) throw new ServiceError('AUTH_SESSION_REQUIRED');
  return { ...principal, sessionId };
}

export const accountPlugin: HttpPlugin<AccountPluginOptions> = async (app, { credentials }) => {
  const tags = ['account'];
  const config = { permission: 'account:security' as const };

  app.get('/v1/account/security', {
    config, schema: { tags, summary: 'Second-factor status of the caller', response: { 200: SecurityReply } },
  }, async (request) => {
    const caller = sessionCaller(request.principal);
    return { totpEnabled: await credentials.hasTotp(caller.userId), recoveryCodesLeft: await credentials.countRecoveryCodes(caller.userId),
      sessionId: caller.sessionId };
  });

  app.post('/v1/account/step-up', {
    config, schema: { tags, summary: 'Prove presence again (TOTP code, or the password without 2FA) for 5 minutes', body: StepUpBody,
      response: { 200: StepUpReply } },
  }, async (request) => {
    const caller = sessionCaller(request.principal);
    const result = await credentials.stepUp(caller.userId, caller.sessionId, {
      ...(request.body.code === undefined ? {} : { code: request.body.code }),
      ...(request.body.password === undefined ? {} : { password: request.body.password }),
    });
    if (result.kind === 'locked') throw new ServiceError('REQUEST_RATE_LIMITED', { retryAfterSeconds: Math.ceil(result.retryAfterMs / 1000) });
    if (result.kind === 'invalid') throw new ServiceError('AUTH_CODE_INVALID');
    return { validUntilMs: result.validUntilMs };
  });

  app.get('/v1/account/sessions', {
    config, schema: { tags, summary: 'Live sessions of the caller, newest first', response: { 200: SessionsReply } },
  }, async (request) => {
    const caller = sessionCaller(request.principal);
    const sessions = await credentials.listSessions(caller.userId);
    return { sessions: sessions.map((session) => ({ ...session, methods: [...session.methods], current: session.sessionId === caller.sessionId })) };
  });

  app.delete('/v1/account/sessions', {
    config, schema: { tags, summary: 'Sign out every other session (this one stays)', response: { 200: RevokedReply } },
  }, async (request) => {
    const caller = sessionCaller(request.principal);
    return { revoked: await credentials.revokeOtherSessions(caller.userId, caller.sessionId) };
  });

  app.delete('/v1/account/sessions/:sessionId', {
    config, schema: { tags, summary: 'Sign out one session (its tokens stop working)', params: SessionIdParams, response: { 200: RevokedReply } },
  }, async (request) => {
    const caller = sessionCaller(request.principal);
    await credentials.revokeSession(caller.userId, request.params.sessionId);
    return { revoked: 1 };
  });

  app.get('/v1/account/devices', {
    config, schema: { tags, summary: 'Devices the caller signed in from', response: { 200: DevicesReply } },
  }, async (request) => ({ devices: await credentials.listDevices(sessionCaller(request.principal).userId) }));

  app.delete('/v1/account/devices/:deviceId', {
    config, schema: { tags, summary: 'Forget a device: its sessions end, its next sign-in is confirmed again', params: DeviceIdParams,
      response: { 200: DoneReply } },
  }, async (request) => {
    await credentials.forgetDevice(sessionCaller(request.principal).userId, request.params.deviceId);
    return { ok: true as const };
  });

  app.post('/v1/account/totp', {
    config, schema: { tags, summary: 'Start TOTP enrolment (step-up required)', body: EmptyBody, response: { 200: TotpEnrolmentReply } },
  }, async (request) => {
    const caller = sessionCaller(request.principal);
    return credentials.beginTotpEnrolment(caller.userId, caller.sessionId);
  });

  app.post('/v1/account/totp/confirm', {
    config, schema: { tags, summary: 'Confirm TOTP enrolment with a first code; returns the recovery codes once', body: CodeBody,
      response: { 200: RecoveryCodesReply } },
  }, async (request) => {
    const caller = sessionCaller(request.principal);
    const result = await credentials.confirmTotpEnrolment(caller.userId, request.body.code);
    if (result.kind === 'invalid-code') throw new ServiceError('AUTH_CODE_INVALID', { reason: 'the code is not valid or no enrolment is pending' });
    return { recoveryCodes: [...result.recoveryCodes] };
  });

  app.delete('/v1/account/totp', {
    config, schema: { tags, summary: 'Disable TOTP and delete the recovery codes (step-up required)', response: { 200: DoneReply } },
  }, async (request) => {
    const caller = sessionCaller(request.principal);
    await credentials.disableTotp(caller.userId, caller.sessionId);
    return { ok: true as const };
  });

  app.post('/v1/account/recovery-codes', {
    config, schema: { tags, summary: 'Replace the recovery codes (step-up required); returns them once', body: EmptyBody,
      response: { 200: RecoveryCodesReply } },
  }, async (request) => {
    const caller = sessionCaller(request.principal);
    return { recoveryCodes: [...await credentials.regenerateRecoveryCodes(caller.userId, caller.sessionId)] };
  });
};
