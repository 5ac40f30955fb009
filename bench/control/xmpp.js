#!/usr/bin/env node
// XMPP benchmark (not a test): the Skein control node with R routing instances (R virtual networks made
// through the config API), and A simulated agents (AgentFleet, agents.js) in another process, each
// subscribed to one RI and publishing P routes. Measures the time from the fleet's start until every agent
// holds every route of its RI (A/R × P), and the control node's CPU seconds and RSS. gobgpd and BIRD have
// no XMPP, so this table is Skein's alone.
//
//   npm run build && node bench/control/xmpp.js [--agents 1000] [--ris 10] [--routes 50] [--timeout 600]
//       [--cpu-prof <dir>] [--node-flags '<flags for the control node>'] [--agent-node-flags '<flags>']
//       [--fib count|full]
'use strict';
const {
  Sampler,
  fmt,
  forkChild,
  freePort,
  loadavg,
  machine,
  opt,
  procStats,
  row,
  sleep,
  startConfigApi,
  startSkeinNode,
  stopChild,
} = require('./lib');

const AGENTS = Number(opt('agents', 1000));
const RIS = Number(opt('ris', 10));
const ROUTES = Number(opt('routes', 50));
const TIMEOUT_S = Number(opt('timeout', 600));
const CPU_PROF = opt('cpu-prof');
const FIB = opt('fib', 'count');
const DP = ['default-domain', 'default-project'];

/** `fn` over `items`, `width` at a time: the config API takes writes in parallel (group commit). */
async function parallel(items, width, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function main() {
  const load = loadavg();
  console.error(`Machine: ${machine()}. Load average at start ${load}.`);
  const api = await startConfigApi();
  let node;
  let agents;
  try {
    const ris = [];
    for (let k = 0; k < RIS; k++) {
      const fq = [...DP, `bench-vn-${k}`];
      await api.create('virtual-network', { fq_name: fq });
      const ri = [...fq, fq[2]];
      await api.uuidOf('routing-instance', ri); // made by the API with the VN, with its own route target
      ris.push({ ri: ri.join(':'), vn: fq.join(':') });
    }
    const { testNetAddress } = require('@skein/agent-sim');
    // Agents must be virtual-routers (routing.md D), so the node admits them by name.
    await parallel(
      Array.from({ length: AGENTS }, (_, i) => i),
      16,
      (i) =>
        api.create('virtual-router', {
          fq_name: ['default-global-system-config', `bench-agent-${i}`],
          parent_type: 'global-system-config',
          virtual_router_ip_address: testNetAddress(i),
        }),
    );
    const xmppPort = await freePort();
    const nodeFlags = (opt('node-flags') ?? '').split(' ').filter(Boolean);
    const execArgv = [
      '--expose-gc',
      ...nodeFlags,
      ...(CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF] : []),
    ];
    node = await startSkeinNode(api, {
      name: 'cn1',
      host: '127.0.0.1',
      xmppPort,
      execArgv,
    });
    const agentFlags = (opt('agent-node-flags') ?? '').split(' ').filter(Boolean);
    agents = forkChild('agents.js', [], ['--max-old-space-size=8192', ...agentFlags]);
    agents.send({
      cmd: 'setup',
      control: `127.0.0.1:${node.ports.xmpp}`,
      ris,
      agents: AGENTS,
      routes: ROUTES,
      fib: FIB,
    });
    await agents.next((m) => m.type === 'ready', 'agents built', 120_000);
    await sleep(1000);
    const idle = procStats(node.pid);
    const agentsIdle = procStats(agents.pid);
    const sampler = new Sampler(node.pid);
    let last;
    agents.onAny = (m) => {
      if (m.type !== 'progress') return;
      last = m;
      const cn = procStats(node.pid);
      console.error(
        `  established ${m.established}, complete ${m.complete}, fewest routes ${m.minRoutes}/${m.want}; ` +
          `control node CPU ${(cn.cpu - idle.cpu).toFixed(1)} s RSS ${fmt.mb(cn.rss)} MB; agents CPU ${(m.self.cpu - agentsIdle.cpu).toFixed(1)} s RSS ${fmt.mb(m.self.rss)} MB`,
      );
    };
    agents.send({ cmd: 'go' });
    const done = await agents
      .next((m) => m.type === 'done', 'every agent complete', TIMEOUT_S * 1000)
      .catch((e) => ({ failed: e.message }));
    const end = procStats(node.pid);
    sampler.stop();
    const header = [
      `Machine: ${machine()}. Load average at start ${load}.`,
      '',
      row([
        'agents',
        'RIs',
        'routes/agent',
        'routes per RI',
        'all established (s)',
        'all complete (s)',
        'control node CPU s',
        'peak RSS MB',
        'RSS 5 s after MB',
        'agent process CPU s',
      ]),
      row(Array(10).fill('---')),
    ];
    if (done.failed) {
      console.log(
        [
          ...header,
          row([
            AGENTS,
            RIS,
            ROUTES,
            fmt.int((AGENTS / RIS) * ROUTES),
            '—',
            `— (${done.failed}; fewest ${last?.minRoutes}, complete ${last?.complete})`,
            (end.cpu - idle.cpu).toFixed(1),
            fmt.mb(Math.max(sampler.max, end.hwm)),
            '—',
            last ? (last.self.cpu - agentsIdle.cpu).toFixed(1) : '—',
          ]),
        ].join('\n'),
      );
      return;
    }
    await sleep(5000);
    const settled = procStats(node.pid);
    node.child.send({ cmd: 'memory' });
    const memory = await node.child.next((m) => m.type === 'memory', 'memory', 30_000).catch(() => undefined);
    console.error(JSON.stringify({ done, idle, end, settled, memory }));
    const expected = AGENTS * ((AGENTS / RIS) * ROUTES - ROUTES);
    const secs = (done.t - done.t0) / 1000;
    console.log(
      [
        ...header,
        row([
          fmt.int(AGENTS),
          RIS,
          ROUTES,
          fmt.int((AGENTS / RIS) * ROUTES),
          fmt.s(done.allEstablished - done.t0),
          fmt.s(done.t - done.t0),
          (end.cpu - idle.cpu).toFixed(1),
          fmt.mb(Math.max(sampler.max, end.hwm)),
          fmt.mb(settled.rss),
          (done.self.cpu - agentsIdle.cpu).toFixed(1),
        ]),
        '',
        `Items sent to agents: ${fmt.int(done.reachReceived)} (${fmt.int(expected)} distinct routes to deliver, ` +
          `${fmt.int(done.reachReceived - expected)} sent again), ${done.unreachReceived} withdrawals, ${done.wrong} with a wrong next hop or label` +
          `${done.wrongSamples.length ? ` (${done.wrongSamples.join('; ')})` : ''}. Control node ${((end.cpu - idle.cpu) / secs).toFixed(2)} cores on average, ` +
          `agent process ${((done.self.cpu - agentsIdle.cpu) / secs).toFixed(2)}; load average at the end ${loadavg()}.`,
      ].join('\n'),
    );
  } finally {
    await stopChild(agents);
    await node?.stop();
    await api.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
