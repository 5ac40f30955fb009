/**
 * The Postgres tail across a database outage (issue 7 item 4): a subscription that meets a dropped connection
 * or a stopped server waits and reads on from its cursor, so every event is delivered once and in order after
 * Postgres is back. It used to end the subscription on the first failed read. Runs on a cluster of its own
 * because it stops Postgres.
 */
import pg from 'pg';
import { startPostgresCluster, type PostgresCluster } from '@skein/testing';
import { appendEvents, migrate, testPool } from '../../test/db';
import { isConnectionError } from './connection-errors';
import { PgTailEventLog } from './tail-event-log';

async function until(cond: () => boolean, what: string, ms = 30_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('PgTailEventLog across a Postgres outage', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgresCluster();
    await migrate(cluster.url);
  }, 60_000);
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('keeps delivering every event once, in order, through terminated backends and a stop/start of the server', async () => {
    const errors: Error[] = [];
    const log = new PgTailEventLog({
      connection: cluster.url,
      pollIntervalMs: 100,
      onError: (e) => errors.push(e),
    });
    const seen: number[] = [];
    const sub = log.subscribe(0, async (batch) => void seen.push(...batch.map((e) => e.seq)));
    let ended: unknown = 'running';
    sub.done.then(
      () => (ended = 'ended'),
      (e) => (ended = e),
    );
    // The writer is the test's, not the code under test: each phase gets fresh connections, since an idle
    // pooled one may have been terminated before the pool noticed.
    const append = async (n: number) => {
      const writer = testPool(cluster.url, 2);
      try {
        return await appendEvents(writer, n);
      } finally {
        await writer.end();
      }
    };
    const appended: number[] = [];
    try {
      appended.push(...(await append(20)));
      await until(() => seen.length === 20, 'the first 20 events');

      const admin = new pg.Client({ connectionString: cluster.url });
      await admin.connect();
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      await admin.end();
      appended.push(...(await append(20)));
      await until(() => seen.length === 40, 'the events after the backends were terminated');

      // Down until a read has failed (the 100 ms poll keeps reading).
      await cluster.stop();
      await until(() => errors.some(isConnectionError), 'a failed read while Postgres is down');
      await cluster.start();
      appended.push(...(await append(20)));
      await until(() => seen.length >= 60, 'the events after the restart');

      expect(ended).toBe('running');
      expect(seen).toEqual(appended);
    } finally {
      await sub.stop();
      await log.close();
    }
  }, 90_000);
});
