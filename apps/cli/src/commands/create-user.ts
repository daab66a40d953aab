// create-user: a new user (customer or admin), audited with the operator as the actor.

import { loadConfig } from '@parite/platform';
import { flag, optionalString, requiredString, UsageError, type Command } from '../command.ts';
import { withDatabase } from '../database.ts';
import { ExitCode } from '../exit-codes.ts';
import { createIdentityService, operatorActor } from '../identity.ts';
import { jsonText } from '../output.ts';

const roles = ['customer', 'admin'];

export const createUserCommand: Command = {
  name: 'create-user',
  summary: 'Create a user.',
  details: 'Creates an active user with one role and prints its public id (usr_…). The action is recorded in\n' +
    'the audit log with actor operator/cli:<system user>. Fails (exit 1) when the e-mail is taken.',
  options: {
    email: { type: 'string', valueName: '<address>', description: 'E-mail address (unique, stored lower-case)' },
    role: { type: 'string', valueName: '<customer|admin>', description: 'Role (default customer)' },
  },
  async run(values, { environment, output }) {
    const email = requiredString(values, 'email');
    const role = optionalString(values, 'role') ?? 'customer';
    if (!roles.includes(role)) throw new UsageError(`--role must be one of ${roles.join(', ')}`);
    const config = loadConfig(environment);
    const user = await withDatabase(config, async (database) =>
      await createIdentityService(config, database.sql).createUser({ email, roles: [role] }, operatorActor()));
    if (flag(values, 'json')) {
      output.out(jsonText({ userId: user.publicId, email: user.email, roles: user.roles, status: user.status }));
    } else {
      output.out(`created user ${user.publicId} ${user.email} (${user.roles.join(', ')})`);
    }
    return ExitCode.Ok;
  },
};
