// Database tests. Embedded PostgreSQL is started once here (data directory under the OS temp
// directory, a free port) to prove openDatabase works end to end. The migration and audit
// suites then run against the real server when PARITE_TEST_REAL_SERVICES=1, otherwise against
// this embedded server, so they always run. Test order matters: the restart test runs last.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { embeddedPasswordFileName, embeddedPortAttemptsMax } from '../src/database-embedded.ts';
import { openDatabase, type Database, type DatabaseConfig } from '../src/database.ts';
import { ProcStatIndex, procStatFields } from '../src/process-priority.ts';
import { connectSql, noDelaySockets } from '../src/sql.ts';
import { defaultTestAdminUrl } from '../src/testing.ts';
import { registerAuditSuite } from './support/audit-suite.ts';
import { registerMigrationSuite } from './support/migrations-suite.ts';
import { freePort, realServices, type ServerHandle } from './support/postgres-server.ts';

/** Not the default (19), so the test sees the configured value reach PostgreSQL's processes. */
const testBackgroundNice = 7;
let dataDirectory = '';
let config: DatabaseConfig;
let database: Database | undefined;
const server: ServerHandle = { adminUrl: '' };
// Holds the configured port so openDatabase has to move on to the next one.
let portBlocker: Server | undefined;

before(async () => {
  dataDirectory = mkdtempSync(join(tmpdir(), 'parite-platform-db-'));
  // As root, PostgreSQL runs as the `postgres` system user, which must be able to enter the directory.
  chmodSync(dataDirectory, 0o755);
  config = { dataDirectory, databaseUrl: undefined, databasePoolSize: 4, embeddedPostgresPort: await freePort(),
    backgroundNice: testBackgroundNice };
  const blocker = createServer();
  portBlocker = blocker;
  await new Promise<void>((resolve) => blocker.listen({ port: config.embeddedPostgresPort, host: '127.0.0.1' }, resolve));
  database = await openDatabase(config);
  const embeddedAdmin = new URL(database.url);
  embeddedAdmin.pathname = '/postgres';
  server.adminUrl = realServices ? (process.env['DATABASE_URL'] ?? defaultTestAdminUrl) : embeddedAdmin.toString();
});

after(async () => {
  await database?.close();
  await new Promise<void>((resolve) => (portBlocker === undefined ? resolve() : portBlocker.close(() => resolve())));
  rmSync(dataDirectory, { recursive: true, force: true });
});

describe('openDatabase (embedded)', () => {
  test('serves the parite database with int8 as bigint', async () => {
    assert.ok(database);
    assert.equal(database.embedded, true);
    const rows = await database.sql<{ name: string; big: bigint; count: bigint }[]>`
      select current_database() as name, 9007199254740993::int8 as big, count(*) as count from pg_class`;
    assert.equal(rows[0]?.name, 'parite');
    assert.equal(rows[0]?.big, 9007199254740993n);
    assert.equal(typeof rows[0]?.count, 'bigint');
    const echoed = await database.sql<{ value: bigint }[]>`select ${2n ** 62n}::int8 as value`;
    assert.equal(echoed[0]?.value, 2n ** 62n);
  });

  test('keeps its password in a file only the owner can read', () => {
    const mode = statSync(join(dataDirectory, embeddedPasswordFileName)).mode & 0o777;
    assert.equal(mode, 0o600);
    assert.ok(database);
    assert.match(database.url, /^postgres:\/\/postgres:[0-9a-f]{48}@127\.0\.0\.1:[0-9]+\/parite$/);
  });

  test('runs PostgreSQL at the background nice value: its backends inherit it', async () => {
    assert.ok(database);
    const rows = await database.sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
    const nice = Number(procStatFields(readFileSync(`/proc/${rows[0]?.pid}/stat`, 'utf8'))[ProcStatIndex.Nice]);
    assert.equal(nice, testBackgroundNice);
  });

  test('moves to a later port when the configured one is busy', () => {
    assert.ok(database);
    const port = Number(new URL(database.url).port);
    assert.ok(port > config.embeddedPostgresPort && port < config.embeddedPostgresPort + embeddedPortAttemptsMax);
  });
});

registerMigrationSuite(server);
registerAuditSuite(server);

describe('connectSql', () => {
  test('opens TCP connections without Nagle delay, through the next host of a list when one refuses', async () => {
    assert.ok(database);
    const url = new URL(database.url);
    const closedPort = await freePort();
    // The first host refuses (nothing listens there); postgres.js moves on to the next one.
    const sql = connectSql(`postgres://${url.username}:${url.password}@127.0.0.1:${closedPort},${url.host}${url.pathname}`,
      { poolSize: 1 });
    try {
      const [row] = await sql<{ answer: number }[]>`select 42 as answer`;
      assert.equal(row?.answer, 42);
    } finally {
      await sql.end({ timeout: 5 });
    }
    const sockets = noDelaySockets();
    const listener = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => listener.listen({ port: 0, host: '127.0.0.1' }, resolve));
    const port = (listener.address() as { port: number }).port;
    const targets = { host: ['127.0.0.1', '127.0.0.1'], port: [closedPort, port], path: false as const };
    const outcome = (socket: Socket) => new Promise<string>((resolve) => {
      socket.once('connect', () => resolve(`connected to ${socket.remotePort}`));
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    const opened = [sockets(targets), sockets(targets), sockets(targets)];
    assert.deepEqual(await Promise.all(opened.map(outcome)), ['ECONNREFUSED', `connected to ${port}`, 'ECONNREFUSED'],
      'each new connection takes the next host of the list');
    for (const socket of opened) socket.destroy();
    await new Promise<void>((resolve) => listener.close(() => resolve()));
  });

  test('opens a Unix socket when postgres.js names one (a socket directory as host), whatever the host list', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'parite-unix-socket-'));
    const path = join(directory, '.s.PGSQL.5432');
    const listener = createServer((socket) => socket.end('unix'));
    try {
      await new Promise<void>((resolve) => listener.listen(path, resolve));
      const socket = noDelaySockets()({ host: ['127.0.0.1'], port: [await freePort()], path });
      const received = await new Promise<string>((resolve, reject) => {
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
        socket.once('end', () => resolve(text));
        socket.once('error', reject);
      });
      assert.equal(received, 'unix', 'connected to the socket file, not to the (closed) TCP port');
      socket.destroy();
    } finally {
      await new Promise<void>((resolve) => listener.close(() => resolve()));
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('openDatabase (embedded restart)', () => {
  test('reopens the existing cluster with its data after close', async () => {
    assert.ok(database);
    await database.sql`create table survives_restart (value text)`;
    await database.sql`insert into survives_restart values ('kept')`;
    await database.close();
    await database.close(); // idempotent
    database = await openDatabase(config);
    const rows = await database.sql<{ value: string }[]>`select value from survives_restart`;
    assert.deepEqual(rows.map((row) => row.value), ['kept']);
  });
});
