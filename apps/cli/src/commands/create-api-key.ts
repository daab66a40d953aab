// create-api-key: a new HMAC API key for a user. Its secret is printed once, to stdout, and is not
// retrievable afterwards (it is stored sealed under the master key).

import { loadConfig } from '@parite/platform';
import {
  flag, optionalInteger, optionalString, stringList, UsageError, requiredString, type Command,
} from '../command.ts';
import { withDatabase } from '../database.ts';
import { ExitCode } from '../exit-codes.ts';
import { createIdentityService, operatorActor, resolveUser } from '../identity.ts';
import { jsonText } from '../output.ts';

/** Matches the identity service's longest allowed lifetime (five years). */
const expiresDaysMax = 5 * 365;
const dayMs = 24 * 60 * 60 * 1000;

export const createApiKeyCommand: Command = {
  name: 'create-api-key',
  summary: 'Create an API key for a user and print its secret once.',
  details: 'Prints the key id (pk_…) and its secret. The secret is shown only now: store it safely. Scopes:\n' +
    'read, trade, withdraw. Admin permissions come from the user\'s role, not from scopes. Audited.',
  options: {
    user: { type: 'string', valueName: '<usr_…|email>', description: 'The key\'s owner' },
    scopes: { type: 'string', valueName: '<read,trade,…>', description: 'Comma-separated scopes' },
    ip: { type: 'string', multiple: true, valueName: '<address|cidr>', description: 'Allowed source address or block' },
    'expires-days': { type: 'string', valueName: '<days>', description: `Expiry in days (1..${expiresDaysMax}; default never)` },
    label: { type: 'string', valueName: '<text>', description: 'A label to recognise the key by' },
  },
  async run(values, { environment, output }) {
    const reference = requiredString(values, 'user');
    const scopes = stringList(values, 'scopes');
    if (scopes.length === 0) throw new UsageError('--scopes is required, e.g. --scopes read,trade');
    const ipAllowList = stringList(values, 'ip');
    const expiresDays = optionalInteger(values, 'expires-days', 1, expiresDaysMax);
    const label = optionalString(values, 'label') ?? 'cli';
    const config = loadConfig(environment);
    const created = await withDatabase(config, async (database) => {
      const identity = createIdentityService(config, database.sql);
      const user = await resolveUser(identity, reference);
      return await identity.createApiKey(user.id, {
        scopes, label, ipAllowList: ipAllowList.length === 0 ? null : ipAllowList,
        expiresAtMs: expiresDays === undefined ? null : Date.now() + expiresDays * dayMs,
      }, operatorActor());
    });
    const key = created.apiKey;
    const expiresAt = key.expiresAtMs === null ? null : new Date(key.expiresAtMs).toISOString();
    if (flag(values, 'json')) {
      output.out(jsonText({ keyId: created.keyId, secret: created.secret, scopes: key.scopes, ipAllowList: key.ipAllowList,
        expiresAt, label: key.label }));
    } else {
      output.out(`key id:  ${created.keyId}`);
      output.out(`secret:  ${created.secret}`);
      output.out(`scopes:  ${key.scopes.join(', ')}`);
      output.out(`ips:     ${key.ipAllowList === null ? 'any' : key.ipAllowList.join(', ')}`);
      output.out(`expires: ${expiresAt ?? 'never'}`);
    }
    output.err('The secret is shown once and cannot be retrieved later: store it now.');
    return ExitCode.Ok;
  },
};
