/**
 * Numbers for the lead's benchmark, printed rather than asserted tightly (the machines are shared):
 * relay throughput, and the lag from a writer's COMMIT returning to a consumer's handler receiving the
 * event, through Kafka (relay + KafkaEventLog) and through the Postgres tail alone.
 */
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { Kafka } from 'kafkajs';
import type { EventLog } from '@skein/events';
import { type TestDatabase, testKafka, uniqueTopicName } from '@skein/testing';
import { appendEvents, migratedDatabase, testPool } from '../test/db';
import { KafkaEventLog } from './kafka/event-log';
import { PgTailEventLog } from './pg/tail-event-log';
import { Relay } from './relay';

let db: TestDatabase;
let pool: pg.Pool;
let kafka: Kafka;

beforeAll(async () => {
  db = await migratedDatabase();
  pool = testPool(db.url, 4);
  kafka = testKafka('relay-measure');
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Commits one event every `intervalMs` for `count` events; returns each seq's commit time. */
async function stream(count: number, intervalMs: number): Promise<Map<number, number>> {
  const committedAt = new Map<number, number>();
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const [seq] = await appendEvents(pool, 1);
    committedAt.set(seq, performance.now());
    const next = start + (i + 1) * intervalMs;
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return committedAt;
}

async function measureLag(log: EventLog, count: number, intervalMs: number) {
  const receivedAt = new Map<number, number>();
  const sub = log.subscribe(await log.headSeq(), async (batch) => {
    const now = performance.now();
    for (const e of batch) receivedAt.set(e.seq, now);
  });
  // Let the subscription settle (group join, first fetch) before timing anything.
  await new Promise((r) => setTimeout(r, 500));
  const committedAt = await stream(count, intervalMs);
  const deadline = Date.now() + 10_000;
  while (receivedAt.size < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await sub.stop();
  expect(receivedAt.size).toBe(count);
  const lags = [...committedAt].map(([seq, t]) => receivedAt.get(seq)! - t).sort((a, b) => a - b);
  return { p50: percentile(lags, 50), p99: percentile(lags, 99), max: lags[lags.length - 1], committedAt };
}

const fmt = (x: { p50: number; p99: number; max: number }) =>
  `p50 ${x.p50.toFixed(1)} ms, p99 ${x.p99.toFixed(1)} ms, max ${x.max.toFixed(1)} ms`;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('relay throughput on a backlog of 10,000 events', async () => {
  await pool.query(`TRUNCATE config_events`);
  let last = 0;
  for (let i = 0; i < 10; i++) last = (await appendEvents(pool, 1000))[999];
  const topic = uniqueTopicName('config.events');
  const relay = new Relay({ connection: db.url, kafka, topic });
  cleanups.push(() => relay.stop());
  const t0 = performance.now();
  await relay.start();
  await relay.waitForSeq(last, 60_000);
  const ms = performance.now() - t0;
  console.log(
    `relay throughput: 10,000 events (~${Math.round((await pool.query(`SELECT avg(pg_column_size(envelope)) AS b FROM config_events`)).rows[0].b)} B envelopes) ` +
      `in ${ms.toFixed(0)} ms including startup = ${Math.round(10_000 / (ms / 1000))} events/s`,
  );
});

it('commit -> consumer lag at 200 events/s', async () => {
  const topic = uniqueTopicName('config.events');
  const publishedAt = new Map<number, number>();
  const sendMs: number[] = [];
  const relay = new Relay({
    connection: db.url,
    kafka,
    topic,
    onPublished: ({ lastSeq, ms }) => {
      publishedAt.set(lastSeq, performance.now());
      sendMs.push(ms);
    },
  });
  cleanups.push(() => relay.stop());
  await relay.start();
  // Past the backlog the previous test left, so only the live stream is timed.
  const head = Number((await pool.query(`SELECT coalesce(max(seq), 0) AS s FROM config_events`)).rows[0].s);
  await relay.waitForSeq(head, 60_000);
  const kafkaLog = new KafkaEventLog({ kafka, topic });
  cleanups.push(() => kafkaLog.close());
  sendMs.length = 0;
  const viaKafka = await measureLag(kafkaLog, 600, 5);
  const toPublished = [...viaKafka.committedAt]
    .filter(([seq]) => publishedAt.has(seq))
    .map(([seq, t]) => publishedAt.get(seq)! - t)
    .sort((a, b) => a - b);
  const relayPart = {
    p50: percentile(toPublished, 50),
    p99: percentile(toPublished, 99),
    max: toPublished[toPublished.length - 1],
  };
  sendMs.sort((a, b) => a - b);
  const sendPart = {
    p50: percentile(sendMs, 50),
    p99: percentile(sendMs, 99),
    max: sendMs[sendMs.length - 1],
  };

  const pgLog = new PgTailEventLog({ connection: db.url });
  cleanups.push(() => pgLog.close());
  const viaPg = await measureLag(pgLog, 600, 5);

  console.log(
    `commit -> handler lag, 600 events at 200/s:\n  via relay + Kafka: ${fmt(viaKafka)}\n` +
      `    of which commit -> relay's produce acknowledged: ${fmt(relayPart)}\n` +
      `    of which the produce request alone: ${fmt(sendPart)}\n` +
      `  via Postgres tail: ${fmt(viaPg)}`,
  );
  // Loose bounds: the 50 ms p99 target is the benchmark's to judge on a quiet machine.
  expect(viaKafka.p50).toBeLessThan(250);
  expect(viaPg.p50).toBeLessThan(250);
});
