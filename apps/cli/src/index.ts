// @parite/cli: the operator CLI (`npm run cli -- <command>`). Exported for tests and for tools
// that want to run a command in-process.
export { runCli, generalHelp } from './cli.ts';
export { commands } from './commands/index.ts';
export { ExitCode } from './exit-codes.ts';
export { UsageError, type Command, type CommandContext, type OptionSpec, type OptionValues } from './command.ts';
export { processOutput, type Output } from './output.ts';
export { openOperatorDatabase, runningEmbeddedCluster, withDatabase, type RunningCluster } from './database.ts';
export { operatorMigrationModules } from './migrations.ts';
export { openJournalForReading, type JournalReading } from './journal-reader.ts';
