import pg from 'pg';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@skein/testing';
import type { StoredEnvelope } from '@skein/events';
import { testEvent } from '../../events/src/testing/event-log.features';
import { Core1763700000000 } from '../../store/src/migrations/1763700000000-core';
import { ConfigEventsNotify1763700001000 } from '../src/migrations/1763700001000-config-events-notify';

/**
 * A pool for tests. pg-pool's end() resolves before its clients' sockets are closed, so the FORCE drop of
 * the test database can hit a client that is already ending and has no error listener any more: that
 * error would surface as an unhandled 'error' event. Such late errors are expected here and swallowed.
 */
export function testPool(url: string, max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('connect', (c) => c.on('error', () => {}));
  pool.on('error', () => {});
  return pool;
}

/** Applies the core schema and the bus migration to the database at `url`. */
export async function migrate(url: string): Promise<void> {
  const ds = new DataSource({
    type: 'postgres',
    url,
    migrations: [Core1763700000000, ConfigEventsNotify1763700001000],
    logging: false,
  });
  await ds.initialize();
  try {
    await ds.runMigrations();
  } finally {
    await ds.destroy();
  }
}

/** A fresh database with the core schema and the bus migration applied. */
export async function migratedDatabase(prefix = 'skein_bus'): Promise<TestDatabase> {
  const db = await createTestDatabase(prefix);
  await migrate(db.url);
  return db;
}

/** A test event as a writer stores it: without the fields the database assigns. */
export function envelope(n: number): StoredEnvelope {
  const { seq: _seq, ts: _ts, tx_id: _txId, ...stored } = testEvent(n);
  return stored;
}

let counter = 0;

/**
 * Inserts `count` events the way the API writer does (seq from nextval inside the INSERT), on a client
 * whose transaction the caller controls. Like the writer, which writes an object row first, it makes
 * sure the transaction has an xid before allocating seqs.
 */
export async function insertEvents(c: pg.ClientBase, count: number): Promise<number[]> {
  const envs = Array.from({ length: count }, () => envelope(++counter));
  await c.query('SELECT pg_current_xact_id()');
  const { rows } = await c.query(
    `INSERT INTO config_events (seq, oper, type, uuid, envelope)
     SELECT nextval('config_events_seq'), e->>'oper', e->>'type', (e->>'uuid')::uuid, e
       FROM (SELECT e FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS a(e, n) ORDER BY n) s
     RETURNING seq`,
    [JSON.stringify(envs)],
  );
  return rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
}

/** Commits `count` events in one transaction. */
export async function appendEvents(pool: pg.Pool, count: number): Promise<number[]> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const seqs = await insertEvents(c, count);
    await c.query('COMMIT');
    return seqs;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}

/** Allocates `count` seqs in a transaction that rolls back: permanent holes. */
export async function rollbackEvents(pool: pg.Pool, count: number): Promise<number[]> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const seqs = await insertEvents(c, count);
    await c.query('ROLLBACK');
    return seqs;
  } finally {
    c.release();
  }
}

/** A client with an open transaction, for late-commit scenarios. */
export async function openTx(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('BEGIN');
  return c;
}
