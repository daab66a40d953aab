// approve: the second pair of eyes. Shows a pending four-eyes request and approves (or with
// --reject rejects) it through the running server, signed with this operator's key. The server
// refuses a decision by the request's own maker, by someone without the request's permission, and
// any second decision: the action runs exactly once.

import { flag, optionalString, requiredString, UsageError, type Command } from '../command.ts';
import { ExitCode } from '../exit-codes.ts';
import { jsonText } from '../output.ts';
import { loadConfig } from '@parite/platform';
import {
  demoSupervisorEmail, describeError, operatorKey, ServerUnreachableError, serverUrl, signedRequest,
} from '../server-client.ts';

const approvalIdPattern = /^apr_[0-9a-f]{24}$/;

export const approveCommand: Command = {
  name: 'approve',
  summary: 'Approve (or --reject) a pending four-eyes request as the second operator.',
  details: 'Sends POST /v1/admin/approvals/<id>/approve (or /reject) to the running server, signed with an\n' +
    'operator key: by default the supervisor entry of <PARITE_DATA_DIR>/demo-credentials.json, or --key with\n' +
    'the secret in PARITE_CLI_API_SECRET. The maker of a request can never approve it.',
  options: {
    id: { type: 'string', valueName: '<apr_…>', description: 'The approval request id' },
    reject: { type: 'boolean', description: 'Reject instead of approving' },
    reason: { type: 'string', valueName: '<text>', description: 'Why (3..500 characters; audited)' },
    url: { type: 'string', valueName: '<http://host:port>', description: 'Server URL (default from HOST and PORT)' },
    key: { type: 'string', valueName: '<pk_…>', description: 'Operator API key id (secret in PARITE_CLI_API_SECRET)' },
    secret: { type: 'string', valueName: '<secret>', description: 'Its secret (prefer PARITE_CLI_API_SECRET)' },
    credentials: { type: 'string', valueName: '<file>', description: 'Demo credentials file holding the supervisor key' },
  },
  async run(values, { environment, output }) {
    const approvalId = requiredString(values, 'id');
    if (!approvalIdPattern.test(approvalId)) throw new UsageError('--id must be an approval id (apr_ and 24 hex digits)');
    const reason = optionalString(values, 'reason');
    const config = loadConfig(environment);
    const url = serverUrl(config, values);
    const key = operatorKey(config, values, environment, demoSupervisorEmail);
    const decision = flag(values, 'reject') ? 'reject' : 'approve';
    let answer;
    try {
      answer = await signedRequest(url, key, 'POST', `/v1/admin/approvals/${approvalId}/${decision}`,
        reason === undefined ? {} : { reason });
    } catch (error) {
      if (!(error instanceof ServerUnreachableError)) throw error;
      output.err(`${error.message}\nThe decision may or may not have been recorded: check with the approvals list`);
      return ExitCode.Unavailable;
    }
    if (answer.status !== 200) {
      output.err(`${decision} refused by ${url} (HTTP ${answer.status}): ${describeError(answer.body)}`);
      return ExitCode.Failed;
    }
    const approval = answer.body as { approvalId: string; kind: string; status: string; resultCode: string | null;
      result: Record<string, unknown> | null };
    if (flag(values, 'json')) {
      output.out(jsonText({ approvalId: approval.approvalId, kind: approval.kind, status: approval.status,
        resultCode: approval.resultCode, result: approval.result }));
    } else {
      output.out(`${approval.kind} ${approval.approvalId}: ${approval.status}` +
        (approval.resultCode === null ? '' : ` (${approval.resultCode})`));
    }
    return approval.status === 'failed' ? ExitCode.Failed : ExitCode.Ok;
  },
};
