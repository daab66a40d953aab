// rebuild-projections: empties the projection tables and projects the whole journal again, in one
// transaction (readers see the old tables until it commits). Refused while the server answers on
// its URL: the server's projector would keep writing against the tables being rebuilt, and its
// journal is still growing past the copy being replayed. Stop the server, rebuild, start it again.

import { ShardMap } from '@parite/exchange';
import { committedFromJournal, rebuildShardedProjections } from '@parite/projections';
import { loadConfig } from '@parite/platform';
import { flag, type Command } from '../command.ts';
import { withDatabase } from '../database.ts';
import { ExitCode } from '../exit-codes.ts';
import { openJournalForReading, type JournalReading } from '../journal-reader.ts';
import { jsonText } from '../output.ts';
import { isServerUp, serverUrl } from '../server-client.ts';

export const rebuildProjectionsCommand: Command = {
  name: 'rebuild-projections',
  summary: 'Rebuild the read models (orders, trades, balances, ledger entries) from the journal.',
  details: 'Truncates the projection tables and replays the whole journal into them in one transaction; the\n' +
    'audit log is never touched. The server must be stopped: the command probes GET /healthz on the\n' +
    'server URL and exits 75 when something answers there.',
  options: {
    url: { type: 'string', valueName: '<http://host:port>', description: 'Server URL to probe (default from HOST and PORT)' },
  },
  async run(values, { environment, output }) {
    const config = loadConfig(environment);
    const url = serverUrl(config, values);
    if (await isServerUp(url)) {
      output.err(`the server is running at ${url}: stop it before rebuilding the projections`);
      return ExitCode.ServerRunning;
    }
    const shardMap = ShardMap.parse(config.shards);
    const reports = await withDatabase(config, async (database) => {
      const readings: JournalReading[] = [];
      try {
        for (let shardIndex = 0; shardIndex < shardMap.shardCount; shardIndex++) {
          readings.push(await openJournalForReading(config, database.sql, shardIndex));
        }
        return await rebuildShardedProjections(database.sql, readings.map((reading, shardIndex) => ({
          readCommitted: committedFromJournal(reading.journal), shard: { shardIndex, sharded: shardMap.sharded } })));
      } finally {
        for (const reading of readings) await reading.close();
      }
    });
    const report = { sequence: reports[0]?.sequence ?? 0n, commands: reports.reduce((total, item) => total + item.commands, 0),
      ...(shardMap.sharded ? { shards: reports } : {}) };
    if (flag(values, 'json')) output.out(jsonText(report));
    else output.out(`projections rebuilt: ${report.commands} journal records projected, checkpoint at ${report.sequence}`);
    return ExitCode.Ok;
  },
};
