// A minimal browser for the sign-in flow: plain HTTP requests, a cookie jar honouring Path, and
// redirects followed by hand until one leaves for the client's redirect URI.
import assert from 'node:assert/strict';

interface StoredCookie {
  readonly value: string;
  readonly path: string;
}

/** Bounds redirect chains: the code flow needs at most a handful. */
const redirectsMax = 10;

export interface PageResponse {
  readonly status: number;
  readonly url: string;
  readonly headers: Headers;
  readonly body: string;
}

export class TestBrowser {
  private readonly cookies = new Map<string, StoredCookie>();

  constructor(private readonly origin: string) {}

  /** Sends one request with the jar's cookies; stores what comes back; follows nothing. */
  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}):
    Promise<PageResponse> {
    const target = new URL(url, this.origin);
    const headers: Record<string, string> = { ...init.headers };
    const cookie = this.cookieHeader(target.pathname);
    if (cookie !== '') headers['cookie'] = cookie;
    let body: string | undefined;
    if (init.form !== undefined) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['origin'] ??= this.origin;
    }
    const response = await fetch(target, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) this.store(line);
    return { status: response.status, url: target.toString(), headers: response.headers, body: await response.text() };
  }

  /** Follows redirects from `url` until a page answers or a redirect leaves for `stopAt`. */
  async follow(start: PageResponse | string, stopAt: string): Promise<{ page?: PageResponse; callback?: URL }> {
    let response = typeof start === 'string' ? await this.request(start) : start;
    for (let hop = 0; hop < redirectsMax; hop++) {
      if (response.status < 300 || response.status >= 400) return { page: response };
      const location = response.headers.get('location');
      assert.ok(location !== null, 'a redirect has a Location');
      const next = new URL(location, response.url);
      if (next.toString().startsWith(stopAt)) return { callback: next };
      response = await this.request(next.toString());
    }
    assert.fail('too many redirects');
  }

  cookieNames(): string[] {
    return [...this.cookies.keys()];
  }

  private cookieHeader(path: string): string {
    return [...this.cookies.entries()]
      .filter(([, cookie]) => path === cookie.path || path.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`))
      .map(([name, cookie]) => `${name}=${cookie.value}`)
      .join('; ');
  }

  private store(line: string): void {
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
    const separator = pair.indexOf('=');
    const name = pair.slice(0, separator);
    const value = pair.slice(separator + 1);
    const path = attributes.find((attribute) => attribute.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
    const expired = attributes.some((attribute) => attribute.toLowerCase().startsWith('expires=') && Date.parse(attribute.slice(8)) < Date.now());
    if (expired || value === '') this.cookies.delete(name);
    else this.cookies.set(name, { value, path });
  }
}

/** The value of a hidden input in a rendered form. */
export function formField(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  assert.ok(match !== null, `the page has a ${name} field`);
  return (match[1] as string).replaceAll('&quot;', '"').replaceAll('&amp;', '&');
}

/** The action of the form whose action ends with `/step`. */
export function formAction(html: string, step: string): string {
  const match = new RegExp(`action="([^"]*/${step})"`).exec(html);
  assert.ok(match !== null, `the page has a ${step} form`);
  return match[1] as string;
}
