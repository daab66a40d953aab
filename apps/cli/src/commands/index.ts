// Every command, in the order `--help` lists them.
import type { Command } from '../command.ts';
import { approveCommand } from './approve.ts';
import { auditLogCommand } from './audit-log.ts';
import { createApiKeyCommand } from './create-api-key.ts';
import { createUserCommand } from './create-user.ts';
import { fundCommand } from './fund.ts';
import { migrateCommand } from './migrate.ts';
import { rebuildProjectionsCommand } from './rebuild-projections.ts';
import { verifyCommand } from './verify.ts';

export const commands: readonly Command[] = [
  migrateCommand, createUserCommand, createApiKeyCommand, fundCommand, approveCommand, rebuildProjectionsCommand,
  verifyCommand, auditLogCommand,
];
