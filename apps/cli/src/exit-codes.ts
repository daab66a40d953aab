// Exit codes of the operator CLI. The non-zero ones follow sysexits.h where one fits, so scripts
// can tell "fix your command" from "try again later" from "something is wrong with the data".

export const ExitCode = {
  /** Done; for verify: every check passed. */
  Ok: 0,
  /** The command ran and failed: a check did not hold, or the platform refused the operation. */
  Failed: 1,
  /** Bad command line: unknown command or option, missing or malformed value. */
  Usage: 2,
  /** A dependency is unreachable: the database, or the server for commands that go through it. */
  Unavailable: 69,
  /** An unexpected error: a bug, reported with its message. */
  Software: 70,
  /** Refused because the server is running (e.g. rebuild-projections); stop it and try again. */
  ServerRunning: 75,
  /** Invalid configuration (the same environment variables as the server). */
  Config: 78,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
