// Mounts the OpenID Connect provider inside the platform's Fastify app, under the issuer's path
// (e.g. issuer https://exchange.example/oidc -> /oidc/*), and serves the sign-in pages.
//
// - `${mount}/*` hands the raw request to oidc-provider (a Koa app) the documented way for a
//   framework without Koa: the URL is stripped of the mount path and `originalUrl` keeps the full
//   one. The reply is hijacked in onRequest, before Fastify reads the body, because the provider
//   parses its own form bodies. The app's onRequest hook (request id, per-IP rate limit) ran first.
// - The provider sees Host / X-Forwarded-Proto pinned to the issuer (whatever the client sent), so
//   the endpoints it advertises and the `secure` flag of its cookies follow the configuration.
// - `${mount}/jwks` is served here from the key store: pending, active and still-needed retired
//   public keys (oidc-provider would only know the one private key it signs with).
// - `${mount}/interaction/:uid...` are the login, second-factor and consent pages (HTML forms,
//   no script; CSRF token bound to the interaction, Origin checked, strict CSP).
import { ServiceError } from '@parite/contracts';
import type { HttpApp, HttpPlugin } from '@parite/http';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { errors, type InteractionResults } from 'oidc-provider';
import { randomBytes } from 'node:crypto';
import type { InteractiveLogin, LoginOutcome } from './login-port.ts';
import { consentPage, loginPage, messagePage, secondFactorPage, type AccountPageLinks } from './pages.ts';
import type { OidcProviderHost } from './provider-host.ts';
import { isFirstPartyClient } from './provider.ts';
import type { OidcSessionLinks } from './session-links.ts';
import { lifetimesOf } from './settings.ts';

export interface OidcPluginOptions {
  readonly host: OidcProviderHost;
  readonly login: InteractiveLogin;
  /** Where grants and provider sessions are tied to the credential session of the sign-in. */
  readonly sessionLinks?: OidcSessionLinks;
  /** Registration and forgotten-password pages, linked from the sign-in page. */
  readonly accountPages?: AccountPageLinks;
}

/**
 * The device cookie: a random value that lets the credential service recognise this browser
 * (only its SHA-256 is stored). HttpOnly, the whole origin (the account pages read it too), 400 days.
 */
export const deviceCookieName = 'parite_device';
const deviceCookieMaxAgeSeconds = 400 * 24 * 60 * 60;
const deviceCookiePattern = /^[A-Za-z0-9_-]{43}$/;

/** The browser's device cookie, or undefined when it has none (or a malformed one). */
export function readDeviceCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const [name, value] = part.trim().split('=', 2);
    if (name === deviceCookieName && value !== undefined && deviceCookiePattern.test(value)) return value;
  }
  return undefined;
}

/** Gives the browser a device cookie if it has none; returns the device fingerprint either way. */
export function ensureDeviceCookie(request: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  const existing = readDeviceCookie(request);
  if (existing !== undefined) return existing;
  const value = randomBytes(32).toString('base64url');
  reply.header('set-cookie', `${deviceCookieName}=${value}; Path=/; Max-Age=${deviceCookieMaxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`);
  return value;
}

/** The interaction result field that carries the credential session from the login step to the consent step. */
const sessionResultField = 'pariteSession';

/** Sign-in forms are a few short fields. */
export const formBodyLimitBytes = 8 * 1024;
const formFieldsMax = 16;
/** The JWKS may be cached briefly; a staged key is published far longer than this before it signs. */
export const jwksCacheSeconds = 60;

const providerSecurityHeaders: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  // script-src is present so the library can add the hash of its form_post auto-submit script.
  'content-security-policy': "default-src 'none'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'",
};

const UidParams = Type.Object({ uid: Type.String({ pattern: '^[A-Za-z0-9_-]{10,64}$' }) }, { additionalProperties: false });
const CsrfBody = Type.Object({ csrf: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });
const LoginBody = Type.Object({
  csrf: Type.String({ minLength: 1, maxLength: 128 }),
  email: Type.String({ minLength: 1, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
}, { additionalProperties: false });
const SecondFactorBody = Type.Object({
  csrf: Type.String({ minLength: 1, maxLength: 128 }),
  challenge: Type.String({ minLength: 1, maxLength: 256 }),
  challengeTag: Type.String({ minLength: 1, maxLength: 128 }),
  code: Type.String({ minLength: 1, maxLength: 64 }),
}, { additionalProperties: false });
const HtmlReply = Type.String();
const JwkSchema = Type.Object({
  kty: Type.String(), kid: Type.String(), alg: Type.Optional(Type.String()), use: Type.Optional(Type.String()),
  crv: Type.Optional(Type.String()), x: Type.Optional(Type.String()), y: Type.Optional(Type.String()),
  n: Type.Optional(Type.String()), e: Type.Optional(Type.String()),
}, { additionalProperties: false });
const JwksReply = Type.Object({ keys: Type.Array(JwkSchema) }, { additionalProperties: false });

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

export const oidcPlugin: HttpPlugin<OidcPluginOptions> = async (app, { host, login, sessionLinks, accountPages }) => {
  const mount = host.mountPath;
  if (mount === '') throw new Error('the OIDC issuer needs a path (e.g. https://exchange.example/oidc): it is the mount point');
  const issuer = new URL(host.settings.issuer);
  installFormParser(app);
  mountProvider(app, host, issuer);

  app.get(`${mount}/jwks`, {
    config: { permission: 'public' },
    schema: { tags: ['oidc'], summary: 'Published token signing keys (JWKS)', response: { 200: JwksReply } },
  }, async (_request, reply) => {
    reply.header('cache-control', `public, max-age=${jwksCacheSeconds}`);
    return (await host.rotation.publishedJwks()) as Static<typeof JwksReply>;
  });

  const pages = new InteractionPages(host, login, issuer, sessionLinks, accountPages);
  const route = { config: { permission: 'public' as const } };
  const interactionPath = `${mount}/interaction/:uid`;
  app.get(interactionPath, { ...route, schema: { hide: true, params: UidParams, response: { 200: HtmlReply } } },
    (request, reply) => pages.show(request, reply, request.params.uid));
  app.post(`${interactionPath}/login`, { ...route, schema: { hide: true, params: UidParams, body: LoginBody, response: { 200: HtmlReply } } },
    (request, reply) => pages.password(request, reply, request.params.uid, request.body));
  app.post(`${interactionPath}/second-factor`,
    { ...route, schema: { hide: true, params: UidParams, body: SecondFactorBody, response: { 200: HtmlReply } } },
    (request, reply) => pages.secondFactor(request, reply, request.params.uid, request.body));
  app.post(`${interactionPath}/consent`, { ...route, schema: { hide: true, params: UidParams, body: CsrfBody, response: { 200: HtmlReply } } },
    (request, reply) => pages.consent(request, reply, request.params.uid, request.body.csrf));
  app.post(`${interactionPath}/abort`, { ...route, schema: { hide: true, params: UidParams, body: CsrfBody, response: { 200: HtmlReply } } },
    (request, reply) => pages.abort(request, reply, request.params.uid, request.body.csrf));
};

/** Only url-encoded forms reach the interaction routes (no JSON: it would need no CORS preflight check here). */
export function installFormParser(app: HttpApp): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: formBodyLimitBytes },
    (_request: FastifyRequest, body: string | Buffer, done: (error: Error | null, body?: unknown) => void) => {
      const fields: Record<string, string> = {};
      let count = 0;
      for (const [name, value] of new URLSearchParams(body.toString())) {
        count += 1;
        // A repeated field is ambiguous (which one did the person type?): refuse it.
        if (count > formFieldsMax || Object.hasOwn(fields, name)) {
          done(new ServiceError('REQUEST_VALIDATION_FAILED', { location: 'body', reason: 'repeated or too many fields' }));
          return;
        }
        fields[name] = value;
      }
      done(null, fields);
    });
}

const handlers = new WeakMap<Provider, ReturnType<Provider['callback']>>();

function mountProvider(app: HttpApp, host: OidcProviderHost, issuer: URL): void {
  const mount = host.mountPath;
  const passThrough = async (request: FastifyRequest, reply: FastifyReply, providerPath?: string): Promise<void> => {
    reply.hijack();
    const raw = request.raw as IncomingMessage & { originalUrl?: string };
    const response = reply.raw as ServerResponse;
    const fullUrl = raw.url ?? '/';
    response.setHeader('x-request-id', request.id);
    for (const [name, value] of Object.entries(providerSecurityHeaders)) response.setHeader(name, value);
    raw.headers['host'] = issuer.host;
    raw.headers['x-forwarded-host'] = issuer.host;
    raw.headers['x-forwarded-proto'] = issuer.protocol.slice(0, -1);
    raw.headers['x-forwarded-for'] = request.ip;
    raw.url = providerPath ?? (fullUrl.slice(mount.length) || '/');
    // The provider derives its mount path from originalUrl minus url; for the RFC 8414 alias the
    // original path does not end with the provider path, so it is restated under the mount.
    raw.originalUrl = providerPath === undefined ? fullUrl : `${mount}${providerPath}`;
    const provider = host.current();
    let handle = handlers.get(provider);
    if (handle === undefined) {
      handle = provider.callback();
      handlers.set(provider, handle);
    }
    try {
      await handle(raw, response);
    } finally {
      raw.url = fullUrl;
    }
  };
  // Never validated: the request is handed over in onRequest, before Fastify reads a body.
  const read = { config: { permission: 'public' as const }, schema: { hide: true, response: { 200: {} } }, handler: () => undefined };
  const write = { ...read, schema: { ...read.schema, body: {} } };
  app.route({ ...read, method: ['GET', 'OPTIONS'], url: `${mount}/*`, onRequest: (request, reply) => passThrough(request, reply) });
  app.route({ ...write, method: 'POST', url: `${mount}/*`, onRequest: (request, reply) => passThrough(request, reply) });
  // RFC 8414 metadata for an issuer with a path lives at the origin's root, path appended.
  app.route({ ...read, method: ['GET', 'OPTIONS'], url: `/.well-known/oauth-authorization-server${mount}`,
    onRequest: (request, reply) => passThrough(request, reply, '/.well-known/oauth-authorization-server') });
}

class InteractionPages {
  private readonly secure: boolean;
  private readonly linkLifetimeMs: number;

  constructor(
    private readonly host: OidcProviderHost,
    private readonly login: InteractiveLogin,
    private readonly issuer: URL,
    private readonly sessionLinks: OidcSessionLinks | undefined,
    private readonly accountPages: AccountPageLinks | undefined,
  ) {
    this.secure = issuer.protocol === 'https:';
    const lifetimes = lifetimesOf(host.settings);
    // A link lives as long as the longest thing it names: the provider session or the grant.
    this.linkLifetimeMs = Math.max(lifetimes.sessionSeconds, lifetimes.grantSeconds, lifetimes.refreshTokenSeconds) * 1000;
  }

  async show(request: FastifyRequest, reply: FastifyReply, uid: string): Promise<string | undefined> {
    const interaction = await this.load(request, reply, uid);
    if (interaction === undefined) return this.expired(reply);
    this.protect(reply, interaction);
    const clientName = await this.clientName(interaction);
    if (interaction.prompt.name === 'login') {
      ensureDeviceCookie(request, reply, this.secure);
      return this.html(reply, 200, loginPage({ action: this.action(uid, 'login'), csrfToken: this.csrf(uid), clientName,
        links: this.accountPages }));
    }
    if (interaction.prompt.name === 'consent') {
      if (isFirstPartyClient(this.host.settings, String(interaction.params['client_id']))) {
        return this.finish(request, reply, { consent: await this.grantRequested(interaction) });
      }
      return this.html(reply, 200, consentPage({
        action: this.action(uid, 'consent'), abortAction: this.action(uid, 'abort'), csrfToken: this.csrf(uid), clientName,
        scopes: requestedScopes(interaction),
      }));
    }
    return this.finish(request, reply, { error: 'access_denied', error_description: 'unsupported interaction' });
  }

  async password(request: FastifyRequest, reply: FastifyReply, uid: string,
    body: Static<typeof LoginBody>): Promise<string | undefined> {
    const interaction = await this.checkedForm(request, reply, uid, body.csrf, 'login');
    if (interaction === undefined) return this.expired(reply);
    const outcome = await this.login.login({ email: body.email, password: body.password, ...this.loginContext(request, reply) });
    return this.answer(request, reply, interaction, outcome, body.email);
  }

  async secondFactor(request: FastifyRequest, reply: FastifyReply, uid: string,
    body: Static<typeof SecondFactorBody>): Promise<string | undefined> {
    const interaction = await this.checkedForm(request, reply, uid, body.csrf, 'login');
    if (interaction === undefined) return this.expired(reply);
    if (!this.host.formTokens.challengeValid(uid, body.challenge, body.challengeTag)) {
      throw new ServiceError('AUTH_FORBIDDEN', { reason: 'the second-factor challenge belongs to another sign-in' });
    }
    const outcome = await this.login.verifySecondFactor({ challengeId: body.challenge, code: body.code, ...this.loginContext(request, reply) });
    // The port never asks twice; a second request is treated as a failed code.
    const settled: LoginOutcome = outcome.kind === 'needs-second-factor' ? { kind: 'invalid-credentials' } : outcome;
    if (settled.kind === 'invalid-credentials') {
      return this.html(reply, 401, secondFactorPage({ action: this.action(uid, 'second-factor'), csrfToken: this.csrf(uid),
        challengeId: body.challenge, challengeTag: body.challengeTag, message: 'The code is not valid.' }));
    }
    return this.answer(request, reply, interaction, settled, undefined);
  }

  async consent(request: FastifyRequest, reply: FastifyReply, uid: string, csrf: string): Promise<string | undefined> {
    const interaction = await this.checkedForm(request, reply, uid, csrf, 'consent');
    if (interaction === undefined) return this.expired(reply);
    return this.finish(request, reply, { consent: await this.grantRequested(interaction) });
  }

  async abort(request: FastifyRequest, reply: FastifyReply, uid: string, csrf: string): Promise<string | undefined> {
    const interaction = await this.checkedForm(request, reply, uid, csrf, undefined);
    if (interaction === undefined) return this.expired(reply);
    return this.finish(request, reply, { error: 'access_denied', error_description: 'the person declined' }, false);
  }

  private async answer(request: FastifyRequest, reply: FastifyReply, interaction: Interaction, outcome: LoginOutcome,
    email: string | undefined): Promise<string | undefined> {
    const uid = interaction.uid;
    switch (outcome.kind) {
      case 'ok': {
        if (outcome.sessionId !== undefined) await this.linkSession(outcome.sessionId, interaction.grantId, interaction.session?.uid);
        // remember: false -> the single sign-on cookie lasts as long as the browser session.
        return this.finish(request, reply, {
          login: { accountId: outcome.userPublicId, amr: [...outcome.methods], remember: false },
          ...(outcome.sessionId === undefined ? {} : { [sessionResultField]: outcome.sessionId }),
        }, false);
      }
      case 'email-not-verified':
        return this.html(reply, 403, messagePage('Confirm your e-mail address',
          'Your e-mail address is not confirmed yet. We sent you a new link: open it, then sign in again.'));
      case 'account-disabled':
        return this.html(reply, 403, messagePage('Account disabled', 'This account is disabled. Contact the bank.'));
      case 'needs-second-factor':
        return this.html(reply, 200, secondFactorPage({ action: this.action(uid, 'second-factor'), csrfToken: this.csrf(uid),
          challengeId: outcome.challengeId, challengeTag: this.host.formTokens.challengeTag(uid, outcome.challengeId) }));
      case 'needs-device-confirmation':
        return this.html(reply, 200, messagePage('Confirm this device',
          'We sent you an e-mail to confirm this device. Follow its link, then sign in again.'));
      case 'locked': {
        const retryAfterSeconds = Math.max(1, Math.ceil(outcome.retryAfterMs / 1000));
        reply.header('retry-after', String(retryAfterSeconds));
        return this.html(reply, 429, messagePage('Sign-in paused',
          `Too many attempts. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`));
      }
      case 'invalid-credentials':
        return this.html(reply, 401, loginPage({ action: this.action(uid, 'login'), csrfToken: this.csrf(uid),
          clientName: await this.clientName(interaction), email, message: 'The e-mail or the password is not correct.',
          links: this.accountPages }));
    }
  }

  /** The interaction of this browser (its cookie), if it is the one the URL names. */
  private async load(request: FastifyRequest, reply: FastifyReply, uid: string): Promise<Interaction | undefined> {
    try {
      const interaction = await this.host.current().interactionDetails(request.raw, reply.raw);
      return interaction.uid === uid ? interaction : undefined;
    } catch (error) {
      if (error instanceof errors.SessionNotFound) return undefined;
      throw error;
    }
  }

  private async checkedForm(request: FastifyRequest, reply: FastifyReply, uid: string, csrf: string,
    prompt: 'login' | 'consent' | undefined): Promise<Interaction | undefined> {
    this.checkOrigin(request);
    if (!this.host.formTokens.csrfValid(uid, csrf)) throw new ServiceError('AUTH_FORBIDDEN', { reason: 'invalid form token' });
    const interaction = await this.load(request, reply, uid);
    if (interaction === undefined) return undefined;
    if (prompt !== undefined && interaction.prompt.name !== prompt) {
      throw new ServiceError('AUTH_FORBIDDEN', { reason: `this sign-in step is not ${prompt}` });
    }
    this.protect(reply, interaction);
    return interaction;
  }

  /** Browsers send Origin (and Sec-Fetch-Site) on form posts: a cross-site post is refused. */
  private checkOrigin(request: FastifyRequest): void {
    const origin = request.headers['origin'];
    const site = request.headers['sec-fetch-site'];
    if ((origin !== undefined && origin !== this.issuer.origin) || (site !== undefined && site !== 'same-origin')) {
      throw new ServiceError('AUTH_FORBIDDEN', { reason: 'cross-origin form submission' });
    }
  }

  /**
   * Page headers. form-action names the client's redirect origin too: browsers apply it to the
   * redirects that follow a form post, and the last one lands on the client.
   */
  private protect(reply: FastifyReply, interaction: Interaction): void {
    const redirectUri = interaction.params['redirect_uri'];
    const clientOrigin = typeof redirectUri === 'string' ? URL.parse(redirectUri)?.origin : undefined;
    const formAction = ["'self'", ...(clientOrigin !== undefined && clientOrigin !== 'null' ? [clientOrigin] : [])].join(' ');
    reply.header('content-security-policy', `default-src 'none'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`);
    reply.header('cache-control', 'no-store');
  }

  private async finish(request: FastifyRequest, reply: FastifyReply, result: InteractionResults,
    merge = true): Promise<undefined> {
    const returnTo = await this.host.current().interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission: merge });
    reply.header('cache-control', 'no-store');
    await reply.redirect(returnTo, 303);
    return undefined;
  }

  /** Grants what the client asked for and may have (the provider already dropped anything else). */
  private async grantRequested(interaction: Interaction): Promise<{ grantId?: string }> {
    const provider = this.host.current();
    const details = interaction.prompt.details as {
      missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]>;
    };
    const accountId = interaction.session?.accountId;
    if (accountId === undefined) throw new ServiceError('AUTH_REQUIRED');
    const grant = interaction.grantId === undefined
      ? new provider.Grant({ accountId, clientId: String(interaction.params['client_id']) })
      : await provider.Grant.find(interaction.grantId);
    if (grant === undefined) throw new ServiceError('AUTH_REQUIRED', { reason: 'the grant expired' });
    if (details.missingOIDCScope !== undefined) grant.addOIDCScope(details.missingOIDCScope.join(' '));
    if (details.missingOIDCClaims !== undefined) grant.addOIDCClaims(details.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
      grant.addResourceScope(resource, scopes.join(' '));
    }
    const grantId = await grant.save();
    await this.linkGrant(interaction, grantId);
    return interaction.grantId === undefined ? { grantId } : {};
  }

  /** The grant (and the provider session) belong to the credential session of the sign-in that led here. */
  private async linkGrant(interaction: Interaction, grantId: string): Promise<void> {
    if (this.sessionLinks === undefined) return;
    const sessionUid = interaction.session?.uid;
    const submitted = interaction.lastSubmission?.[sessionResultField];
    const credentialSessionId = typeof submitted === 'string' ? submitted
      : await this.sessionLinks.credentialSessionOf({ ...(sessionUid === undefined ? {} : { sessionUid }) });
    if (credentialSessionId !== undefined) await this.linkSession(credentialSessionId, grantId, sessionUid);
  }

  private async linkSession(credentialSessionId: string, grantId: string | undefined, sessionUid: string | undefined): Promise<void> {
    if (this.sessionLinks === undefined || (grantId === undefined && sessionUid === undefined)) return;
    await this.sessionLinks.link({ credentialSessionId, expiresAtMs: Date.now() + this.linkLifetimeMs,
      ...(grantId === undefined ? {} : { grantId }), ...(sessionUid === undefined ? {} : { sessionUid }) });
  }

  private loginContext(request: FastifyRequest, reply: FastifyReply): { ip: string; userAgent: string; deviceFingerprint: string } {
    const agent = request.headers['user-agent'];
    return { ip: request.ip, userAgent: typeof agent === 'string' ? agent.slice(0, 512) : '',
      deviceFingerprint: ensureDeviceCookie(request, reply, this.secure) };
  }

  private async clientName(interaction: Interaction): Promise<string> {
    const clientId = String(interaction.params['client_id']);
    return this.host.settings.clients.find((client) => client.clientId === clientId)?.name ?? clientId;
  }

  private action(uid: string, step: string): string {
    return `${this.host.mountPath}/interaction/${uid}/${step}`;
  }

  private csrf(uid: string): string {
    return this.host.formTokens.csrfToken(uid);
  }

  private html(reply: FastifyReply, status: number, body: string): string {
    reply.code(status).type('text/html; charset=utf-8');
    return body;
  }

  private expired(reply: FastifyReply): string {
    reply.header('cache-control', 'no-store');
    return this.html(reply, 400, messagePage('Sign-in expired',
      'This sign-in page is no longer valid. Go back to the application and start again.'));
  }
}

function requestedScopes(interaction: Interaction): string[] {
  const details = interaction.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
  const scopes = new Set<string>(details.missingOIDCScope ?? []);
  for (const list of Object.values(details.missingResourceScopes ?? {})) for (const scope of list) scopes.add(scope);
  return [...scopes];
}
