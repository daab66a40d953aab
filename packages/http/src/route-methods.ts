// Which methods a path answers to, for 405 Method Not Allowed: a known path called with a wrong
// method is a different mistake from an unknown path, and the Allow header tells the client which
// methods exist. Fastify's router does not expose a lookup by concrete path, so the route patterns
// are collected as routes are registered and matched here (`:param` is one path segment).

/** Bounds the patterns kept; a real API has a few hundred routes. */
export const routePatternsMax = 4_096;

interface RoutePattern {
  readonly expression: RegExp;
  readonly methods: Set<string>;
}

function compile(url: string): RegExp {
  const segments = url.split('/').map((segment) => segment.startsWith(':')
    ? '[^/]+'
    : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${segments.join('/')}$`);
}

export class RouteMethods {
  private readonly patterns = new Map<string, RoutePattern>();

  add(url: string, methods: string | readonly string[]): void {
    if (url.includes('*')) return;
    let pattern = this.patterns.get(url);
    if (pattern === undefined) {
      if (this.patterns.size >= routePatternsMax) throw new Error(`more than ${routePatternsMax} route patterns`);
      pattern = { expression: compile(url), methods: new Set() };
      this.patterns.set(url, pattern);
    }
    for (const method of typeof methods === 'string' ? [methods] : methods) pattern.methods.add(method.toUpperCase());
  }

  /** The methods some route answers at this concrete path (query string ignored); empty when none. */
  allowed(path: string): string[] {
    const bare = path.split('?')[0] ?? path;
    const methods = new Set<string>();
    for (const pattern of this.patterns.values()) {
      if (pattern.expression.test(bare)) for (const method of pattern.methods) methods.add(method);
    }
    return [...methods].sort();
  }
}
