import pg from 'pg';
import type { TestDatabase } from '@skein/testing';
import { eventLogFeatures } from '../../../events/src/testing/event-log.features';
import { appendEvents, testPool, migratedDatabase, rollbackEvents } from '../../test/db';
import { PgTailEventLog } from './tail-event-log';

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await migratedDatabase();
  pool = testPool(db.url, 4);
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

eventLogFeatures('Postgres config_events tail', {
  async setup() {
    await pool.query(`TRUNCATE config_events; ALTER SEQUENCE config_events_seq RESTART`);
    const log = new PgTailEventLog({ connection: db.url });
    return {
      log,
      append: (n) => appendEvents(pool, n),
      rollback: async (n) => void (await rollbackEvents(pool, n)),
      // config_events cannot hold a seq twice (primary key): nothing to repeat.
      teardown: () => log.close(),
    };
  },
});
