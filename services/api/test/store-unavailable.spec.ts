/**
 * Connection-class database failures are "unavailable, retry", not internal errors (issue 7 item 4): the gRPC
 * status for real failures from a real server. REST's 503 + Retry-After is exercised end to end by
 * tools/cli/src/chaos.spec.ts.
 */
import { status } from '@grpc/grpc-js';
import pg from 'pg';
import { isConnectionError } from '@skein/bus';
import { createTestDatabase, type TestDatabase } from '@skein/testing';
import { ERROR_CODE_TRAILER, toGrpcError } from '../src/grpc/status';

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

describe('store unavailable → gRPC UNAVAILABLE', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('skein_unavail');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('a terminated backend (57P01) and a refused connection are UNAVAILABLE with the UNAVAILABLE trailer; a bad statement stays INTERNAL', async () => {
    const victim = new pg.Client({ connectionString: db.url });
    victim.on('error', () => undefined);
    await victim.connect();
    const { rows } = await victim.query('SELECT pg_backend_pid() AS pid');
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    const terminated = failure(() => victim.query('SELECT pg_sleep(30)'));
    // Wait until the sleep runs, then end its session as an operator (or a failover) would.
    for (;;) {
      const r = await admin.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active'`, [
        rows[0].pid,
      ]);
      if (r.rowCount) break;
      await new Promise((x) => setTimeout(x, 20));
    }
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
    const e57 = await terminated;
    const syntax = await failure(() => admin.query('SELEC 1'));
    await admin.end();
    await victim.end().catch(() => undefined);
    const refused = await failure(() =>
      new pg.Client({ connectionString: 'postgres://nobody@127.0.0.1:1/none' }).connect(),
    );

    for (const e of [e57, refused]) {
      expect(isConnectionError(e)).toBe(true);
      const g = toGrpcError(e);
      expect(g.code).toBe(status.UNAVAILABLE);
      expect(g.metadata!.get(ERROR_CODE_TRAILER)).toEqual(['UNAVAILABLE']);
      expect(g.details).not.toMatch(/terminat|ECONNREFUSED|127\.0\.0\.1/);
    }
    expect(isConnectionError(syntax)).toBe(false);
    expect(toGrpcError(syntax).code).toBe(status.INTERNAL);
  });
});
