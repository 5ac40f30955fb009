import type pg from 'pg';
import type { Kafka } from 'kafkajs';
import type { ConfigEvent, EventLog } from '@skein/events';
import { type TestDatabase, testKafka, uniqueTopicName } from '@skein/testing';
import { appendEvents, migratedDatabase, rollbackEvents, testPool } from '../test/db';
import { runConsumer } from './consumer';
import { KafkaEventLog } from './kafka/event-log';
import { PgPositionStore } from './pg/position-store';
import { PgTailEventLog } from './pg/tail-event-log';
import { Relay } from './relay';

let db: TestDatabase;
let pool: pg.Pool;
let kafka: Kafka;

beforeAll(async () => {
  db = await migratedDatabase();
  pool = testPool(db.url, 4);
  kafka = testKafka('consumer-spec');
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

interface Carrier {
  log: EventLog;
  close(): Promise<void>;
}

const carriers: [string, () => Promise<Carrier>][] = [
  [
    'Postgres tail',
    async () => {
      const log = new PgTailEventLog({ connection: db.url });
      return { log, close: () => log.close() };
    },
  ],
  [
    'Kafka, fed by the relay',
    async () => {
      const topic = uniqueTopicName('config.events');
      const relay = new Relay({ connection: db.url, kafka, topic });
      await relay.start();
      const log = new KafkaEventLog({ kafka, topic });
      return {
        log,
        async close() {
          await log.close();
          await relay.stop();
        },
      };
    },
  ],
];

describe.each(carriers)('runConsumer over %s', (_name, makeCarrier) => {
  let carrier: Carrier;
  beforeEach(async () => {
    await pool.query(`TRUNCATE config_events, consumer_positions; ALTER SEQUENCE config_events_seq RESTART`);
    carrier = await makeCarrier();
  });
  afterEach(() => carrier.close());

  it('applies in order, commits, and resumes after a restart from the committed position', async () => {
    const positions = new PgPositionStore(pool);
    const applied: number[] = [];
    const handle = async (batch: ConfigEvent[]) => void applied.push(...batch.map((e) => e.seq));

    const a = await appendEvents(pool, 12);
    await rollbackEvents(pool, 1);
    const c1 = await runConsumer({ log: carrier.log, positions, name: 'schema', handle });
    await c1.waitFor(a[11]);
    await c1.stop();
    expect(applied).toEqual(a);
    expect((await positions.get('schema'))?.seq).toBe(a[11]);

    const b = await appendEvents(pool, 5);
    const c2 = await runConsumer({ log: carrier.log, positions, name: 'schema', handle });
    await c2.waitFor(b[4]);
    const c = await appendEvents(pool, 3);
    await c2.waitFor(c[2]);
    await c2.stop();
    expect(applied).toEqual([...a, ...b, ...c]);
    expect((await positions.get('schema'))?.seq).toBe(c[2]);
  });

  it('redelivers a batch whose handling failed, then carries on in order', async () => {
    const positions = new PgPositionStore(pool);
    const seen: number[] = [];
    const errors: Error[] = [];
    let failures = 1;
    const all = [...(await appendEvents(pool, 4)), ...(await appendEvents(pool, 4))];
    const consumer = await runConsumer({
      log: carrier.log,
      positions,
      name: 'svc-monitor',
      maxBatch: 3,
      retryDelayMs: 10,
      onError: (e) => errors.push(e),
      async handle(batch) {
        seen.push(...batch.map((e) => e.seq));
        if (batch.some((e) => e.seq === all[4]) && failures-- > 0) throw new Error('apply failed');
      },
    });
    await consumer.waitFor(all[7]);
    await consumer.stop();
    expect(errors.map((e) => e.message)).toEqual(['apply failed']);
    // At least once: the failed batch comes again; nothing is skipped or reordered.
    expect([...new Set(seen)]).toEqual(all);
    expect(seen.filter((s) => s === all[4])).toHaveLength(2);
    expect((await positions.get('svc-monitor'))?.seq).toBe(all[7]);
  });

  it('never hands over a seq at or below the committed position, and stop() lets the batch in hand finish', async () => {
    const positions = new PgPositionStore(pool);
    const a = await appendEvents(pool, 6);
    await positions.commit('kube-manager', a[2]);
    let inHand = false;
    const seen: number[] = [];
    const consumer = await runConsumer({
      log: carrier.log,
      positions,
      name: 'kube-manager',
      maxBatch: 1,
      async handle(batch) {
        inHand = true;
        await new Promise((r) => setTimeout(r, 50));
        seen.push(...batch.map((e) => e.seq));
        inHand = false;
      },
    });
    await consumer.waitFor(a[3]);
    await consumer.stop();
    expect(inHand).toBe(false);
    expect(seen[0]).toBe(a[3]);
    expect((await positions.get('kube-manager'))?.seq).toBe(seen[seen.length - 1]);
  });
});

describe('PgPositionStore', () => {
  it('moves forward on commit, never back; reset moves anywhere', async () => {
    const p = new PgPositionStore(pool);
    expect(await p.get('x')).toBeUndefined();
    await p.commit('x', 10);
    await p.commit('x', 7);
    expect(await p.get('x')).toMatchObject({ name: 'x', seq: 10 });
    await p.reset('x', 3);
    expect((await p.get('x'))?.seq).toBe(3);
    expect((await p.get('x'))?.updatedAt).toBeInstanceOf(Date);
  });
});
