// audit-log: the most recent audit entries, newest first. Details are shown as stored: the audit
// log redacts secret-looking fields before it writes them.

import { systemClock } from '@parite/kernel';
import { AuditLog, auditListPageLimitMax, loadConfig, type AuditRecord } from '@parite/platform';
import { flag, optionalInteger, optionalString, type Command } from '../command.ts';
import { withDatabase } from '../database.ts';
import { ExitCode } from '../exit-codes.ts';
import { jsonText } from '../output.ts';

const limitDefault = 20;

function line(record: AuditRecord): string {
  const target = record.targetKind === null ? '-' : `${record.targetKind}:${record.targetId ?? ''}`;
  return [`#${record.sequence}`, new Date(record.occurredAtMs).toISOString(), `${record.actorKind}:${record.actorId}`,
    record.action, target, JSON.stringify(record.details)].join('  ');
}

export const auditLogCommand: Command = {
  name: 'audit-log',
  summary: 'Print recent audit log entries, newest first.',
  details: `Prints up to --limit entries (1..${auditListPageLimitMax}), optionally only one action or one actor.\n` +
    'Run verify to check that the chain is intact.',
  options: {
    limit: { type: 'string', valueName: '<n>', description: `Entries to print (default ${limitDefault})` },
    action: { type: 'string', valueName: '<action>', description: 'Only this action, e.g. api_key.create' },
    actor: { type: 'string', valueName: '<actor id>', description: 'Only this actor id' },
  },
  async run(values, { environment, output }) {
    const limit = optionalInteger(values, 'limit', 1, auditListPageLimitMax) ?? limitDefault;
    const action = optionalString(values, 'action');
    const actorId = optionalString(values, 'actor');
    const config = loadConfig(environment);
    const page = await withDatabase(config, async (database) =>
      await new AuditLog(database.sql, systemClock).list({ action, actorId }, limit));
    if (flag(values, 'json')) {
      output.out(jsonText({ entries: page.records }));
      return ExitCode.Ok;
    }
    if (page.records.length === 0) output.err('no audit entries');
    for (const record of page.records) output.out(line(record));
    return ExitCode.Ok;
  },
};
