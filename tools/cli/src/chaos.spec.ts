/**
 * Chaos (issue 7): `skein api` (the built binary, with the relay to Kafka) under concurrent creates while
 * (a) its Postgres backends are terminated over and over, then Postgres is stopped and started, and (b) the
 * Kafka broker is stopped and started. What must hold:
 *  - no process exits;
 *  - every write answered 2xx is in the store and its CREATE event reaches the topic config.events;
 *  - a write that fails because the store is gone answers 503 with Retry-After, never 500;
 *  - RECOVERY_MS after the fault ends, writes succeed again without anyone's help.
 * Each scenario runs on a Postgres cluster or Kafka broker of its own, so stopping it disturbs no other test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import {
  createTestDatabase,
  kafkaBrokers,
  startPostgresCluster,
  type PostgresCluster,
  type TestDatabase,
} from '@skein/testing';

const BIN = resolve(__dirname, '../../../bin/skein.js');
const BUILT = resolve(__dirname, '../dist/main.js');
const REPO = resolve(__dirname, '../../..');
/** The stated bound: writes succeed again within this long after the fault ends. */
const RECOVERY_MS = 10_000;
const WORKERS = 6;

interface Api {
  proc: ChildProcess;
  url: string;
  exits: { code: number | null; signal: NodeJS.Signals | null; stderr: string }[];
  stop(): Promise<void>;
}

async function startApi(databaseUrl: string, brokers: string): Promise<Api> {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` first (npm test does)`);
  const proc = spawn(process.execPath, [BIN, 'api', '--api-port', '0', '--grpc-port', '0'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, KAFKA_BROKERS: brokers, SKEIN_AAA_MODE: 'no-auth' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (err = (err + d).slice(-20_000)));
  const exits: Api['exits'] = [];
  const exited = new Promise<void>((r) =>
    proc.on('exit', (code, signal) => {
      exits.push({ code, signal, stderr: err });
      r();
    }),
  );
  const end = Date.now() + 60_000;
  let m: RegExpExecArray | null;
  while (!(m = /api\s+(http:\/\/\S+)/.exec(out))) {
    if (exits.length || Date.now() > end)
      throw new Error(`skein api did not start; stdout: ${out} stderr: ${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    proc,
    url: m[1],
    exits,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

interface Outcome {
  at: number;
  status: number;
  retryAfter: string | null;
  uuid?: string;
  error?: string;
}

/** Concurrent creates of uniquely named virtual networks until stopped. */
function load(api: string, tag: string) {
  const outcomes: Outcome[] = [];
  let stopped = false;
  let n = 0;
  const worker = async (w: number) => {
    while (!stopped) {
      const name = `${tag}-${w}-${n++}`;
      const at = Date.now();
      try {
        const r = await fetch(`${api}/virtual-networks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            'virtual-network': { fq_name: ['default-domain', 'default-project', name] },
          }),
          signal: AbortSignal.timeout(30_000),
        });
        const body: any = await r.json().catch(() => undefined);
        outcomes.push({
          at,
          status: r.status,
          retryAfter: r.headers.get('retry-after'),
          uuid: body?.['virtual-network']?.uuid,
        });
        // A client honouring Retry-After would wait; this one only yields so the others keep the load up.
        if (r.status === 503) await new Promise((x) => setTimeout(x, 50));
      } catch (e: any) {
        outcomes.push({ at, status: 0, retryAfter: null, error: e?.cause?.code ?? e?.message });
        // The API is gone (the test then fails): no busy loop meanwhile.
        await new Promise((x) => setTimeout(x, 100));
      }
    }
  };
  const running = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  return {
    outcomes,
    acked: () => outcomes.filter((o) => o.status >= 200 && o.status < 300).map((o) => o.uuid!),
    async stop() {
      stopped = true;
      await running;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until a write started after `since` succeeds; returns how long after `since` it did. */
async function recovered(api: Api, outcomes: Outcome[], since: number): Promise<number> {
  for (;;) {
    const ok = outcomes.find((o) => o.at >= since && o.status >= 200 && o.status < 300);
    if (ok) return ok.at - since;
    if (api.exits.length) throw new Error(`skein api exited: ${JSON.stringify(api.exits)}`);
    if (Date.now() - since > RECOVERY_MS + 20_000) return Infinity;
    await sleep(100);
  }
}

/** Every acked uuid is in the store (one list call) and has its CREATE event in config.events. */
async function checkDelivered(api: string, brokers: string, acked: string[]) {
  const r = await fetch(`${api}/virtual-networks`);
  expect(r.status).toBe(200);
  const stored = new Set(((await r.json()) as any)['virtual-networks'].map((v: any) => v.uuid));
  expect(acked.filter((u) => !stored.has(u))).toEqual([]);

  const kafka = new Kafka({
    brokers: brokers.split(','),
    clientId: 'skein-chaos-check',
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `skein-chaos-${process.pid}-${Date.now()}` });
  const missing = new Set(acked);
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: 'config.events', fromBeginning: true });
    let done!: () => void;
    const all = new Promise<void>((r) => (done = r));
    if (missing.size === 0) done();
    await consumer.run({
      eachMessage: async ({ message }) => {
        const e = JSON.parse(message.value!.toString());
        if (e.oper === 'CREATE') missing.delete(e.uuid);
        if (missing.size === 0) done();
      },
    });
    await Promise.race([all, sleep(40_000)]);
  } finally {
    await consumer.disconnect();
  }
  expect([...missing]).toEqual([]);
}

describe('chaos: skein api under load', () => {
  it('Postgres backends terminated repeatedly, then Postgres stopped and started: no exit, no acked write lost, 503 + Retry-After meanwhile, recovery within 10 s', async () => {
    const brokers = kafkaBrokers().join(',');
    const cluster: PostgresCluster = await startPostgresCluster();
    const admin = new Client({ connectionString: cluster.url });
    let api: Api | undefined;
    let l: ReturnType<typeof load> | undefined;
    try {
      await admin.connect();
      await admin.query('CREATE DATABASE chaos');
      api = await startApi(cluster.url.replace(/\/postgres$/, '/chaos'), brokers);
      l = load(api.url, 'pg');
      await sleep(1000);
      // (a) Every backend of the database, every 300 ms for 4 s: the pool's, the relay's lock, LISTEN.
      for (let i = 0; i < 13; i++) {
        await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'chaos' AND pid <> pg_backend_pid()`,
        );
        await sleep(300);
      }
      const afterTerminate = Date.now();
      expect(await recovered(api, l.outcomes, afterTerminate)).toBeLessThanOrEqual(RECOVERY_MS);
      // (b) The server itself goes away for 2 s.
      await admin.end();
      await cluster.stop();
      await sleep(2000);
      await cluster.start();
      const afterRestart = Date.now();
      expect(await recovered(api, l.outcomes, afterRestart)).toBeLessThanOrEqual(RECOVERY_MS);
      await sleep(1000);
      await l.stop();

      expect(api.exits).toEqual([]);
      const failures = l.outcomes.filter((o) => o.status < 200 || o.status >= 300);
      // Failures are the store being away, said so: 503 with a retry hint; no 500, no dropped connection.
      expect(failures.filter((o) => o.status !== 503 || o.retryAfter === null)).toEqual([]);
      expect(failures.length).toBeGreaterThan(0);
      const acked = l.acked();
      expect(acked.length).toBeGreaterThan(20);
      await checkDelivered(api.url, brokers, acked);
    } finally {
      await l?.stop();
      await api?.stop();
      await admin.end().catch(() => undefined);
      await cluster.destroy();
    }
  }, 150_000);

  it('the Kafka broker stopped and started: writes go on, no exit, every acked write reaches config.events, recovery within 10 s', async () => {
    const brokers = await startBroker();
    const db: TestDatabase = await createTestDatabase('skein_chaos');
    let api: Api | undefined;
    let l: ReturnType<typeof load> | undefined;
    try {
      api = await startApi(db.url, brokers);
      l = load(api.url, 'kafka');
      await sleep(1000);
      await kafkaCtl(brokers, 'stop');
      await sleep(3000);
      await kafkaCtl(brokers, 'start');
      const afterRestart = Date.now();
      expect(await recovered(api, l.outcomes, afterRestart)).toBeLessThanOrEqual(RECOVERY_MS);
      await sleep(1000);
      await l.stop();

      expect(api.exits).toEqual([]);
      // Writes never depend on the broker (the event is in config_events; the relay catches up).
      expect(l.outcomes.filter((o) => o.status < 200 || o.status >= 300)).toEqual([]);
      await checkDelivered(api.url, brokers, l.acked());
    } finally {
      await l?.stop();
      await api?.stop();
      await db.drop();
      await stopBroker(brokers);
    }
  }, 150_000);
});

function run(script: string, args: string[]): Promise<string> {
  return new Promise((res, rej) => {
    const p = spawn(resolve(REPO, script), args, {
      env: { ...process.env, SKEIN_KAFKA_OWNER_PID: String(process.pid) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout!.on('data', (d) => (out += d));
    p.stderr!.on('data', (d) => (err += d));
    p.on('exit', (code) =>
      code === 0 ? res(out.trim()) : rej(new Error(`${script} ${args.join(' ')}: exit ${code}\n${err}`)),
    );
  });
}
const startBroker = async () => (await run('scripts/kafka/start.sh', [])).split('\n').pop()!;
const kafkaCtl = (b: string, action: 'stop' | 'start') => run('scripts/kafka/ctl.sh', [b, action]);
const stopBroker = (b: string) => run('scripts/kafka/stop.sh', [b]).catch(() => undefined);
