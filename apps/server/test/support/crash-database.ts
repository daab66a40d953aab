// The crash test reads the projections straight from the server's database: the embedded cluster
// in the data directory (its port is in postmaster.pid, its password in the data directory), or the
// external test database when DATABASE_URL is set.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { connectSql, type Sql } from '@parite/platform';

/** How long the projector may take to catch up with the engine after a restart. */
const projectedWaitMsMax = 30_000;

export function connectServerDatabase(dataDirectory: string, externalUrl: string | undefined): Sql {
  if (externalUrl !== undefined) return connectSql(externalUrl, { poolSize: 2, applicationName: 'parite-crash-test' });
  // postmaster.pid, line 4: the port the running cluster listens on (embedded PostgreSQL may have
  // moved to a later port when the first one was busy).
  const lines = readFileSync(join(dataDirectory, 'postgres', 'postmaster.pid'), 'utf8').split('\n');
  const port = Number(lines[3]);
  const password = readFileSync(join(dataDirectory, 'postgres-password'), 'utf8').trim();
  return connectSql(`postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/parite`,
    { poolSize: 2, applicationName: 'parite-crash-test' });
}

/** Internal owner ids (the engine's ownerId) by e-mail. */
export async function ownerIdsByEmail(sql: Sql): Promise<Map<string, number>> {
  const rows = await sql<{ id: bigint; email: string }[]>`select id, email from identity_users`;
  return new Map(rows.map((row) => [row.email, Number(row.id)]));
}

export async function projectionCheckpoint(sql: Sql): Promise<bigint> {
  const rows = await sql<{ sequence: bigint }[]>`select sequence from projection_checkpoints where name = 'exchange'`;
  return rows[0]?.sequence ?? 0n;
}

export async function waitProjected(sql: Sql, sequence: bigint): Promise<void> {
  const deadline = Date.now() + projectedWaitMsMax;
  for (;;) {
    const checkpoint = await projectionCheckpoint(sql);
    if (checkpoint >= sequence) return;
    if (Date.now() > deadline) throw new Error(`projections stuck at ${checkpoint}, engine at ${sequence}`);
    await delay(50);
  }
}

export interface OrderRow {
  orderId: number;
  clientOrderId: string;
  ownerId: number;
  status: string;
  filledLots: number;
  remainingLots: number;
  lotSizeUnits: bigint;
}

export interface BalanceRow {
  ownerId: number;
  assetId: number;
  balanceUnits: bigint;
  heldUnits: bigint;
}

/** The projections at one checkpoint: read in one repeatable-read transaction while the projector runs. */
export interface ProjectionView {
  checkpoint: bigint;
  orders: Map<number, OrderRow>;
  balances: BalanceRow[];
  /** Sum of balance_units per asset id, computed by the database. */
  sums: Map<number, bigint>;
}

export async function readProjection(sql: Sql): Promise<ProjectionView> {
  return await sql.begin('isolation level repeatable read read only', async (transaction) => {
    const checkpoints = await transaction<{ sequence: bigint }[]>`
      select sequence from projection_checkpoints where name = 'exchange'`;
    const orders = await transaction<{ order_id: bigint; client_order_id: string; owner_id: bigint; status: string;
      filled_lots: bigint; remaining_lots: bigint; lot_size_units: bigint }[]>`
      select order_id, client_order_id, owner_id, status, filled_lots, remaining_lots, lot_size_units from orders`;
    const balances = await transaction<{ owner_id: bigint; asset_id: number; balance_units: bigint;
      held_units: bigint }[]>`select owner_id, asset_id, balance_units, held_units from balances`;
    const sums = await transaction<{ asset_id: number; total: string }[]>`
      select asset_id, sum(balance_units)::text as total from balances group by asset_id`;
    return {
      checkpoint: checkpoints[0]?.sequence ?? 0n,
      orders: new Map(orders.map((row) => [Number(row.order_id), {
        orderId: Number(row.order_id), clientOrderId: row.client_order_id, ownerId: Number(row.owner_id),
        status: row.status, filledLots: Number(row.filled_lots), remainingLots: Number(row.remaining_lots),
        lotSizeUnits: row.lot_size_units,
      }])),
      balances: balances.map((row) => ({ ownerId: Number(row.owner_id), assetId: row.asset_id,
        balanceUnits: row.balance_units, heldUnits: row.held_units })),
      sums: new Map(sums.map((row) => [row.asset_id, BigInt(row.total)])),
    };
  });
}
