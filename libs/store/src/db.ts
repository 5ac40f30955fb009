import { createHash } from 'node:crypto';
import { DataSource, type MigrationInterface } from 'typeorm';
import type { Pool, PoolClient } from 'pg';
import { Core1763700000000 } from './migrations/1763700000000-core';
import { Ipam1763700000500 } from './migrations/1763700000500-ipam';
import { IpamUnpark1765100000000 } from './migrations/1765100000000-ipam-unpark';

/** What the write path and the allocators need from a connection: pg's client satisfies it. */
export interface SqlClient {
  query<R = any>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
  /**
   * Inside `Db.tx` only: runs the transaction's last statement and COMMIT in one round trip. The
   * transaction is over when it resolves (a failed statement makes the COMMIT a rollback).
   */
  queryAndCommit?<R = any>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

export interface DbOptions {
  url: string;
  /** Connections in the pool; PGlite serves one connection, so all-in-one on PGlite uses 1. */
  poolSize?: number;
  /** Extra TypeORM migrations registered by other libs (run after the core ones, in order). */
  migrations?: (new () => MigrationInterface)[];
  applicationName?: string;
  /** pg pipelining (default on); PGlite's socket serves one request at a time, so it turns it off. */
  pipeline?: boolean;
  /**
   * Named prepared statements (default on). Off for PGlite: its socket server multiplexes every connection
   * onto one backend session, so statements a closed connection prepared outlive it and the next connection's
   * first Parse of the same name fails with "prepared statement … already exists" (pg-pool drops a
   * connection after any failed `pool.query`, so one bad request poisoned the store until restart).
   */
  namedStatements?: boolean;
  /** Told about connection-level failures (the server ended a session); the pool replaces the connection. */
  onConnectionError?: (e: Error) => void;
}

/**
 * Named prepared statements for every query text: Postgres then parses and plans each distinct statement
 * once per connection instead of on every call (the write path's set-based statements are large). The
 * number of distinct texts is bounded (queries are built from a fixed set of fragments); the cap is a guard.
 */
const MAX_PREPARED = 2000;
const names = new Map<string, string>();
function prepared(
  text: string,
  values: unknown[] | undefined,
  named: boolean,
): { name?: string; text: string; values?: any[] } {
  // Parameterless texts may hold several statements (DDL, maintenance), which only the simple protocol runs.
  if (!values?.length) return { text };
  if (!named) return { text, values: values as any[] };
  let name = names.get(text);
  if (!name && names.size < MAX_PREPARED) {
    name = `sk${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    names.set(text, name);
  }
  return { name, text, values: values as any[] };
}

const guarded = new WeakSet<object>();

/**
 * pg-pool listens for errors only on idle clients; a client checked out when the server ends its session
 * (pg_terminate_backend, a restart: FATAL 57P01) emits 'error' with no listener, which killed the process.
 * Every client gets a listener the first time it is checked out: the query in flight fails (the caller
 * answers 503), and pg-pool drops the dead client on release and connects a new one for the next caller.
 */
function guardClients(pool: Pool, onError: (e: Error) => void = () => undefined): void {
  pool.on('error', onError);
  pool.on('acquire', (client) => {
    if (guarded.has(client)) return;
    guarded.add(client);
    client.on('error', onError);
  });
}

/**
 * The store handle. TypeORM owns the connection pool and the migrations; the hot path talks to pg
 * directly through the same pool, because a control-plane write is a handful of set-based statements
 * and the ORM's entity layer would only add allocations per row.
 */
export class Db {
  private constructor(
    readonly dataSource: DataSource,
    /** The pg pool behind it, for a reader that must share its connections (PGlite serves one). */
    readonly pool: Pool,
    private readonly pipelined: boolean,
    private readonly named: boolean,
  ) {}

  static async open(opts: DbOptions): Promise<Db> {
    const ds = new DataSource({
      type: 'postgres',
      url: opts.url,
      migrations: [Core1763700000000, Ipam1763700000500, IpamUnpark1765100000000, ...(opts.migrations ?? [])],
      migrationsTableName: 'skein_migrations',
      migrationsTransactionMode: 'each',
      poolSize: opts.poolSize ?? 16,
      applicationName: opts.applicationName ?? 'skein',
      logging: false,
      extra: { connectionTimeoutMillis: 5000, pipeline: opts.pipeline !== false },
    });
    await ds.initialize();
    await ds.runMigrations();
    const pool = (ds.driver as any).master as Pool;
    guardClients(pool, opts.onConnectionError);
    return new Db(ds, pool, opts.pipeline !== false, opts.namedStatements !== false);
  }

  query<R = any>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }> {
    return this.pool.query(prepared(text, values, this.named)) as any;
  }

  /**
   * Runs fn in one transaction; rolls back on any error and rethrows it.
   *
   * On these machines a socket write costs more than a small statement, so the connection is pipelined and
   * corked per tick: BEGIN travels with the transaction's first statement, COMMIT with its last (see
   * `queryAndCommit`), and statements issued together (several requests sharing a batch transaction) leave in
   * one write.
   */
  async tx<T>(fn: (c: SqlClient) => Promise<T>, isolation?: 'REPEATABLE READ' | 'SERIALIZABLE'): Promise<T> {
    const client: PoolClient = await this.pool.connect();
    const begin = isolation ? `BEGIN ISOLATION LEVEL ${isolation}` : 'BEGIN';
    const stream = this.pipelined ? (client as any).connection?.stream : undefined;
    let corked = false;
    const send = <R>(text: string, values?: unknown[]): Promise<R> => {
      if (stream && !corked) {
        corked = true;
        stream.cork();
        process.nextTick(() => {
          corked = false;
          stream.uncork();
        });
      }
      return client.query(prepared(text, values, this.named)) as Promise<R>;
    };
    let began: Promise<unknown> | undefined;
    let finished = false;
    const c: SqlClient = {
      query: async (text, values) => {
        began ??= send(begin);
        const [, r] = await Promise.all([began, send<any>(text, values)]);
        return r;
      },
      queryAndCommit: async (text, values) => {
        began ??= send(begin);
        finished = true;
        const [, r] = await Promise.all([began, send<any>(text, values), send('COMMIT')]);
        return r;
      },
    };
    try {
      const result = await fn(c);
      if (began && !finished) await client.query('COMMIT');
      return result;
    } catch (e) {
      if (began) await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  /** A dedicated connection (LISTEN, long reads). */
  connect(): Promise<PoolClient> {
    return this.pool.connect();
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
