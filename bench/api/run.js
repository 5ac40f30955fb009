#!/usr/bin/env node
// Config API benchmark (not a test): drives the REST API of a `skein api` child process on a fresh database
// of the machine's Postgres with autocannon, and measures the commit → Kafka consumer lag through the relay.
// Usage: npm run bench:api [-- --duration 10 --quick]
'use strict';
const { execFileSync } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const { Kafka, logLevel } = require('kafkajs');
const { ADMIN, adminQuery, opt, repo, row, startApiProcess } = require('../control/lib');

const DURATION = Number(opt('duration', 10));
const DP = ['default-domain', 'default-project'];

function machine() {
  const pg = execFileSync('psql', [ADMIN, '-tAc', 'show server_version'], { encoding: 'utf8' }).trim();
  return `${os.cpus().length} × ${os.cpus()[0].model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}, PostgreSQL ${pg}`;
}

const json = (o) => JSON.stringify(o);
const post = (path, body) => ({
  method: 'POST',
  path,
  headers: { 'content-type': 'application/json' },
  body: json(body),
});

function runCannon(opts) {
  return new Promise((resolve, reject) => {
    const inst = autocannon(opts.amount ? opts : { duration: DURATION, ...opts }, (err, res) =>
      err ? reject(err) : resolve(res),
    );
    autocannon.track(inst, {
      renderProgressBar: process.stderr.isTTY,
      renderResultsTable: false,
      renderLatencyTable: false,
    });
  });
}

/** One project → VN (with a /24) → VMI → instance-ip chain per cycle, names unique per connection and cycle. */
async function chainCreates(base, connections, tag) {
  let n = 0;
  const res = await runCannon({
    url: base,
    connections,
    requests: [
      {
        setupRequest: (req, ctx) => {
          ctx.i = `${tag}-${process.pid}-${n++}`;
          return { ...req, ...post('/projects', { project: { fq_name: ['default-domain', `p-${ctx.i}`] } }) };
        },
        onResponse: (status, body, ctx) => (ctx.project = JSON.parse(body).project?.uuid),
      },
      {
        setupRequest: (req, ctx) => ({
          ...req,
          ...post('/virtual-networks', {
            'virtual-network': {
              fq_name: ['default-domain', `p-${ctx.i}`, 'vn'],
              network_ipam_refs: [
                {
                  to: [...DP, 'default-network-ipam'],
                  attr: { ipam_subnets: [{ subnet: { ip_prefix: '10.0.0.0', ip_prefix_len: 24 } }] },
                },
              ],
            },
          }),
        }),
        onResponse: (status, body, ctx) => (ctx.vn = JSON.parse(body)['virtual-network']?.uuid),
      },
      {
        setupRequest: (req, ctx) => ({
          ...req,
          ...post('/virtual-machine-interfaces', {
            'virtual-machine-interface': {
              fq_name: ['default-domain', `p-${ctx.i}`, 'vmi'],
              parent_type: 'project',
              virtual_network_refs: [{ uuid: ctx.vn }],
            },
          }),
        }),
        onResponse: (status, body, ctx) => (ctx.vmi = JSON.parse(body)['virtual-machine-interface']?.uuid),
      },
      {
        setupRequest: (req, ctx) => ({
          ...req,
          ...post('/instance-ips', {
            'instance-ip': {
              fq_name: [`iip-${ctx.i}`],
              virtual_network_refs: [{ uuid: ctx.vn }],
              virtual_machine_interface_refs: [{ uuid: ctx.vmi }],
            },
          }),
        }),
      },
    ],
  });
  return res;
}

class SkipToLag extends Error {}

async function main() {
  const dbName = `skein_bench_${Date.now()}`;
  await adminQuery(`CREATE DATABASE ${dbName}`);
  const dbUrl = ADMIN.replace(/\/[^/]*$/, `/${dbName}`);
  const lines = [];
  const only = opt('only', 'all');
  const api = await startApiProcess(dbUrl);
  try {
    if (only === 'lag') throw new SkipToLag();
    console.error(`machine: ${machine()}`);
    lines.push(`Machine: ${machine()}. Duration ${DURATION} s per run.`, '');
    lines.push(
      row(['scenario', 'concurrency', 'requests/s', 'p50 ms', 'p99 ms', 'non-2xx']),
      row(['---', '---', '---', '---', '---', '---']),
    );
    for (const c of [1, 8, 32]) {
      const r = await chainCreates(api.base, c, `c${c}`);
      lines.push(
        row([
          'create chain (project → VN → VMI → instance-ip)',
          c,
          r.requests.average.toFixed(0),
          r.latency.p50,
          r.latency.p99,
          r.non2xx,
        ]),
      );
      console.error(lines[lines.length - 1]);
    }
    // One object and its event per transaction: the simplest durable create.
    let q = 0;
    const simple = await runCannon({
      url: api.base,
      connections: 32,
      requests: [
        {
          setupRequest: (req) => ({
            ...req,
            ...post('/network-policys', { 'network-policy': { fq_name: [...DP, `np-c32-${q++}`] } }),
          }),
        },
      ],
    });
    lines.push(
      row([
        'create network-policy (one object + event)',
        32,
        simple.requests.average.toFixed(0),
        simple.latency.p50,
        simple.latency.p99,
        simple.non2xx,
      ]),
    );
    console.error(lines[lines.length - 1]);
    // Reads of one VN.
    const vn = (await (await fetch(`${api.base}/virtual-networks`)).json())['virtual-networks'][0].uuid;
    const reads = await runCannon({ url: `${api.base}/virtual-network/${vn}`, connections: 32 });
    lines.push(
      row([
        'read one VN (GET /virtual-network/<uuid>)',
        32,
        reads.requests.average.toFixed(0),
        reads.latency.p50,
        reads.latency.p99,
        reads.non2xx,
      ]),
    );
    console.error(lines[lines.length - 1]);
    // A steady 500 writes/s: the latency a mutating call sees at a realistic rate.
    let k = 0;
    const paced = await runCannon({
      url: api.base,
      connections: 16,
      overallRate: 500,
      requests: [
        {
          setupRequest: (req) => ({
            ...req,
            ...post('/network-policys', { 'network-policy': { fq_name: [...DP, `np-rate-${k++}`] } }),
          }),
        },
      ],
    });
    lines.push(
      row([
        'create network-policy at a fixed 500/s',
        16,
        paced.requests.average.toFixed(0),
        paced.latency.p50,
        paced.latency.p99,
        paced.non2xx,
      ]),
    );
    console.error(lines[lines.length - 1]);
    // A list of 10,000 objects: network-policies of a project of their own.
    await fetch(`${api.base}/projects`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: json({ project: { fq_name: ['default-domain', 'bench-list'] } }),
    });
    let m = 0;
    await runCannon({
      url: api.base,
      connections: 16,
      amount: 10000,
      requests: [
        {
          setupRequest: (req) => ({
            ...req,
            ...post('/network-policys', {
              'network-policy': { fq_name: ['default-domain', 'bench-list', `np-${m++}`] },
            }),
          }),
        },
      ],
    });
    const anchor = 'parent_fq_name_str=default-domain:bench-list';
    const count = (await (await fetch(`${api.base}/network-policys?${anchor}&count=true`)).json())[
      'network-policys'
    ].count;
    for (const q of ['', '&detail=true']) {
      const times = [];
      for (let i = 0; i < 5; i++) {
        const t0 = process.hrtime.bigint();
        const body = await (await fetch(`${api.base}/network-policys?${anchor}${q}`)).json();
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (body['network-policys'].length !== count) throw new Error('list length mismatch');
      }
      times.sort((a, b) => a - b);
      lines.push(
        row([
          `list ${count} network-policys${q ? ' (detail)' : ''}`,
          1,
          (1000 / times[2]).toFixed(1),
          times[2].toFixed(0),
          times[4].toFixed(0),
          0,
        ]),
      );
      console.error(lines[lines.length - 1]);
    }
  } catch (e) {
    if (!(e instanceof SkipToLag)) throw e;
  } finally {
    await api.stop();
  }
  lines.push('', await lagBench(dbUrl));
  await adminQuery(`DROP DATABASE ${dbName} WITH (FORCE)`);
  console.log(lines.join('\n'));
}

/** Commit → Kafka consumer lag: envelope ts (transaction start) to delivery, through the relay. */
async function lagBench(dbUrl) {
  const broker = execFileSync(path.join(repo, 'scripts/kafka/start.sh'), {
    encoding: 'utf8',
    env: { ...process.env, SKEIN_KAFKA_JVM_OPTS: '-Xms512m -Xmx512m -XX:+UseParallelGC' },
  })
    .trim()
    .split('\n')
    .pop();
  try {
    const api = await startApiProcess(dbUrl, { KAFKA_BROKERS: broker });
    try {
      const kafka = new Kafka({ clientId: 'bench', brokers: [broker], logLevel: logLevel.NOTHING });
      // The relay creates the topic when it starts; make sure it exists before subscribing.
      const admin = kafka.admin();
      await admin.connect();
      await admin
        .createTopics({ topics: [{ topic: 'config.events', numPartitions: 1 }], waitForLeaders: true })
        .catch(() => undefined);
      await admin.disconnect();
      const consumer = kafka.consumer({ groupId: `bench-${Date.now()}`, maxWaitTimeInMs: 5 });
      await consumer.connect();
      await consumer.subscribe({ topic: 'config.events', fromBeginning: false });
      // Lag = delivery to the consumer − the moment the API acknowledged the write (it was committed then).
      const acked = new Map();
      const lags = [];
      let measuring = false;
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (!measuring) return;
          const e = JSON.parse(message.value.toString());
          const name = e.fq_name[e.fq_name.length - 1];
          const t = acked.get(name);
          if (t !== undefined) lags.push(Math.max(0, performance.now() - t));
          else acked.set(name, -performance.now());
        },
      });
      await new Promise((r) => setTimeout(r, 3000));
      measuring = true;
      let k = 0;
      await runCannon({
        url: api.base,
        connections: 8,
        overallRate: 500,
        requests: [
          {
            setupRequest: (req, ctx) => {
              ctx.name = `np-lag-${k++}`;
              return {
                ...req,
                ...post('/network-policys', { 'network-policy': { fq_name: [...DP, ctx.name] } }),
              };
            },
            onResponse: (status, body, ctx) => {
              const seen = acked.get(ctx.name);
              // Delivered before the response reached us: the lag was below what a client can observe.
              if (seen !== undefined && seen < 0) lags.push(0);
              else acked.set(ctx.name, performance.now());
            },
          },
        ],
      });
      await new Promise((r) => setTimeout(r, 1000));
      await consumer.disconnect();
      lags.sort((a, b) => a - b);
      const p = (q) => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))];
      return `Event lag, write acknowledged → Kafka consumer of config.events (relay in the API process, 500 writes/s, ${lags.length} events): p50 ${p(0.5).toFixed(1)} ms, p99 ${p(0.99).toFixed(1)} ms, max ${lags[lags.length - 1].toFixed(1)} ms.`;
    } finally {
      await api.stop();
    }
  } finally {
    execFileSync(path.join(repo, 'scripts/kafka/stop.sh'), [broker], { stdio: 'ignore' });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
