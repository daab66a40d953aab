// The port the interaction pages call to authenticate a person. The OpenID Connect provider does
// not know how passwords, lockouts, second factors or devices work; the credential service
// implements this interface (the composition root adapts it) and the pages only render outcomes.

/** Request facts the credential service may use for lockout, risk and device decisions. */
export interface LoginContext {
  /** The client address as resolved by the app's trustProxy setting. */
  readonly ip: string;
  /** The User-Agent header, possibly empty; never trusted for anything but display and risk. */
  readonly userAgent: string;
  /** The browser's device cookie (random, set by the pages): recognises a known device. */
  readonly deviceFingerprint: string;
}

export interface PasswordLoginInput extends LoginContext {
  readonly email: string;
  readonly password: string;
}

export interface SecondFactorInput extends LoginContext {
  /** The id returned with `needs-second-factor`. */
  readonly challengeId: string;
  /** What the person typed (a TOTP code or a recovery code). */
  readonly code: string;
}

/** OpenID Connect `amr` values (RFC 8176) the pages pass on to the ID token. */
export type AuthenticationMethod = 'pwd' | 'otp' | 'mfa';

export type LoginOutcome =
  | {
      readonly kind: 'ok';
      /** The public id (`usr_...`): becomes the token subject. The internal id never leaves. */
      readonly userPublicId: string;
      readonly methods: readonly AuthenticationMethod[];
      /**
       * The credential session the sign-in opened (`ses_...`, an identifier, not a bearer value):
       * the grants issued from this sign-in are linked to it and its id travels as the tokens' `sid`.
       */
      readonly sessionId?: string;
    }
  | { readonly kind: 'needs-second-factor'; readonly challengeId: string }
  /** A new device: the person must confirm it (e-mail link) and then sign in again. */
  | { readonly kind: 'needs-device-confirmation' }
  | { readonly kind: 'locked'; readonly retryAfterMs: number }
  /** Only after a correct password: the address is not confirmed yet (a new link was sent). */
  | { readonly kind: 'email-not-verified' }
  /** Only after a correct password. */
  | { readonly kind: 'account-disabled' }
  /** Unknown e-mail, wrong password, wrong or expired second factor: deliberately one outcome. */
  | { readonly kind: 'invalid-credentials' };

export interface InteractiveLogin {
  login(input: PasswordLoginInput): Promise<LoginOutcome>;
  /** Never answers `needs-second-factor` again for the same challenge. */
  verifySecondFactor(input: SecondFactorInput): Promise<LoginOutcome>;
}

/** What the provider needs to know about an account: its claims and whether it may hold tokens. */
export interface OidcAccount {
  readonly id: number;
  readonly publicId: string;
  readonly email: string;
  readonly status: 'active' | 'disabled';
  readonly roles: readonly string[];
}

/** Satisfied by the identity store (`PostgresIdentityStore`, `MemoryIdentityStore`). */
export interface AccountLookup {
  findUserByPublicId(publicId: string): Promise<OidcAccount | undefined>;
}
