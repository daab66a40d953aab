// The account pages a person reaches from the sign-in page or an e-mail: registration, the
// e-mail verification landing, forgotten password, password reset, new-device confirmation.
// Server-rendered HTML forms like the sign-in pages: no script, no inline style, a strict CSP.
//
// - A link in an e-mail only shows a form; the token is spent by its POST. Mail scanners that
//   prefetch links therefore confirm nothing and burn no token.
// - CSRF: every form carries an HMAC of the browser's device cookie and the form's name (keyed by
//   a key derived from the master key); a post without the cookie, with another token, or whose
//   Origin / Sec-Fetch-Site is not this origin is refused. Bodies are url-encoded, 8 KiB at most.
// - The answers never say whether an address has an account (registration of a taken address and
//   a reset for an unknown one look like the other case; the credential service sees to the mails).
// - Posts that send e-mail or create accounts are rate limited per client address on top of the
//   credential service's own per-account and per-address throttles.
import { ServiceError } from '@parite/contracts';
import type { HttpPlugin, RateLimiter } from '@parite/http';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CredentialService } from '../credentials/app/credential-service.ts';
import type { PasswordRefusal } from '../credentials/domain/password-policy.ts';
import { passwordLengthMax, passwordLengthMin } from '../credentials/domain/password-policy.ts';
import { escapeHtml, hidden, layout, notice } from '../oidc/pages.ts';
import { ensureDeviceCookie, installFormParser, readDeviceCookie } from '../oidc/plugin.ts';
import { deriveKey } from '../oidc/secrets.ts';

export interface AccountPagesOptions {
  readonly credentials: CredentialService;
  /** The platform master key: the form key is derived from it. */
  readonly masterKey: Buffer;
  /** The public origin of these pages (scheme, host, port): form posts must come from it. */
  readonly publicOrigin: string;
  /** Where a person goes to sign in (the web application); shown after a successful step. */
  readonly signInUrl?: string;
  /** Account-creating and mail-sending posts per client address and window (default 10 per 10 minutes). */
  readonly limiter?: RateLimiter;
  readonly formPostsPerIpMax?: number;
  readonly formPostWindowMs?: number;
}

export const accountPagePaths = {
  register: '/account/register',
  verifyEmail: '/account/verify-email',
  forgotPassword: '/account/forgot-password',
  resetPassword: '/account/reset-password',
  confirmDevice: '/account/confirm-device',
} as const;

export const formPostsPerIpMaxDefault = 10;
export const formPostWindowMsDefault = 10 * 60_000;

const Csrf = Type.String({ minLength: 1, maxLength: 128 });
const Token = Type.String({ minLength: 1, maxLength: 128 });
const TokenQuery = Type.Object({ token: Type.Optional(Token) }, { additionalProperties: false });
const EmptyQuery = Type.Object({}, { additionalProperties: false });
const RegisterBody = Type.Object({
  csrf: Csrf, email: Type.String({ minLength: 1, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 1024 }),
}, { additionalProperties: false });
const TokenBody = Type.Object({ csrf: Csrf, token: Token }, { additionalProperties: false });
const ForgotBody = Type.Object({ csrf: Csrf, email: Type.String({ minLength: 1, maxLength: 254 }) }, { additionalProperties: false });
const ResetBody = Type.Object({ csrf: Csrf, token: Token, password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false });
const HtmlReply = Type.String();

const refusalText: Readonly<Record<PasswordRefusal, string>> = {
  'too-short': `The password is too short: use at least ${passwordLengthMin} characters (a few words work well).`,
  'too-long': `The password is too long: at most ${passwordLengthMax} characters.`,
  'too-few-distinct-characters': 'The password repeats too few characters.',
  'common': 'This password is among the first ones attackers try. Choose another.',
  'contains-email': 'The password must not contain your e-mail address.',
  'control-characters': 'The password contains characters that cannot be typed reliably.',
};

export const accountPagesPlugin: HttpPlugin<AccountPagesOptions> = async (app, options) => {
  installFormParser(app);
  const pages = new AccountPages(options);
  const route = { config: { permission: 'public' as const } };
  const page = <T extends typeof TokenQuery | typeof EmptyQuery>(querystring: T) =>
    ({ ...route, schema: { hide: true, querystring, response: { 200: HtmlReply } } });
  const form = <T extends typeof RegisterBody | typeof TokenBody | typeof ForgotBody | typeof ResetBody>(body: T) =>
    ({ ...route, schema: { hide: true, body, response: { 200: HtmlReply } } });

  app.get(accountPagePaths.register, page(EmptyQuery), (request, reply) => pages.registerForm(request, reply));
  app.post(accountPagePaths.register, form(RegisterBody), (request, reply) => pages.register(request, reply, request.body));
  app.get(accountPagePaths.verifyEmail, page(TokenQuery), (request, reply) =>
    pages.tokenForm(request, reply, 'verify-email', request.query.token));
  app.post(accountPagePaths.verifyEmail, form(TokenBody), (request, reply) => pages.verifyEmail(request, reply, request.body));
  app.get(accountPagePaths.forgotPassword, page(EmptyQuery), (request, reply) => pages.forgotForm(request, reply));
  app.post(accountPagePaths.forgotPassword, form(ForgotBody), (request, reply) => pages.forgot(request, reply, request.body));
  app.get(accountPagePaths.resetPassword, page(TokenQuery), (request, reply) => pages.resetForm(request, reply, request.query.token));
  app.post(accountPagePaths.resetPassword, form(ResetBody), (request, reply) => pages.reset(request, reply, request.body));
  app.get(accountPagePaths.confirmDevice, page(TokenQuery), (request, reply) =>
    pages.tokenForm(request, reply, 'confirm-device', request.query.token));
  app.post(accountPagePaths.confirmDevice, form(TokenBody), (request, reply) => pages.confirmDevice(request, reply, request.body));
};

type FormName = 'register' | 'verify-email' | 'forgot-password' | 'reset-password' | 'confirm-device';

class AccountPages {
  private readonly formKey: Buffer;
  private readonly origin: string;
  private readonly secure: boolean;

  constructor(private readonly options: AccountPagesOptions) {
    this.formKey = deriveKey(options.masterKey, 'account-forms/v1');
    const origin = new URL(options.publicOrigin);
    this.origin = origin.origin;
    this.secure = origin.protocol === 'https:';
  }

  registerForm(request: FastifyRequest, reply: FastifyReply, message?: string, email?: string, status = 200): string {
    const csrf = this.csrfFor(request, reply, 'register');
    return this.html(reply, status, layout('Open an account', `${notice(message)}<form method="post" action="${accountPagePaths.register}">
${hidden('csrf', csrf)}
<label>E-mail <input type="email" name="email" required maxlength="254" autocomplete="username" value="${escapeHtml(email ?? '')}"></label>
<label>Password <input type="password" name="password" required minlength="${passwordLengthMin}" maxlength="1024" autocomplete="new-password"></label>
<p>At least ${passwordLengthMin} characters; a few unrelated words are easy to remember and hard to guess.</p>
<button type="submit">Open account</button>
</form>`));
  }

  async register(request: FastifyRequest, reply: FastifyReply, body: Static<typeof RegisterBody>): Promise<string> {
    this.checkForm(request, 'register', body.csrf);
    await this.limit(request);
    const result = await this.options.credentials.register({ email: body.email, password: body.password, ip: request.ip });
    switch (result.kind) {
      case 'verification-sent':
        return this.html(reply, 200, layout('Check your e-mail',
          '<p>We sent a link to the address you gave. Open it to confirm your address, then sign in.</p>'));
      case 'invalid-email':
        return this.registerForm(request, reply, 'This e-mail address is not valid.', body.email, 400);
      case 'password-refused':
        return this.registerForm(request, reply, refusalText[result.reason], body.email, 400);
    }
  }

  tokenForm(request: FastifyRequest, reply: FastifyReply, name: 'verify-email' | 'confirm-device', token: string | undefined): string {
    const csrf = this.csrfFor(request, reply, name);
    const [title, text, button] = name === 'verify-email'
      ? ['Confirm your e-mail address', 'Confirm the e-mail address of your account.', 'Confirm address']
      : ['Confirm this device', 'Confirm the sign-in from a new device described in the e-mail. If it was not you, close this page and change your password.', 'Confirm device'];
    return this.html(reply, 200, layout(title, `<p>${escapeHtml(text)}</p>
<form method="post" action="${name === 'verify-email' ? accountPagePaths.verifyEmail : accountPagePaths.confirmDevice}">
${hidden('csrf', csrf)}
${hidden('token', token ?? '')}
<button type="submit">${escapeHtml(button)}</button>
</form>`));
  }

  async verifyEmail(request: FastifyRequest, reply: FastifyReply, body: Static<typeof TokenBody>): Promise<string> {
    this.checkForm(request, 'verify-email', body.csrf);
    const agent = request.headers['user-agent'];
    // This browser opened the link: it becomes a confirmed device, so the first sign-in needs no second e-mail.
    const deviceFingerprint = readDeviceCookie(request);
    const result = await this.options.credentials.verifyEmail(body.token, {
      ...(deviceFingerprint === undefined ? {} : { deviceFingerprint }),
      deviceLabel: typeof agent === 'string' ? agent.slice(0, 64) : 'browser',
    });
    if (result.kind === 'invalid-token') return this.invalidLink(reply);
    return this.html(reply, 200, layout('Address confirmed', `<p>Your e-mail address is confirmed.</p>${this.signInLink()}`));
  }

  forgotForm(request: FastifyRequest, reply: FastifyReply): string {
    const csrf = this.csrfFor(request, reply, 'forgot-password');
    return this.html(reply, 200, layout('Forgot your password?', `<p>Enter the address of your account: we will send a link to choose a new password.</p>
<form method="post" action="${accountPagePaths.forgotPassword}">
${hidden('csrf', csrf)}
<label>E-mail <input type="email" name="email" required maxlength="254" autocomplete="username"></label>
<button type="submit">Send link</button>
</form>`));
  }

  async forgot(request: FastifyRequest, reply: FastifyReply, body: Static<typeof ForgotBody>): Promise<string> {
    this.checkForm(request, 'forgot-password', body.csrf);
    await this.limit(request);
    await this.options.credentials.requestPasswordReset(body.email, request.ip);
    return this.html(reply, 200, layout('Check your e-mail',
      '<p>If this address has an account, we sent it a link to choose a new password. The link expires soon.</p>'));
  }

  resetForm(request: FastifyRequest, reply: FastifyReply, token: string | undefined, message?: string, status = 200): string {
    const csrf = this.csrfFor(request, reply, 'reset-password');
    return this.html(reply, status, layout('Choose a new password', `${notice(message)}<form method="post" action="${accountPagePaths.resetPassword}">
${hidden('csrf', csrf)}
${hidden('token', token ?? '')}
<label>New password <input type="password" name="password" required minlength="${passwordLengthMin}" maxlength="1024" autocomplete="new-password"></label>
<button type="submit">Set password</button>
</form>`));
  }

  async reset(request: FastifyRequest, reply: FastifyReply, body: Static<typeof ResetBody>): Promise<string> {
    this.checkForm(request, 'reset-password', body.csrf);
    const result = await this.options.credentials.resetPassword(body.token, body.password);
    if (result.kind === 'invalid-token') return this.invalidLink(reply);
    if (result.kind === 'password-refused') return this.resetForm(request, reply, body.token, refusalText[result.reason], 400);
    return this.html(reply, 200, layout('Password changed',
      `<p>Your password is changed and every session was signed out.</p>${this.signInLink()}`));
  }

  async confirmDevice(request: FastifyRequest, reply: FastifyReply, body: Static<typeof TokenBody>): Promise<string> {
    this.checkForm(request, 'confirm-device', body.csrf);
    const result = await this.options.credentials.confirmDevice(body.token);
    if (result.kind === 'invalid-token') return this.invalidLink(reply);
    return this.html(reply, 200, layout('Device confirmed', `<p>The device is confirmed: sign in on it again.</p>${this.signInLink()}`));
  }

  private invalidLink(reply: FastifyReply): string {
    return this.html(reply, 400, layout('Link not valid',
      '<p>This link is not valid: it was already used, has expired, or a newer one replaced it.</p>'));
  }

  private signInLink(): string {
    return this.options.signInUrl === undefined ? '' : `\n<p><a href="${escapeHtml(this.options.signInUrl)}">Sign in</a></p>`;
  }

  /** The form token of this browser (its device cookie, given now if it has none) for this form. */
  private csrfFor(request: FastifyRequest, reply: FastifyReply, name: FormName): string {
    return this.formToken(ensureDeviceCookie(request, reply, this.secure), name);
  }

  private formToken(deviceCookie: string, name: FormName): string {
    return createHmac('sha256', this.formKey).update(`account-form\u0000${name}\u0000${deviceCookie}`, 'utf8').digest('base64url');
  }

  private checkForm(request: FastifyRequest, name: FormName, csrf: string): void {
    const origin = request.headers['origin'];
    const site = request.headers['sec-fetch-site'];
    if ((origin !== undefined && origin !== this.origin) || (site !== undefined && site !== 'same-origin')) {
      throw new ServiceError('AUTH_FORBIDDEN', { reason: 'cross-origin form submission' });
    }
    const cookie = readDeviceCookie(request);
    const expected = cookie === undefined ? undefined : Buffer.from(this.formToken(cookie, name));
    const given = Buffer.from(csrf);
    if (expected === undefined || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new ServiceError('AUTH_FORBIDDEN', { reason: 'invalid form token' });
    }
  }

  private async limit(request: FastifyRequest): Promise<void> {
    if (this.options.limiter === undefined) return;
    const windowMs = this.options.formPostWindowMs ?? formPostWindowMsDefault;
    const allowed = await this.options.limiter.hit(`account-form:${request.ip}`, this.options.formPostsPerIpMax ?? formPostsPerIpMaxDefault, windowMs);
    if (!allowed) throw new ServiceError('REQUEST_RATE_LIMITED', { retryAfterSeconds: Math.ceil(windowMs / 1000) });
  }

  private html(reply: FastifyReply, status: number, body: string): string {
    reply.code(status).type('text/html; charset=utf-8');
    reply.header('content-security-policy', "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    reply.header('cache-control', 'no-store');
    return body;
  }
}
