// fund: requests a credit of a user from the external account through the running server's admin
// API. The engine's journal has exactly one writer, the server, so the CLI never writes to it
// itself: it signs POST /v1/admin/ledger/transfers with an operator key. A ledger adjustment is
// four-eyes: the server files an approval request, and the credit happens when a second operator
// approves it (`approve`). Both steps are in the audit log.

import { randomBytes } from 'node:crypto';
import { parseDecimal } from '@parite/kernel';
import { loadConfig } from '@parite/platform';
import { flag, optionalString, requiredString, UsageError, type Command } from '../command.ts';
import { withDatabase } from '../database.ts';
import { ExitCode } from '../exit-codes.ts';
import { createIdentityService, resolveUser } from '../identity.ts';
import { jsonText } from '../output.ts';
import { describeError, operatorKey, ServerUnreachableError, serverUrl, signedRequest } from '../server-client.ts';

const assetPattern = /^[A-Z0-9]{2,12}$/;
const transferIdPattern = /^[A-Za-z0-9_.:-]{1,128}$/;
/** The widest scale any asset may have; the server checks the asset's own scale. */
const amountScaleMax = 18;

export const fundCommand: Command = {
  name: 'fund',
  summary: 'Request a credit of a user\'s balance; a second operator approves it (four-eyes).',
  details: 'Sends a signed POST /v1/admin/ledger/transfers (credit from the external account) to the running\n' +
    'server with an operator API key: by default the operator entry of <PARITE_DATA_DIR>/demo-credentials.json,\n' +
    'or --key with the secret in PARITE_CLI_API_SECRET. The server files a four-eyes request and prints its id;\n' +
    'the credit runs when another operator approves it (`approve <id>`). The same --transfer-id never credits\n' +
    'twice. Exit 69 when the server is unreachable.',
  options: {
    user: { type: 'string', valueName: '<usr_…|email>', description: 'The user to credit' },
    asset: { type: 'string', valueName: '<code>', description: 'Asset code, e.g. TRY' },
    amount: { type: 'string', valueName: '<decimal>', description: 'Amount, e.g. 1000.5' },
    reason: { type: 'string', valueName: '<text>', description: 'Why (3..500 characters; audited)' },
    'transfer-id': { type: 'string', valueName: '<id>', description: 'Idempotency key (default: generated)' },
    url: { type: 'string', valueName: '<http://host:port>', description: 'Server URL (default from HOST and PORT)' },
    key: { type: 'string', valueName: '<pk_…>', description: 'Operator API key id (secret in PARITE_CLI_API_SECRET)' },
    secret: { type: 'string', valueName: '<secret>', description: 'Its secret (prefer PARITE_CLI_API_SECRET)' },
    credentials: { type: 'string', valueName: '<file>', description: 'Demo credentials file holding the operator key' },
  },
  async run(values, { environment, output }) {
    const reference = requiredString(values, 'user');
    const asset = requiredString(values, 'asset');
    if (!assetPattern.test(asset)) throw new UsageError('--asset must be an upper-case asset code, e.g. TRY');
    const amount = requiredString(values, 'amount');
    const parsed = parseDecimal(amount, amountScaleMax);
    if (!parsed.ok || parsed.value <= 0n) throw new UsageError(`--amount must be a positive decimal, got "${amount}"`);
    const reason = optionalString(values, 'reason') ?? 'operator funding (cli)';
    const transferId = optionalString(values, 'transfer-id') ?? `cli-${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
    if (!transferIdPattern.test(transferId)) throw new UsageError('--transfer-id: letters, digits and _.:- only (1..128)');
    const config = loadConfig(environment);
    const url = serverUrl(config, values);
    const key = operatorKey(config, values, environment);
    const user = await withDatabase(config, async (database) =>
      await resolveUser(createIdentityService(config, database.sql), reference));
    let answer;
    try {
      answer = await signedRequest(url, key, 'POST', '/v1/admin/ledger/transfers',
        { transferId, userId: user.id, direction: 'credit', asset, amount, reason });
    } catch (error) {
      if (!(error instanceof ServerUnreachableError)) throw error;
      // A timeout may come after the server applied it: the same transfer id makes the retry safe.
      output.err(`${error.message}\nThe transfer may or may not have been applied: retry with --transfer-id ${transferId}`);
      return ExitCode.Unavailable;
    }
    if (answer.status !== 202) {
      output.err(`fund refused by ${url} (HTTP ${answer.status}): ${describeError(answer.body)}`);
      return ExitCode.Failed;
    }
    const approval = answer.body as { approvalId: string; status: string };
    if (flag(values, 'json')) {
      output.out(jsonText({ transferId, userId: user.publicId, asset, amount, approvalId: approval.approvalId,
        status: approval.status }));
    } else {
      output.out(`requested a credit of ${amount} ${asset} to ${user.publicId} (transfer ${transferId}); ` +
        `a second operator approves it with: approve ${approval.approvalId}`);
    }
    return ExitCode.Ok;
  },
};
