// The dispatcher: picks the command, parses its options, runs it and turns every outcome into an
// exit code (see exit-codes.ts) and a message that never carries a secret.

import { ServiceError } from '@parite/contracts';
import { ConfigError, isPostgresError, MigrationError } from '@parite/platform';
import { commandHelp, parseCommandArguments, UsageError, type Command, type CommandContext } from './command.ts';
import { commands } from './commands/index.ts';
import { ExitCode } from './exit-codes.ts';
import { ServerUnreachableError } from './server-client.ts';

/** Network-level failures reaching the database. */
const unreachableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'CONNECT_TIMEOUT']);

export function generalHelp(): string {
  const width = Math.max(...commands.map((command) => command.name.length)) + 2;
  return [
    'Usage: npm run cli -- <command> [options]',
    '',
    'Operator commands for a Parite installation. Configuration comes from the same environment variables',
    'as the server (PARITE_DATA_DIR, DATABASE_URL, PARITE_JOURNAL, HOST, PORT, ...).',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`),
    '',
    'Run `npm run cli -- <command> --help` for a command\'s options.',
    'Exit codes: 0 ok, 1 failed, 2 usage, 69 unavailable, 70 internal error, 75 server running, 78 configuration.',
  ].join('\n');
}

export async function runCli(argv: readonly string[], context: CommandContext): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    context.output.err(generalHelp());
    return ExitCode.Usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    context.output.out(generalHelp());
    return ExitCode.Ok;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (command === undefined) {
    context.output.err(`unknown command "${name}"\n\n${generalHelp()}`);
    return ExitCode.Usage;
  }
  try {
    const values = parseCommandArguments(command, rest);
    if (values['help'] === true) {
      context.output.out(commandHelp(command));
      return ExitCode.Ok;
    }
    return await command.run(values, context);
  } catch (error) {
    return reportError(command, error, context);
  }
}

function reportError(command: Command, error: unknown, context: CommandContext): number {
  const say = (message: string) => context.output.err(`${command.name}: ${message}`);
  if (error instanceof UsageError) {
    say(`${error.message}\nRun \`npm run cli -- ${command.name} --help\` for its options.`);
    return ExitCode.Usage;
  }
  if (error instanceof ConfigError) {
    say(error.message);
    return ExitCode.Config;
  }
  if (error instanceof ServiceError) {
    const reason = typeof error.details?.['reason'] === 'string' ? ` (${error.details['reason']})` : '';
    say(`${error.code}: ${error.message}${reason}`);
    return ExitCode.Failed;
  }
  if (error instanceof ServerUnreachableError) {
    say(error.message);
    return ExitCode.Unavailable;
  }
  if (error instanceof MigrationError) {
    say(`migration refused: ${error.message}`);
    return ExitCode.Failed;
  }
  if (isPostgresError(error, '42P01')) {
    say(`the database schema is missing (${error.message}): run \`npm run cli -- migrate\` first`);
    return ExitCode.Failed;
  }
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if ((typeof code === 'string' && unreachableCodes.has(code)) || message.startsWith('embedded PostgreSQL did not start')) {
    say(`the database is unreachable: ${message}`);
    return ExitCode.Unavailable;
  }
  say(`unexpected error: ${message}`);
  return ExitCode.Software;
}
