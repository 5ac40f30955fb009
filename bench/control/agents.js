// The XMPP benchmark's agents: one AgentFleet (@skein/agent-sim) in this process. Agent i has next hop
// testNetAddress(i), subscribes to RI i % R and publishes P /32 routes there (10.<ri>.x.y with x·256 + y =
// j·P + k + 1 for the agent's position j among its RI's agents and k < P, label 16 + k). Every agent should
// end up with all A/R × P routes of its RI: its own P as local interfaces, the others' as learned routes.
//
// With fib 'count' (default) agents keep no tables, so this process tracks what each agent learned itself: one
// bit per route of its RI, set when an item for it arrives with exactly one next hop at the publishing
// agent's address and label (a route sent twice counts once; a wrong one is counted as `wrong`). With fib
// 'full' it reads each agent's routeCount instead (exact too, but about 1.7 kB of heap per route: 8 GB for
// 1,000 agents × 5,000 routes).
//
// IPC in: { cmd: 'setup', control, ris: [{ ri, vn }], agents, routes, fib }, { cmd: 'go' }.
// Out: { type: 'ready' }, { type: 'progress', … } every second, { type: 'done', … } once every agent is
// complete (times are wall-clock ms of this machine).
'use strict';
const { Agent, AgentFleet, testNetAddress } = require('@skein/agent-sim');
const { now, procStats } = require('./lib');

let fleet;
let setup;
/** Per agent (fib 'count'): learned-route bitset, how many bits are set, and items that were not as sent. */
const learned = new Map();
let wrong = 0;
const wrongSamples = [];

function track() {
  const onRouteEvent = Agent.prototype.onRouteEvent;
  if (typeof onRouteEvent !== 'function')
    throw new Error('Agent#onRouteEvent is gone from @skein/agent-sim: update bench/control/agents.js');
  const R = setup.ris.length;
  const P = setup.routes;
  Agent.prototype.onRouteEvent = function (m) {
    const t = learned.get(this);
    if (t !== undefined) {
      for (const item of m.items) {
        if (item.op !== 'add') continue;
        const q = /^10\.(\d+)\.(\d+)\.(\d+)\/32$/.exec(item.id);
        const h = q ? Number(q[2]) * 256 + Number(q[3]) - 1 : -1;
        const j = Math.floor(h / P);
        const source = j * R + (q ? Number(q[1]) : 0);
        const nh = item.entry.nextHops;
        if (
          h < 0 ||
          h >= t.bits.length ||
          nh.length !== 1 ||
          nh[0].address !== testNetAddress(source) ||
          nh[0].label !== 16 + (h % P)
        ) {
          wrong++;
          if (wrongSamples.length < 3) wrongSamples.push(`${this.name} ${item.id} ${JSON.stringify(nh)}`);
          continue;
        }
        if (!t.bits[h]) {
          t.bits[h] = 1;
          t.count++;
        }
      }
    }
    return onRouteEvent.call(this, m);
  };
}

function build(m) {
  setup = m;
  fleet = new AgentFleet({
    control: m.control,
    holdTimeMs: 90_000,
    reconnect: { initialMs: 500, maxMs: 5000, jitter: true },
    fib: m.fib,
  });
  const R = m.ris.length;
  const perRi = Math.ceil(m.agents / R) * m.routes;
  if (m.fib === 'count') track();
  for (let i = 0; i < m.agents; i++) {
    const a = fleet.add({ name: `bench-agent-${i}`, address: testNetAddress(i) });
    const { ri, vn } = m.ris[i % R];
    a.subscribe(ri, 1);
    const j = Math.floor(i / R);
    for (let k = 0; k < m.routes; k++) {
      const h = j * m.routes + k + 1;
      a.addInterface({
        uuid: `vmi-${i}-${k}`,
        ri,
        address: `10.${i % R}.${h >> 8}.${h & 255}`,
        label: 16 + k,
        vn,
      });
    }
    // Its own routes count as present from the start (local interfaces, never sent back to it).
    const bits = new Uint8Array(perRi);
    bits.fill(1, j * m.routes, (j + 1) * m.routes);
    learned.set(a, { bits, count: m.routes });
  }
}

function status() {
  const want = Math.ceil(setup.agents / setup.ris.length) * setup.routes;
  let established = 0;
  let complete = 0;
  let min = Infinity;
  for (const a of fleet.agents) {
    if (a.state === 'established') established++;
    const n = setup.fib === 'count' ? learned.get(a).count : a.routeCount;
    if (n >= want) complete++;
    min = Math.min(min, n);
  }
  const c = fleet.counters();
  return {
    established,
    complete,
    minRoutes: min,
    want,
    reachSent: c.reachSent,
    reachReceived: c.reachReceived,
    unreachReceived: c.unreachReceived,
    flaps: c.flaps,
    wrong,
    wrongSamples,
  };
}

function go() {
  const t0 = now();
  const self = process.pid;
  let allEstablished;
  let allPublished;
  let ticks = 0;
  fleet.start();
  const timer = setInterval(() => {
    const s = status();
    const t = now();
    if (allEstablished === undefined && s.established === setup.agents) allEstablished = t;
    if (allPublished === undefined && s.reachSent >= setup.agents * setup.routes) allPublished = t;
    if (++ticks % 10 === 0) process.send({ type: 'progress', t, ...s, self: procStats(self) });
    if (s.complete === setup.agents) {
      clearInterval(timer);
      process.send({ type: 'done', t0, t, allEstablished, allPublished, ...s, self: procStats(self) });
    }
  }, 100);
}

process.on('message', (m) => {
  if (m.cmd === 'setup') {
    build(m);
    process.send({ type: 'ready' });
  } else if (m.cmd === 'go') go();
});
// No graceful stop: a fleet that is behind on its input would take long to close a thousand streams.
const quit = () => process.exit(0);
process.on('disconnect', quit);
process.on('SIGTERM', quit);
