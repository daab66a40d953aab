// The command line itself, run in-process (no database is reached: every case fails or finishes
// before the command would connect): help, unknown commands and options, malformed values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commands, ExitCode, runCli, type Output } from '../src/index.ts';

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const output: Output = { out: (line) => (stdout += line + '\n'), err: (line) => (stderr += line + '\n') };
  // A data directory that must never be touched: every case here stops before loading the configuration.
  const code = await runCli(argv, { environment: { PARITE_DATA_DIR: '/nonexistent/parite-cli-usage' }, output });
  return { code, stdout, stderr };
}

test('--help lists every command; a bare call is a usage error', async () => {
  const help = await run('--help');
  assert.equal(help.code, ExitCode.Ok);
  for (const command of commands) assert.match(help.stdout, new RegExp(`^  ${command.name} `, 'm'));
  const bare = await run();
  assert.equal(bare.code, ExitCode.Usage);
  assert.match(bare.stderr, /Usage: npm run cli -- <command>/);
});

test('every command has --help listing its options, --help and --json included', async () => {
  for (const command of commands) {
    const help = await run(command.name, '--help');
    assert.equal(help.code, ExitCode.Ok, command.name);
    assert.match(help.stdout, new RegExp(`npm run cli -- ${command.name}`));
    for (const name of [...Object.keys(command.options), 'help', 'json']) assert.match(help.stdout, new RegExp(`--${name}\\b`));
  }
});

test('unknown commands, unknown options and bad values exit 2 with a pointer to --help', async () => {
  const cases: string[][] = [
    ['frobnicate'],
    ['migrate', '--force'],
    ['migrate', 'extra-positional'],
    ['create-user'],
    ['create-user', '--email', 'a@b.c', '--role', 'superuser'],
    ['create-api-key', '--user', 'a@b.c'],
    ['create-api-key', '--user', 'a@b.c', '--scopes', 'read', '--expires-days', 'ten'],
    ['create-api-key', '--user', 'a@b.c', '--scopes', 'read', '--expires-days', '0'],
    ['fund', '--user', 'a@b.c', '--asset', 'try', '--amount', '1'],
    ['fund', '--user', 'a@b.c', '--asset', 'TRY', '--amount', '-5'],
    ['fund', '--user', 'a@b.c', '--asset', 'TRY', '--amount', '1e3'],
    ['audit-log', '--limit', '0'],
    ['audit-log', '--limit', '501'],
  ];
  for (const argv of cases) {
    const result = await run(...argv);
    assert.equal(result.code, ExitCode.Usage, `${argv.join(' ')}: ${result.stderr}`);
    assert.equal(result.stdout, '', argv.join(' '));
    if (argv[0] !== 'frobnicate') assert.match(result.stderr, /--help/, argv.join(' '));
  }
});
