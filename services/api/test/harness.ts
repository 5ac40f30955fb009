import pino from 'pino';
import { PgTailEventLog } from '@skein/bus';
import { Db } from '@skein/store';
import { createTestDatabase, type TestDatabase } from '@skein/testing';
import { API_MIGRATIONS, startApiServer, type ApiServer, type ApiServerOptions } from '../src';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export type Http = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Reply>;

export function httpClient(base: string, defaults: Record<string, string> = {}): Http {
  return async (method, path, body, headers = {}) => {
    const h: Record<string, string> = { ...defaults, ...headers };
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await fetch(base + path, { method, headers: h, body: payload });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
}

export interface TestApi {
  base: string;
  http: Http;
  server: ApiServer;
  db: Db;
  tdb: TestDatabase;
  events: PgTailEventLog;
  /** Head of the event log, as the API reports it. */
  head(): Promise<number>;
  /** Number of events in the log: "nothing written" means this did not move. */
  eventCount(): Promise<number>;
  close(): Promise<void>;
}

/** A config API on a fresh database, listening on a random loopback port. */
export async function startTestApi(
  opts: Partial<ApiServerOptions> = {},
  tdbIn?: TestDatabase,
): Promise<TestApi> {
  const tdb = tdbIn ?? (await createTestDatabase());
  const db = await Db.open({ url: tdb.url, migrations: API_MIGRATIONS, poolSize: 8 });
  const events = new PgTailEventLog({ connection: tdb.url });
  const server = await startApiServer({
    db,
    events,
    port: 0,
    logger: pino({ level: process.env.SKEIN_LOG_LEVEL ?? 'silent' }),
    ...opts,
  });
  const base = `http://127.0.0.1:${server.port}`;
  return {
    base,
    http: httpClient(base),
    server,
    db,
    tdb,
    events,
    head: () => server.svc.head(),
    async eventCount() {
      const { rows } = await db.query('SELECT count(*)::int AS n FROM config_events');
      return rows[0].n;
    },
    async close() {
      await server.close();
      await events.close();
      await db.close();
      if (!tdbIn) await tdb.drop();
    },
  };
}
