// The adapter between the credential service (passwords, lockout, TOTP, devices, sessions) and the
// OpenID Connect provider: the sign-in pages call it as their InteractiveLogin, the provider asks
// it which credential session a token is issued under (the `sid` claim), and the credential
// service tells it when sessions are revoked so their grants and provider sessions end too.
import { errors } from 'oidc-provider';
import type { CredentialService } from '../credentials/app/credential-service.ts';
import type { LoginResult, SecondFactorResult } from '../credentials/app/login.ts';
import type { AuthenticationMethod as CredentialMethod } from '../credentials/app/ports.ts';
import type {
  AccountLookup, AuthenticationMethod, InteractiveLogin, LoginOutcome, PasswordLoginInput, SecondFactorInput,
} from './login-port.ts';
import type { TokenSessionKeys } from './provider.ts';
import type { OidcSessionLinks } from './session-links.ts';

export interface CredentialLoginOptions {
  readonly credentials: CredentialService;
  readonly accounts: AccountLookup;
  readonly links: OidcSessionLinks;
}

/** Longest device label kept from a User-Agent (the credential service cleans and bounds it too). */
const deviceLabelLengthMax = 64;

export class CredentialLogin implements InteractiveLogin {
  private readonly revokedListeners: ((sessionIds: readonly string[]) => void)[] = [];

  constructor(private readonly options: CredentialLoginOptions) {}

  async login(input: PasswordLoginInput): Promise<LoginOutcome> {
    const result = await this.options.credentials.login({
      email: input.email, password: input.password, deviceFingerprint: input.deviceFingerprint, ip: input.ip,
      deviceLabel: input.userAgent.slice(0, deviceLabelLengthMax),
    });
    return loginOutcome(result);
  }

  async verifySecondFactor(input: SecondFactorInput): Promise<LoginOutcome> {
    return secondFactorOutcome(await this.options.credentials.verifySecondFactor({ challengeToken: input.challengeId, code: input.code }));
  }

  /**
   * The provider's `sessionOfToken`: the credential session a person's token is issued under. A
   * token request for a grant whose session has ended is refused (invalid_grant): signing out
   * elsewhere, a password reset or the session's own expiry also stop refreshes.
   */
  async sessionOfToken(token: TokenSessionKeys): Promise<string | undefined> {
    const sessionId = await this.options.links.credentialSessionOf(token);
    if (sessionId === undefined) return undefined;
    const account = await this.options.accounts.findUserByPublicId(token.accountId);
    if (account === undefined || !(await this.options.credentials.isSessionLive(account.id, sessionId))) {
      throw new errors.InvalidGrant('the sign-in session has ended');
    }
    return sessionId;
  }

  /** For the credential service's onSessionsRevoked: revokes the grants and provider sessions these opened. */
  async sessionsRevoked(sessionIds: readonly string[]): Promise<void> {
    for (const listener of this.revokedListeners) listener(sessionIds);
    await this.options.links.revokeFor(sessionIds);
  }

  /** e.g. the bearer authenticator's forgetSessions: cached answers about these sessions are dropped. */
  onSessionsRevoked(listener: (sessionIds: readonly string[]) => void): void {
    this.revokedListeners.push(listener);
  }
}

function loginOutcome(result: LoginResult): LoginOutcome {
  switch (result.kind) {
    case 'ok':
      return { kind: 'ok', userPublicId: result.session.userPublicId, methods: amrOf(result.session.methods), sessionId: result.session.sessionId };
    case 'needs-second-factor':
      return { kind: 'needs-second-factor', challengeId: result.challengeToken };
    case 'needs-device-confirmation':
      return { kind: 'needs-device-confirmation' };
    case 'locked':
      return { kind: 'locked', retryAfterMs: result.retryAfterMs };
    case 'invalid-credentials':
      return { kind: 'invalid-credentials' };
    case 'email-not-verified':
      return { kind: 'email-not-verified' };
    case 'account-disabled':
      return { kind: 'account-disabled' };
  }
}

function secondFactorOutcome(result: SecondFactorResult): LoginOutcome {
  switch (result.kind) {
    case 'ok':
      return { kind: 'ok', userPublicId: result.session.userPublicId, methods: amrOf(result.session.methods), sessionId: result.session.sessionId };
    case 'locked':
      return { kind: 'locked', retryAfterMs: result.retryAfterMs };
    // A wrong code and a spent challenge look the same to the person: sign in again or retry.
    case 'invalid-code':
    case 'challenge-expired':
      return { kind: 'invalid-credentials' };
  }
}

/** RFC 8176 values: pwd, otp (TOTP or a recovery code), and mfa when more than one factor was used. */
export function amrOf(methods: readonly CredentialMethod[]): AuthenticationMethod[] {
  const amr = new Set<AuthenticationMethod>();
  for (const method of methods) {
    if (method === 'password') amr.add('pwd');
    if (method === 'totp' || method === 'recovery-code') amr.add('otp');
  }
  if (amr.size > 1) amr.add('mfa');
  return [...amr];
}
