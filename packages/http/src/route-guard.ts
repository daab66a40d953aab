// Registration-time checks: no route reaches the router without a permission, request and
// response schemas, and object schemas that refuse unknown fields. A route that breaks a rule
// throws when it is registered, so the process fails at startup instead of serving it.
import type { RouteOptions } from 'fastify';
import { ErrorBodySchema } from './errors.ts';
import { isPermission } from './permissions.ts';

/** Bounds the schema walk; real request schemas are a few levels deep. */
const schemaDepthMax = 32;

const methodsWithBody: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

export class RouteDeclarationError extends Error {
  override readonly name = 'RouteDeclarationError';
}

type SchemaRecord = Record<string, unknown>;

export function checkRouteDeclaration(route: RouteOptions): void {
  const label = `${String(route.method)} ${route.url}`;
  const permission: unknown = route.config?.permission;
  if (!isPermission(permission)) {
    throw new RouteDeclarationError(`route ${label} must declare config.permission (got ${String(permission)})`);
  }
  const schema = route.schema as SchemaRecord | undefined;
  // @fastify/websocket routes answer with an upgrade, not a JSON body.
  const isWebSocket = (route as { websocket?: unknown }).websocket === true;
  if (isWebSocket) return;
  if (schema === undefined) throw new RouteDeclarationError(`route ${label} must declare a schema`);
  checkResponseSchemas(label, schema['response']);
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  if (methods.some((method) => methodsWithBody.has(method)) && schema['body'] === undefined) {
    throw new RouteDeclarationError(`route ${label} must declare a body schema`);
  }
  if (route.url.includes(':') && schema['params'] === undefined) {
    throw new RouteDeclarationError(`route ${label} must declare a params schema`);
  }
  for (const part of ['body', 'querystring', 'params'] as const) {
    const partSchema = schema[part];
    if (partSchema !== undefined) checkClosedObjects(`${label} ${part}`, partSchema, 0);
  }
}

function checkResponseSchemas(label: string, response: unknown): void {
  if (response === null || typeof response !== 'object') {
    throw new RouteDeclarationError(`route ${label} must declare response schemas`);
  }
  const hasSuccess = Object.keys(response).some((status) => /^(2|3)/.test(status));
  if (!hasSuccess) throw new RouteDeclarationError(`route ${label} must declare a 2xx or 3xx response schema`);
}

/** Every object in a request schema must say what it does with unknown keys. */
function checkClosedObjects(label: string, schema: unknown, depth: number): void {
  if (depth > schemaDepthMax) throw new RouteDeclarationError(`${label}: schema deeper than ${schemaDepthMax}`);
  if (schema === null || typeof schema !== 'object') return;
  const record = schema as SchemaRecord;
  const isObject = record['type'] === 'object' || record['properties'] !== undefined;
  if (isObject && record['additionalProperties'] === undefined && record['patternProperties'] === undefined) {
    throw new RouteDeclarationError(`${label}: object schemas must set additionalProperties (false refuses unknown fields)`);
  }
  if (record['additionalProperties'] === true) {
    throw new RouteDeclarationError(`${label}: additionalProperties: true lets unknown fields through`);
  }
  for (const child of childSchemas(record)) checkClosedObjects(label, child, depth + 1);
}

function childSchemas(record: SchemaRecord): unknown[] {
  const children: unknown[] = [];
  for (const key of ['properties', 'patternProperties'] as const) {
    const map = record[key];
    if (map !== null && typeof map === 'object') children.push(...Object.values(map));
  }
  for (const key of ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const) {
    const list = record[key];
    if (Array.isArray(list)) children.push(...(list as unknown[]));
  }
  for (const key of ['items', 'additionalProperties', 'not'] as const) {
    const child = record[key];
    if (child !== null && typeof child === 'object') children.push(child);
  }
  return children;
}

/** Documents the shared error body on every route, unless the route described its own. */
export function addErrorResponses(route: RouteOptions): void {
  const schema = route.schema as SchemaRecord | undefined;
  if (schema === undefined) return;
  const response = (schema['response'] ?? {}) as SchemaRecord;
  route.schema = {
    ...schema,
    response: { '4xx': ErrorBodySchema, '5xx': ErrorBodySchema, ...response },
  };
}
