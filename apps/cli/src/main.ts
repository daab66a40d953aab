// `npm run cli -- <command> [options]`: the operator CLI's entry point.
import { runCli } from './cli.ts';
import { processOutput } from './output.ts';

const exitCode = await runCli(process.argv.slice(2), { environment: process.env, output: processOutput });
// Exit at once: an embedded PostgreSQL stopped by the command may leave the package's exit hooks
// and timers behind. Writes to a pipe or file are synchronous on Linux, so nothing is lost.
process.exit(exitCode);
