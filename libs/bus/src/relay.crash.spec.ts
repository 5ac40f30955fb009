/**
 * Done means: a burst of 10,000 committed events, the relay running as its own process is SIGKILLed in
 * the middle (twice) and restarted; a Kafka consumer of the topic then sees every seq exactly once after
 * dedupe, in seq order, with no gap, and the raw topic is sorted with duplicates only as same-seq repeats.
 *
 * The relay child runs from the TypeScript sources through bin/relay-dev.js (swc on require), so this
 * needs no build step from a clean checkout.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import type { Kafka } from 'kafkajs';
import { type TestDatabase, kafkaBrokers, testKafka, uniqueTopicName } from '@skein/testing';
import { appendEvents, testPool, migratedDatabase } from '../test/db';
import { partitionOffsetsFor, readRawSeqs } from '../test/kafka';
import { KafkaEventLog } from './kafka/event-log';

const RELAY = path.join(__dirname, '../bin/relay-dev.js');
const TOTAL = 10_000;
const WRITERS = 4;
const PER_TX = 10;

let db: TestDatabase;
let pool: pg.Pool;
let kafka: Kafka;

beforeAll(async () => {
  db = await migratedDatabase();
  pool = testPool(db.url, WRITERS + 2);
  kafka = testKafka('relay-crash-spec');
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

function startRelay(topic: string): ChildProcess & { log: string[] } {
  const child = spawn(process.execPath, [RELAY], {
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      SKEIN_RELAY_TOPIC: topic,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  }) as ChildProcess & { log: string[] };
  child.log = [];
  child.stderr!.on('data', (d) => child.log.push(String(d)));
  return child;
}

function exited(child: ChildProcess): Promise<NodeJS.Signals | number | null> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve(child.signalCode ?? child.exitCode);
  return new Promise((r) => child.once('exit', (code, sig) => r(sig ?? code)));
}

async function waitForHigh(topic: string, atLeast: number, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { high } = await partitionOffsetsFor(kafka, topic).catch(() => ({ high: 0 }));
    if (high >= atLeast) return high;
    if (Date.now() > deadline) throw new Error(`topic ${topic} reached ${high} of ${atLeast} messages`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

it('SIGKILL of the relay process mid-burst leaves no gap, no reordering, no foreign duplicates', async () => {
  const topic = uniqueTopicName('config.events');
  let relay = startRelay(topic);
  const t0 = Date.now();

  // The burst: concurrent writers, so seqs commit out of order while the relay publishes.
  let written = 0;
  const writers = Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (written < TOTAL) {
        written += PER_TX;
        await appendEvents(pool, PER_TX);
      }
    }),
  );

  const kills: { at: number; written: number }[] = [];
  for (const threshold of [2_500, 6_000]) {
    await waitForHigh(topic, threshold);
    relay.kill('SIGKILL');
    expect(await exited(relay)).toBe('SIGKILL');
    kills.push({ at: (await partitionOffsetsFor(kafka, topic)).high, written });
    relay = startRelay(topic);
  }
  await writers;
  const committed = (await pool.query(`SELECT seq FROM config_events ORDER BY seq`)).rows.map((r) =>
    Number(r.seq),
  );
  expect(committed).toHaveLength(TOTAL);
  const last = committed[committed.length - 1];

  // Done when the last committed seq is in the topic.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const raw = await readRawSeqs(kafka, topic);
    if (raw.length && raw[raw.length - 1] === last) break;
    if (Date.now() > deadline)
      throw new Error(`relay never published seq ${last}; log:\n${relay.log.join('')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const elapsed = Date.now() - t0;
  relay.kill('SIGTERM');
  expect(await exited(relay)).toBe(0);

  // The raw topic: sorted; a seq may repeat (at-least-once) but never out of place.
  const raw = await readRawSeqs(kafka, topic);
  const dupes = raw.length - new Set(raw).size;
  expect(raw.every((s, i) => i === 0 || s >= raw[i - 1])).toBe(true);
  expect([...new Set(raw)]).toEqual(committed);

  // And what a consumer sees through the log: every seq once, in order.
  const log = new KafkaEventLog({ kafka, topic });
  const seen: number[] = [];
  const sub = log.subscribe(0, async (batch) => void seen.push(...batch.map((e) => e.seq)));
  while (seen.length < TOTAL && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await sub.stop();
  await log.close();
  expect(seen).toEqual(committed);

  console.log(
    `relay crash test: ${TOTAL} events by ${WRITERS} writers, killed at topic sizes ` +
      `${kills.map((k) => `${k.at} (writers at ${k.written})`).join(', ')}; ` +
      `all published ${elapsed} ms after the burst started; duplicates in topic: ${dupes}`,
  );
});
