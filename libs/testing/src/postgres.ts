import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * The server tests use. `npm test` starts a throwaway cluster (scripts/postgres/start.sh, from Jest's
 * globalSetup) and passes its URL to the workers in SKEIN_TEST_PG_URL; set it yourself to use another server.
 */
export const ADMIN_URL = process.env.SKEIN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function canConnect(url: string): Promise<boolean> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/** Fails loudly (never skips) when the test server does not answer. */
export async function ensurePostgres(url = ADMIN_URL): Promise<void> {
  for (let i = 0; i < 10; i++) {
    if (await canConnect(url)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `Postgres is not reachable at ${url} (npm test starts one with scripts/postgres/start.sh; ` +
      'SKEIN_TEST_PG_URL points elsewhere)',
  );
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, empty database for one test file. */
export async function createTestDatabase(prefix = 'skein_test'): Promise<TestDatabase> {
  await ensurePostgres();
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    async drop() {
      const c = new Client({ connectionString: ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
