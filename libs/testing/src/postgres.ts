import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { Client } from 'pg';

/** The server the project machines run; tests may point elsewhere with SKEIN_TEST_PG_URL. */
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

/**
 * Makes sure the machine's Postgres answers, starting the Debian cluster with pg_ctlcluster when it is
 * down. Fails loudly (never skips) when no server can be had.
 */
export async function ensurePostgres(url = ADMIN_URL): Promise<void> {
  if (await canConnect(url)) return;
  const etc = '/etc/postgresql';
  if (existsSync(etc)) {
    for (const version of readdirSync(etc)) {
      try {
        execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'pipe' });
      } catch {
        // already running or another version; the connect below decides
      }
    }
  }
  for (let i = 0; i < 30; i++) {
    if (await canConnect(url)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`Postgres is not reachable at ${url} and could not be started with pg_ctlcluster`);
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
