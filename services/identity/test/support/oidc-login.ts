// An in-memory InteractiveLogin and AccountLookup for the provider tests: a few people with a
// password, optionally a fixed second-factor code, a device-confirmation flag and a lock.
import { randomBytes } from 'node:crypto';
import type {
  AccountLookup, InteractiveLogin, LoginOutcome, OidcAccount, PasswordLoginInput, SecondFactorInput,
} from '../../src/oidc/login-port.ts';

export interface TestPerson {
  readonly account: OidcAccount;
  readonly password: string;
  readonly secondFactorCode?: string;
  readonly needsDeviceConfirmation?: boolean;
  readonly lockedForMs?: number;
}

export class MemoryInteractiveLogin implements InteractiveLogin, AccountLookup {
  private readonly people = new Map<string, TestPerson>();
  private readonly challenges = new Map<string, string>();
  readonly attempts: { email: string; ip: string }[] = [];

  add(person: TestPerson): void {
    this.people.set(person.account.email, person);
  }

  setStatus(publicId: string, status: 'active' | 'disabled'): void {
    for (const [email, person] of this.people) {
      if (person.account.publicId === publicId) this.people.set(email, { ...person, account: { ...person.account, status } });
    }
  }

  async login(input: PasswordLoginInput): Promise<LoginOutcome> {
    this.attempts.push({ email: input.email, ip: input.ip });
    const person = this.people.get(input.email.trim().toLowerCase());
    if (person === undefined || person.password !== input.password) return { kind: 'invalid-credentials' };
    if (person.lockedForMs !== undefined) return { kind: 'locked', retryAfterMs: person.lockedForMs };
    if (person.needsDeviceConfirmation === true) return { kind: 'needs-device-confirmation' };
    if (person.secondFactorCode !== undefined) {
      const challengeId = randomBytes(16).toString('base64url');
      this.challenges.set(challengeId, person.account.email);
      return { kind: 'needs-second-factor', challengeId };
    }
    return { kind: 'ok', userPublicId: person.account.publicId, methods: ['pwd'] };
  }

  async verifySecondFactor(input: SecondFactorInput): Promise<LoginOutcome> {
    const email = this.challenges.get(input.challengeId);
    const person = email === undefined ? undefined : this.people.get(email);
    if (person === undefined || person.secondFactorCode !== input.code) return { kind: 'invalid-credentials' };
    this.challenges.delete(input.challengeId);
    return { kind: 'ok', userPublicId: person.account.publicId, methods: ['pwd', 'otp', 'mfa'] };
  }

  async findUserByPublicId(publicId: string): Promise<OidcAccount | undefined> {
    for (const person of this.people.values()) if (person.account.publicId === publicId) return person.account;
    return undefined;
  }
}
