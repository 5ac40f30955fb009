#!/usr/bin/env node
// Route reflector benchmark (not a test): the Skein control node, gobgpd and BIRD side by side, each as the
// route reflector between one feeder (announcing N VPNv4 routes) and K receivers, in the same run on this
// machine. Measures the time from the feeder's first UPDATE until every receiver holds all N routes, and the
// reflector process's CPU seconds and RSS (from /proc). Setup and fairness: reflectors.js; peers: feeder.js,
// receivers.js. Results and analysis: docs/benchmarks.md, "Control node".
//
//   npm run build && node bench/control/run.js [--routes 100000,1000000] [--receivers 10]
//       [--only skein|gobgpd|bird[,…]] [--timeout 600] [--repeat 1] [--settle 30] [--cpu-prof <dir>]
//       [--node-flags '<extra flags for the Skein node>']
//
// Needs the machine's Postgres (SKEIN_BENCH_PG, default postgres://postgres@127.0.0.1:5432/postgres) for the
// config API that configures the Skein node, and gobgpd/bird2 on PATH.
'use strict';
const { REFLECTORS, AS } = require('./reflectors');
const {
  Sampler,
  fmt,
  forkChild,
  loadavg,
  machine,
  now,
  opt,
  procStats,
  row,
  sleep,
  stopChild,
} = require('./lib');

const ROUTES = opt('routes', '100000').split(',').map(Number);
const RECEIVERS = Number(opt('receivers', 10));
const ONLY = opt('only', 'skein,gobgpd,bird').split(',');
const TIMEOUT_S = Number(opt('timeout', 600));
const CPU_PROF = opt('cpu-prof');
const REPEAT = Number(opt('repeat', 1));
/** Extra V8/Node flags for the Skein node (heap experiments, --heapsnapshot-signal, …). */
const NODE_FLAGS = (opt('node-flags') ?? '').split(' ').filter(Boolean);
/** Seconds after convergence for the second RSS sample: V8 and malloc give memory back lazily. */
const SETTLE_S = Number(opt('settle', 30));
const ADDRESS = '127.0.0.1';

const peersFor = () => [
  { name: 'feeder', address: '127.0.1.1' },
  ...Array.from({ length: RECEIVERS }, (_, i) => ({ name: `r${i + 1}`, address: `127.0.1.${11 + i}` })),
];

async function oneRun(kind, n) {
  const peers = peersFor();
  const load = loadavg();
  const execArgv =
    kind !== 'skein' ? [] : [...NODE_FLAGS, ...(CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF] : [])];
  const r = await REFLECTORS[kind]({ address: ADDRESS, peers, execArgv });
  let feeder;
  let receivers;
  try {
    const common = ['--routes', String(n), '--host', ADDRESS, '--port', String(r.port), '--as', String(AS)];
    receivers = forkChild('receivers.js', [
      ...common,
      '--locals',
      peers
        .slice(1)
        .map((p) => p.address)
        .join(','),
    ]);
    const established = new Set();
    while (established.size < RECEIVERS) {
      const m = await receivers.next(
        (x) => x.type === 'established' || x.type === 'down',
        'receivers established',
        60_000,
      );
      if (m.type === 'down') throw new Error(`receiver ${m.name} down before the feed: ${JSON.stringify(m)}`);
      established.add(m.name);
    }
    feeder = forkChild('feeder.js', [...common, '--local', peers[0].address], ['--max-old-space-size=4096']);
    const fe = await feeder.next(
      (x) => x.type === 'established' || x.type === 'down',
      'feeder established',
      120_000,
    );
    if (fe.type === 'down') throw new Error(`feeder down: ${fe.reason}`);
    await sleep(1000);
    const idle = procStats(r.pid);
    const sampler = new Sampler(r.pid);
    const completes = [];
    let endStats;
    let failure;
    receivers.onAny = (m) => {
      if (m.type === 'down') failure ??= `receiver ${m.name} down: ${JSON.stringify(m)}`;
    };
    feeder.send({ cmd: 'go' });
    const { first: t0 } = await feeder.next((x) => x.type === 'started', 'feed started', 10_000);
    const sentP = feeder.next((x) => x.type === 'sent', 'feed sent', TIMEOUT_S * 1000);
    sentP.catch(() => undefined);
    const deadline = Date.now() + TIMEOUT_S * 1000;
    while (completes.length < RECEIVERS && !failure) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      try {
        const m = await receivers.next((x) => x.type === 'complete', 'complete', Math.min(left, 5000));
        completes.push(m.t);
        if (m.altered > 0)
          failure ??= `receiver ${m.name}: ${m.altered} routes arrived with another label or next hop`;
        if (completes.length === RECEIVERS) endStats = procStats(r.pid);
      } catch {
        // periodic wake-up to notice the deadline or a failure
      }
    }
    sampler.stop();
    const sent = await Promise.race([sentP, sleep(1000).then(() => undefined)]);
    const result = { kind, n, load, idle, updates: fe.updates, bytes: fe.bytes, sent };
    if (completes.length < RECEIVERS || failure) {
      receivers.send({ cmd: 'progress' });
      const p = await receivers.next((x) => x.type === 'progress', 'progress', 10_000).catch(() => undefined);
      const end = procStats(r.pid);
      return {
        ...result,
        failed: failure ?? `not converged within ${TIMEOUT_S} s`,
        counts: p?.counts,
        cpu: end.cpu - idle.cpu,
        peak: Math.max(sampler.max, end.hwm),
      };
    }
    await sleep(5000);
    const after5 = procStats(r.pid);
    await sleep(Math.max(0, SETTLE_S - 5) * 1000);
    const settled = procStats(r.pid);
    // Diagnostics (JSON only): V8's heap before and after a forced full collection, and RSS 5 s after it.
    const memory = r.memory ? await r.memory() : undefined;
    const afterGc = memory ? (await sleep(5000), procStats(r.pid).rss) : undefined;
    return {
      memory,
      afterGc,
      after5: after5.rss,
      ...result,
      converged: Math.max(...completes) - t0,
      first: Math.min(...completes) - t0,
      intake: sent ? sent.last - sent.first : undefined,
      cpu: endStats.cpu - idle.cpu,
      peak: Math.max(sampler.max, endStats.hwm),
      settled: settled.rss,
    };
  } finally {
    await stopChild(feeder);
    await stopChild(receivers);
    await r.stop();
  }
}

function tableRow(x) {
  const perRoute = (b) => ((b - x.idle.rss) / x.n).toFixed(0);
  if (x.failed) {
    const got = x.counts
      ? `${fmt.int(Math.min(...x.counts))}–${fmt.int(Math.max(...x.counts))} routes per receiver`
      : '';
    return row([
      x.kind,
      fmt.int(x.n),
      `— (${x.failed}${got ? `; ${got}` : ''})`,
      '—',
      x.cpu.toFixed(1),
      fmt.mb(x.peak),
      '—',
      perRoute(x.peak),
      '—',
      x.load,
    ]);
  }
  return row([
    x.kind,
    fmt.int(x.n),
    fmt.s(x.converged),
    fmt.s(x.first),
    x.cpu.toFixed(1),
    fmt.mb(x.peak),
    fmt.mb(x.settled),
    perRoute(x.peak),
    perRoute(x.settled),
    x.load,
  ]);
}

async function main() {
  const lines = [
    `Machine: ${machine()}. ${RECEIVERS} receivers; load average at start ${loadavg()}.`,
    '',
    row([
      'reflector',
      'routes',
      'all receivers have all (s)',
      'first receiver (s)',
      'CPU s',
      'peak RSS MB',
      `RSS ${SETTLE_S} s after MB`,
      'B/route (peak)',
      `B/route (${SETTLE_S} s after)`,
      'load 1/5/15 at start',
    ]),
    row(Array(10).fill('---')),
  ];
  console.error(lines[0]);
  const runs = [];
  for (const n of ROUTES)
    for (let rep = 0; rep < REPEAT; rep++) for (const kind of ONLY) runs.push({ n, kind });
  for (const { n, kind } of runs) {
    if (!REFLECTORS[kind]) throw new Error(`unknown reflector ${kind} (skein, gobgpd, bird)`);
    console.error(`${kind}, ${fmt.int(n)} routes …`);
    let res;
    try {
      res = await oneRun(kind, n);
    } catch (e) {
      console.error(`${kind} ${n}: ${e.stack ?? e}`);
      const why = `— (error: ${String(e.message ?? e).split('\n')[0]})`;
      lines.push(row([kind, fmt.int(n), why, ...Array(7).fill('—')]));
      continue;
    }
    lines.push(tableRow(res));
    console.error(lines[lines.length - 1]);
    console.error(JSON.stringify({ ...res, t: now() }));
  }
  console.log(lines.join('\n'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
