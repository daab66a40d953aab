// Writes docs/errors.md from the error catalogue (`npm run docs:errors`).
import { writeFileSync } from 'node:fs';
import { renderErrorsDocument } from '@parite/contracts';

writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsDocument());
console.log('docs/errors.md written');
