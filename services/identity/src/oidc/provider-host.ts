// Holds the running Provider and replaces it when the active signing key changes. oidc-provider
// fixes its key set at construction, and every piece of protocol state lives in the shared
// adapter (PostgreSQL), so a new instance built around the new key takes over between two requests
// with nothing to migrate: requests in flight finish on the old instance.
import { assert, systemClock, type Clock } from '@parite/kernel';
import type { Adapter } from 'oidc-provider';
import type Provider from 'oidc-provider';
import type { AccountLookup } from './login-port.ts';
import { createOidcProvider } from './provider.ts';
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

  private constructor(options: OidcProviderHostOptions) {
    this.options = options;
    this.settings = options.settings;
    this.mountPath = mountPathOf(options.settings.issuer);
    this.rotation = new SigningKeyRotation(options.signingKeys, { clock: options.clock ?? systemClock, policy: options.rotationPolicy });
    const secrets = deriveOidcSecrets(options.masterKey);
    this.cookieKeys = secrets.cookieKeys;
    this.formTokens = new InteractionFormTokens(secrets.formKey);
  }

  /** Ensures a signing key exists (first start), builds the provider; call start() for the timer. */
  static async open(options: OidcProviderHostOptions): Promise<OidcProviderHost> {
    const host = new OidcProviderHost(options);
    await host.rotation.tick();
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
    });
  }

  /** Every instance ticks: the store's unique indexes make concurrent ticks safe. */
  start(): void {
    if (this.timer !== undefined) return;
    const intervalMs = this.options.keyRefreshIntervalMs ?? keyRefreshIntervalMsDefault;
    assert(Number.isSafeInteger(intervalMs) && intervalMs > 0, 'keyRefreshIntervalMs must be positive');
    this.timer = setInterval(() => {
      this.rotation.tick().then(() => this.refresh()).catch((error: unknown) => this.options.onServerError?.(error));
    }, intervalMs);
    this.timer.unref();
  }

  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
