// Finds every *.test.ts in the workspace and runs them with node's own test runner.
// Usage: npm run test:unit [-- <path fragment> ...] to run only files whose path contains a fragment.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['packages', 'services', 'apps', 'test'];
const skippedDirectories = new Set(['node_modules', 'var', '.data']);

function collect(directory: string, found: string[]): void {
  let entries: string[];
  try {
    entries = readdirSync(directory);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (skippedDirectories.has(entry)) continue;
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) collect(path, found);
    else if (entry.endsWith('.test.ts')) found.push(path);
  }
}

const files: string[] = [];
for (const root of roots) collect(root, files);
files.sort();
const filters = process.argv.slice(2);
const selected = filters.length === 0 ? files : files.filter((file) => filters.some((filter) => file.includes(filter)));
if (selected.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...selected], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
