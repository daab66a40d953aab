// Request validation with two Ajv instances, chosen per part of the request:
// - bodies are JSON, so their types are exact: no coercion ("1" is not 1), nothing removed
//   (an unknown field is refused, never silently dropped);
// - query strings, path parameters and headers are text by nature, so they are coerced to the
//   schema's scalar types ("?limit=10" validates against Type.Integer()), and a repeated query
//   key may fill an array ('array' coercion). Nothing is removed there either.
// Both stop at the first error (allErrors: false): collecting every error of a hostile input
// is a denial-of-service vector, and one precise error is enough for a client.
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS; under ESM the plugin is either the default export or its `default`.
type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? (addFormatsModule as unknown as FormatsPlugin);

const sharedOptions: Options = {
  removeAdditional: false,
  useDefaults: true,
  allErrors: false,
  // TypeBox marks schemas with symbol keys, which Ajv ignores; unknown string keywords are a bug.
  strict: true,
  strictTypes: false,
  strictRequired: false,
};

function createAjv(coerceTypes: Options['coerceTypes']): Ajv {
  const ajv = new Ajv({ ...sharedOptions, coerceTypes });
  addFormats(ajv);
  // Documentation-only keywords that routes may carry in their schemas.
  ajv.addKeyword({ keyword: 'example' });
  return ajv;
}

export function createValidatorCompiler(): FastifySchemaCompiler<FastifySchema> {
  const bodyAjv = createAjv(false);
  const textAjv = createAjv('array');
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? bodyAjv : textAjv;
    const validate: ValidateFunction = ajv.compile(schema as object);
    return validate;
  };
}
