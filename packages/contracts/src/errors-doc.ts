// Renders docs/errors.md from the catalogue; a test fails when the committed file differs, so the
// document can never drift from the codes clients actually receive.
import { errorCatalogue } from './errors.ts';

export function renderErrorsDocument(): string {
  const lines = [
    '# Error catalogue',
    '',
    'Generated from `packages/contracts/src/errors.ts` by `npm run docs:errors`; a test keeps the two equal.',
    '',
    'Every error response has the body `{ "error": { "code", "message", "details"?, "requestId" } }`.',
    'WebSocket replies carry the same `{ "code", "message" }` under `error`. Codes are stable: clients',
    'may branch on them; messages are for people and may be reworded.',
    '',
    '| Code | HTTP status | Meaning |',
    '|---|---|---|',
  ];
  for (const [code, definition] of Object.entries(errorCatalogue)) {
    lines.push(`| \`${code}\` | ${definition.httpStatus} | ${definition.message} |`);
  }
  return lines.join('\n') + '\n';
}
