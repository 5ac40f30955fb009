/** Spec helpers: a fresh database with IPAM_DDL applied, and transactions on pooled connections. */
import { randomUUID } from 'node:crypto';
import { Client, Pool, PoolClient } from 'pg';
import { ADMIN_URL, createTestDatabase, TestDatabase } from '@skein/testing';
import { IPAM_DDL } from '../sql';
import type { SubnetOwner } from '../allocator';

export interface IpamTestDb {
  db: TestDatabase;
  pool: Pool;
  close(): Promise<void>;
}

export async function openIpamDb(max = 4): Promise<IpamTestDb> {
  const db = await createTestDatabase('skein_ipam');
  const pool = new Pool({ connectionString: db.url, max });
  await pool.query(IPAM_DDL);
  return {
    db,
    pool,
    async close() {
      await pool.end();
      // pool.end() does not wait for the server backends to exit; a forced DROP DATABASE that catches one
      // makes pg emit an error on a client nobody listens to any more.
      const admin = new Client({ connectionString: ADMIN_URL });
      await admin.connect();
      try {
        for (let i = 0; i < 100; i++) {
          const r = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [
            db.name,
          ]);
          if (r.rows[0].n === 0) break;
          await new Promise((res) => setTimeout(res, 50));
        }
      } finally {
        await admin.end();
      }
      await db.drop();
    },
  };
}

/** Runs fn in a transaction that commits, or rolls back and rethrows. */
export async function inTx<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (e) {
    await c.query('ROLLBACK');
    throw e;
  } finally {
    c.release();
  }
}

/** Runs fn in a transaction that always rolls back. */
export async function rolledBack<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    return await fn(c);
  } finally {
    await c.query('ROLLBACK');
    c.release();
  }
}

export function vnOwner(name: string): SubnetOwner {
  return {
    kind: 'virtual-network',
    uuid: randomUUID(),
    label: `Virtual-Network(['default-domain', 'p', '${name}'])`,
  };
}

export function ipamOwner(name: string): SubnetOwner {
  return {
    kind: 'network-ipam',
    uuid: randomUUID(),
    label: `Virtual-Network(['default-domain', 'p', '${name}'])`,
  };
}
