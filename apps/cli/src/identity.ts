// The identity service as the CLI uses it: the same store, master key and audit log as the server,
// with the operator running the command recorded as the actor of every change.

import { userInfo } from 'node:os';
import { ServiceError } from '@parite/contracts';
import { systemClock } from '@parite/kernel';
import {
  IdentityService, PostgresIdentityStore, type AuditActor, type AuditEntry, type AuditSink, type User,
} from '@parite/identity';
import { AuditLog, type AuditDetails, type PlatformConfig, type Sql } from '@parite/platform';
import { UsageError } from './command.ts';

/** Who ran the command, as the audit log records it: `cli:<system user>`. */
export function operatorActor(): AuditActor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry (some containers): the actor is still marked as the CLI.
  }
  return { kind: 'operator', id: `cli:${name}` };
}

/** Identity's audit port onto the platform's hash-chained log (as the server's recorder does). */
class AuditLogSink implements AuditSink {
  constructor(private readonly log: AuditLog) {}

  async append(entry: AuditEntry): Promise<void> {
    // Details are plain JSON from the identity service; integers beyond 2^53 would already be strings.
    const details = JSON.parse(JSON.stringify(entry.details)) as AuditDetails;
    await this.log.append({ ...entry, details });
  }
}

export function createIdentityService(config: PlatformConfig, sql: Sql): IdentityService {
  return new IdentityService({
    store: new PostgresIdentityStore(sql), audit: new AuditLogSink(new AuditLog(sql, systemClock)),
    masterKey: Buffer.from(config.masterKeyHex, 'hex'), clock: systemClock,
  });
}

/** `--user` takes a public id (usr_…) or an e-mail address. */
export async function resolveUser(identity: IdentityService, reference: string): Promise<User> {
  if (reference.startsWith('usr_')) return await identity.getUserByPublicId(reference);
  if (!reference.includes('@')) throw new UsageError(`--user must be a user id (usr_…) or an e-mail, got "${reference}"`);
  const user = await identity.findUserByEmail(reference);
  if (user === undefined) throw new ServiceError('USER_UNKNOWN', { email: reference });
  return user;
}
