// CredentialService: the interactive-login use cases behind one facade. The OIDC provider's
// login pages, the account HTTP routes and the CLI call this; every method either returns a
// typed result the page can render (no exceptions for a wrong password or an expired link) or
// throws a ServiceError for a caller mistake (unknown session, missing step-up).
import type { AuditActor } from '../../app/ports.ts';
import { userActor, CredentialContext, type CredentialServiceDependencies } from './context.ts';
import { AccountFlows, type ChangePasswordResult, type RegisterInput, type RegisterResult, type ResetPasswordResult, type TokenResult, type VerifyEmailOptions } from './account.ts';
import { LoginFlows, type DeviceConfirmationResult, type LoginInput, type LoginResult, type SecondFactorInput, type SecondFactorResult } from './login.ts';
import { SecondFactorFlows, type StepUpProof, type StepUpResult, type TotpConfirmation, type TotpEnrolment } from './second-factor.ts';
import { SessionFlows, type DeviceView, type SessionCheck, type SessionView } from './sessions.ts';

export class CredentialService {
  private readonly context: CredentialContext;
  private readonly sessions: SessionFlows;
  private readonly secondFactor: SecondFactorFlows;
  private readonly account: AccountFlows;
  private readonly logins: LoginFlows;

  constructor(dependencies: CredentialServiceDependencies) {
    this.context = new CredentialContext(dependencies);
    this.sessions = new SessionFlows(this.context);
    this.secondFactor = new SecondFactorFlows(this.context, this.sessions);
    this.account = new AccountFlows(this.context, this.sessions);
    this.logins = new LoginFlows(this.context, this.sessions, this.secondFactor, (user) => this.account.resendVerification(user));
    // The first unknown-account login must not be the one that pays for computing the dummy hash.
    this.context.hasher.dummyHash().catch(() => undefined);
  }

  // Registration and recovery ---------------------------------------------------------------

  register(input: RegisterInput): Promise<RegisterResult> {
    return this.account.register(input);
  }

  verifyEmail(token: string, options?: VerifyEmailOptions): Promise<TokenResult> {
    return this.account.verifyEmail(token, options);
  }

  requestPasswordReset(email: string, ip: string): Promise<{ readonly kind: 'accepted' }> {
    return this.account.requestPasswordReset(email, ip);
  }

  resetPassword(token: string, newPassword: string): Promise<ResetPasswordResult> {
    return this.account.resetPassword(token, newPassword);
  }

  /** An operator (or the demo seed) sets the password of an account; the address counts as verified. */
  async provisionPassword(userId: number, password: string, actor: AuditActor): Promise<ResetPasswordResult> {
    return this.account.provisionPassword(await this.context.users.getUser(userId), password, actor);
  }

  async changePassword(userId: number, sessionId: string, currentPassword: string, newPassword: string): Promise<ChangePasswordResult> {
    return this.account.changePassword(await this.context.users.getUser(userId), sessionId, currentPassword, newPassword);
  }

  // Login -----------------------------------------------------------------------------------

  login(input: LoginInput): Promise<LoginResult> {
    return this.logins.login(input);
  }

  verifySecondFactor(input: SecondFactorInput): Promise<SecondFactorResult> {
    return this.logins.verifySecondFactor(input);
  }

  confirmDevice(token: string): Promise<DeviceConfirmationResult> {
    return this.logins.confirmDevice(token);
  }

  // Second factor and step-up ---------------------------------------------------------------

  async beginTotpEnrolment(userId: number, sessionId: string): Promise<TotpEnrolment> {
    return this.secondFactor.beginTotpEnrolment(await this.context.users.getUser(userId), sessionId);
  }

  async confirmTotpEnrolment(userId: number, code: string): Promise<TotpConfirmation> {
    return this.secondFactor.confirmTotpEnrolment(await this.context.users.getUser(userId), code);
  }

  async disableTotp(userId: number, sessionId: string): Promise<void> {
    return this.secondFactor.disableTotp(await this.context.users.getUser(userId), sessionId);
  }

  async regenerateRecoveryCodes(userId: number, sessionId: string): Promise<readonly string[]> {
    return this.secondFactor.regenerateRecoveryCodes(await this.context.users.getUser(userId), sessionId);
  }

  hasTotp(userId: number): Promise<boolean> {
    return this.secondFactor.hasTotp(userId);
  }

  countRecoveryCodes(userId: number): Promise<number> {
    return this.context.store.countUnusedRecoveryCodes(userId);
  }

  async stepUp(userId: number, sessionId: string, proof: StepUpProof): Promise<StepUpResult> {
    return this.secondFactor.stepUp(await this.context.users.getUser(userId), sessionId, proof);
  }

  /** For sensitive actions: throws AUTH_FORBIDDEN (details.stepUpRequired) without a recent step-up. */
  requireStepUp(userId: number, sessionId: string): Promise<void> {
    return this.secondFactor.requireStepUp(userId, sessionId);
  }

  // Sessions and devices --------------------------------------------------------------------

  authenticateSession(token: string, deviceFingerprint?: string): Promise<SessionCheck> {
    return this.sessions.authenticate(token, deviceFingerprint);
  }

  /** True while the session is live and the user's; marks it used (for access tokens that carry it). */
  isSessionLive(userId: number, sessionId: string): Promise<boolean> {
    return this.sessions.isLive(userId, sessionId);
  }

  listSessions(userId: number): Promise<SessionView[]> {
    return this.sessions.list(userId);
  }

  async revokeSession(userId: number, sessionId: string, actor?: AuditActor): Promise<void> {
    return this.sessions.revoke(userId, sessionId, actor ?? userActor(await this.context.users.getUser(userId)));
  }

  /** Signs out every other session (keepSessionId stays), or all of them. Returns how many ended. */
  async revokeOtherSessions(userId: number, keepSessionId: string | undefined, actor?: AuditActor): Promise<number> {
    const user = await this.context.users.getUser(userId);
    return this.sessions.revokeOthers(user, keepSessionId, actor ?? userActor(user), 'requested');
  }

  listDevices(userId: number): Promise<DeviceView[]> {
    return this.sessions.listDevices(userId);
  }

  async forgetDevice(userId: number, deviceId: string, actor?: AuditActor): Promise<void> {
    return this.sessions.forgetDevice(userId, deviceId, actor ?? userActor(await this.context.users.getUser(userId)));
  }

  /** Resolves when notification e-mails and events started so far are out (tests, graceful shutdown). */
  idle(): Promise<void> {
    return this.context.idle();
  }
}
