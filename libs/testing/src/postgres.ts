import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
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

const REPO = resolve(__dirname, '../../..');

function script(name: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((res, rej) =>
    execFile(
      join(REPO, 'scripts/postgres', name),
      args,
      { env: { ...process.env, ...env } },
      (err, stdout, stderr) =>
        err
          ? rej(new Error(`scripts/postgres/${name} ${args.join(' ')} failed: ${stderr || err.message}`))
          : res(stdout.trim()),
    ),
  );
}

/** Stops, starts or restarts the cluster serving `url` (one that scripts/postgres/start.sh made), keeping its data. */
export async function pgCtl(url: string, action: 'stop' | 'start' | 'restart'): Promise<void> {
  await script('ctl.sh', [url, action]);
}

export interface PostgresCluster {
  /** The admin URL (database `postgres`). */
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
}

/**
 * A cluster of the test's own (scripts/postgres/start.sh, about a second): for tests that stop Postgres, which
 * must not stop the run's shared cluster under other test files. A watchdog stops it if this process dies.
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const url = (await script('start.sh', [], { SKEIN_PG_OWNER_PID: String(process.pid) })).split('\n').pop()!;
  await ensurePostgres(url);
  return {
    url,
    stop: () => pgCtl(url, 'stop'),
    start: () => pgCtl(url, 'start'),
    destroy: () => script('stop.sh', [url]).then(() => undefined),
  };
}
