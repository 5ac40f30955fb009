import pg from 'pg';
import type { Kafka } from 'kafkajs';
import { type TestDatabase, testKafka, uniqueTopicName } from '@skein/testing';
import { appendEvents, testPool, migratedDatabase, rollbackEvents } from '../test/db';
import { readRawSeqs } from '../test/kafka';
import { KafkaEventLog } from './kafka/event-log';
import { Relay } from './relay';

let db: TestDatabase;
let pool: pg.Pool;
let kafka: Kafka;

beforeAll(async () => {
  db = await migratedDatabase();
  pool = testPool(db.url, 6);
  kafka = testKafka('relay-spec');
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});
beforeEach(async () => {
  await pool.query(`TRUNCATE config_events; ALTER SEQUENCE config_events_seq RESTART`);
});

const committedSeqs = async () =>
  (await pool.query(`SELECT seq FROM config_events ORDER BY seq`)).rows.map((r) => Number(r.seq));
const strictlyIncreasing = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]);

describe('Relay', () => {
  it('publishes committed events in seq order, creating the topic, and resumes after a restart', async () => {
    const topic = uniqueTopicName('config.events');
    const a = await appendEvents(pool, 5);
    await rollbackEvents(pool, 2);
    const relay = new Relay({ connection: db.url, kafka, topic });
    await relay.start();
    const b = await appendEvents(pool, 3);
    await relay.waitForSeq(b[2]);
    await relay.stop();

    const c = await appendEvents(pool, 4);
    const again = new Relay({ connection: db.url, kafka, topic });
    await again.start();
    await again.waitForSeq(c[3]);
    expect(again.status).toMatchObject({ leader: true, lastSeq: c[3], published: 4 });
    await again.stop();

    const raw = await readRawSeqs(kafka, topic);
    expect(raw).toEqual([...a, ...b, ...c]);

    const log = new KafkaEventLog({ kafka, topic });
    const got: unknown[] = [];
    const sub = log.subscribe(0, async (batch) => void got.push(...batch));
    while (got.length < 12) await new Promise((r) => setTimeout(r, 20));
    await sub.stop();
    await log.close();
    const first = got[0] as Record<string, unknown>;
    expect(first).toMatchObject({ seq: a[0], oper: 'CREATE', type: 'virtual-network', actor: 'test' });
    expect(first.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(first.tx_id).toMatch(/^\d+$/);
  });

  it('runs one relay at a time: a standby takes over when the leader stops', async () => {
    const topic = uniqueTopicName('config.events');
    const r1 = new Relay({ connection: db.url, kafka, topic });
    const r2 = new Relay({ connection: db.url, kafka, topic });
    await r1.start();
    const a = await appendEvents(pool, 10);
    await r1.waitForSeq(a[9]);
    await r2.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(r1.status.leader).toBe(true);
    expect(r2.status.leader).toBe(false);
    const b = await appendEvents(pool, 10);
    await r1.stop();
    const c = await appendEvents(pool, 10);
    await r2.waitForSeq(c[9], 10_000);
    expect(r2.status.leader).toBe(true);
    await r2.stop();
    expect(await readRawSeqs(kafka, topic)).toEqual([...a, ...b, ...c]);
  });

  it('keeps seq order while many writers commit out of order', async () => {
    const topic = uniqueTopicName('config.events');
    const relay = new Relay({ connection: db.url, kafka, topic, batchSize: 50 });
    await relay.start();
    // 4 concurrent writers, some rolling back: seqs commit out of order and leave holes.
    await Promise.all(
      Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; i < 50; i++) {
          if ((i + w) % 9 === 0) await rollbackEvents(pool, 2);
          else await appendEvents(pool, 1 + (i % 3));
        }
      }),
    );
    const all = await committedSeqs();
    await relay.waitForSeq(all[all.length - 1], 20_000);
    await relay.stop();
    const raw = await readRawSeqs(kafka, topic);
    expect(strictlyIncreasing(raw)).toBe(true);
    expect(raw).toEqual(all);
  });
});
