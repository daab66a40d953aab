// Holds the running Provider and replaces it when the active signing key changes. oidc-provider
// fixes its key set at construction, and every piece of protocol state lives in the shared
// adapter (PostgreSQL), so a new instance built around the new key takes over between two requests
// with nothing to migrate: requests in flight finish on the old instance.
import { assert, systemClock, type Clock } from '@parite/kernel';
import type { Adapter } from 'oidc-provider';
import type Provider from 'oidc-provider';
import type { AuditSink } from '../app/ports.ts';
import type { AccountLookup } from './login-port.ts';
import { createOidcProvider, type TokenSessionKeys } from './provider.ts';
import { deriveOidcSecrets, InteractionFormTokens } from './secrets.ts';
import { mountPathOf, type OidcSettings } from './settings.ts';
import { SigningKeyRotation, type ActiveSigningKey, type KeyRotationPolicy, type SigningKeyStore } from './signing-keys.ts';

/** How often an instance runs the rotation tick and looks for a new active key. */
export const keyRefreshIntervalMsDefault = 60_000;

export interface OidcProviderHostOptions {
  readonly settings: OidcSettings;
  readonly adapter: (model: string) => Adapter;
  readonly accounts: AccountLookup;
  readonly signingKeys: SigningKeyStore;
  /** The platform master key: cookie and form keys are derived from it (HKDF). */
  readonly masterKey: Buffer;
  readonly clock?: Clock;
  readonly rotationPolicy?: KeyRotationPolicy;
  readonly keyRefreshIntervalMs?: number;
  readonly onServerError?: (error: unknown) => void;
  /** See OidcProviderDependencies.sessionOfToken: the `sid` claim of people's tokens. */
  readonly sessionOfToken?: (token: TokenSessionKeys) => Promise<string | undefined>;
  /** Provider events and key rotation steps are recorded here. */
  readonly audit?: AuditSink;
}

export class OidcProviderHost {
  readonly settings: OidcSettings;
  readonly mountPath: string;
  readonly rotation: SigningKeyRotation;
  readonly formTokens: InteractionFormTokens;
  private readonly options: OidcProviderHostOptions;
  private readonly cookieKeys: readonly Buffer[];
  private provider: Provider | undefined;
  private activeKid: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<boolean> | undefined;
  /** Audit appends the provider's events started and that have not finished yet (see idle()). */
  private readonly pendingAudits = new Set<Promise<void>>();
  private readonly audit: AuditSink | undefined;

  private constructor(options: OidcProviderHostOptions) {
    this.options = options;
    this.settings = options.settings;
    this.mountPath = mountPathOf(options.settings.issuer);
    this.rotation = new SigningKeyRotation(options.signingKeys, { clock: options.clock ?? systemClock, policy: options.rotationPolicy });
    const secrets = deriveOidcSecrets(options.masterKey);
    this.cookieKeys = secrets.cookieKeys;
    this.formTokens = new InteractionFormTokens(secrets.formKey);
    const audit = options.audit;
    this.audit = audit === undefined ? undefined : {
      append: (entry) => {
        const appended = audit.append(entry);
        this.pendingAudits.add(appended);
        void appended.finally(() => this.pendingAudits.delete(appended)).catch(() => undefined);
        return appended;
      },
    };
  }

  /** Resolves when the audit records of provider events so far are written (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pendingAudits.size > 0) await Promise.allSettled([...this.pendingAudits]);
  }

  /** Ensures a signing key exists (first start), builds the provider; call start() for the timer. */
  static async open(options: OidcProviderHostOptions): Promise<OidcProviderHost> {
    const host = new OidcProviderHost(options);
    await host.rotate();
    await host.refresh();
    assert(host.provider !== undefined, 'the OIDC provider has a signing key after the first tick');
    return host;
  }

  current(): Provider {
    assert(this.provider !== undefined, 'the OIDC provider is open');
    return this.provider;
  }

  get activeKeyId(): string | undefined {
    return this.activeKid;
  }

  /** Runs one rotation tick and rebuilds the provider if the active key changed; true if it did. */
  async refresh(): Promise<boolean> {
    // One refresh at a time: the timer and an operator's rotation may meet.
    this.refreshing ??= this.refreshOnce().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async refreshOnce(): Promise<boolean> {
    const active = await this.options.signingKeys.activeSigningKey();
    if (active === undefined || active.kid === this.activeKid) return false;
    this.provider = this.build(active);
    this.activeKid = active.kid;
    return true;
  }

  private build(signingKey: ActiveSigningKey): Provider {
    return createOidcProvider({
      settings: this.settings,
      adapter: this.options.adapter,
      accounts: this.options.accounts,
      signingKey,
      cookieKeys: this.cookieKeys,
      onServerError: this.options.onServerError,
      sessionOfToken: this.options.sessionOfToken,
      audit: this.audit,
    });
  }

  /** One rotation tick; a step that changed the stored keys is audited (by the instance that applied it). */
  async rotate(): Promise<void> {
    const report = await this.rotation.tick();
    if (this.options.audit === undefined || (!report.applied && report.deletedKeys === 0)) return;
    await this.options.audit.append({ actorKind: 'system', actorId: 'oidc-key-rotation', action: 'oidc.signing_key_rotation',
      targetKind: 'oidc_signing_key', targetId: report.step, details: { step: report.step, applied: report.applied, deletedKeys: report.deletedKeys } });
  }

  /** Every instance ticks: the store's unique indexes make concurrent ticks safe. */
  start(): void {
    if (this.timer !== undefined) return;
    const intervalMs = this.options.keyRefreshIntervalMs ?? keyRefreshIntervalMsDefault;
    assert(Number.isSafeInteger(intervalMs) && intervalMs > 0, 'keyRefreshIntervalMs must be positive');
    this.timer = setInterval(() => {
      this.rotate().then(() => this.refresh()).catch((error: unknown) => this.options.onServerError?.(error));
    }, intervalMs);
    this.timer.unref();
  }

  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
