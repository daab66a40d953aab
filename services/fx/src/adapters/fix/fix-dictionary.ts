// The FIX 4.4 data dictionary (QuickFIX format, the one jspurefix ships and fix-feed-sim validates
// against). Parsing it takes a few hundred milliseconds, so it is loaded once per process and shared by
// every session.
import 'reflect-metadata';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DefinitionFactory, type FixDefinitions } from 'jspurefix';

const dictionaries = new Map<string, Promise<FixDefinitions>>();

/** node_modules/jspurefix/data/FIX44.xml, wherever the package is installed. */
export function bundledFix44DictionaryPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('jspurefix/package.json')), 'data', 'FIX44.xml');
}

export function loadFixDictionary(path: string = bundledFix44DictionaryPath()): Promise<FixDefinitions> {
  let loading = dictionaries.get(path);
  if (loading === undefined) {
    loading = new DefinitionFactory().getDefinitions(path);
    // A failed load is not cached: the next connection attempt tries again and reports its own error.
    loading.catch(() => dictionaries.delete(path));
    dictionaries.set(path, loading);
  }
  return loading;
}
