import type { IncomingHttpHeaders } from 'node:http';
import { anonymousPrincipal, type Principal } from './permissions.ts';

/** What an authenticator sees of a request: enough to verify a signature over the exact bytes. */
export interface AuthenticationRequest {
  /** Upper-case HTTP method. */
  readonly method: string;
  /** Path and query exactly as received (not decoded, not normalised). */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The body bytes as received; undefined when the request had no body. */
  readonly rawBody: Buffer | undefined;
  /** The client address as resolved by the app's trustProxy setting. */
  readonly ip: string;
}

/**
 * The authentication port. Returns the anonymous principal when the request carries no
 * credentials, a user principal when they verify, and throws ServiceError(AUTH_*) otherwise.
 */
export interface Authenticator {
  authenticate(request: AuthenticationRequest): Promise<Principal>;
}

/** Treats every caller as anonymous: for apps that only serve public routes, and for tests. */
export const anonymousAuthenticator: Authenticator = {
  authenticate: () => Promise.resolve(anonymousPrincipal),
};
