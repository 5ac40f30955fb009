import * as net from 'node:net';
import type { NextHop, RouteEntry } from '@skein/xmpp';
import { Agent, type AgentOptions } from './agent';
import { backoffMs } from './connection';
import { FakeControlNode, waitUntil } from './testing/fake-control-node';

const BLUE = 'default-domain:p1:blue:blue';
const HOLD = 3000;

const route = (prefix: string, nextHops: NextHop[]): RouteEntry => ({
  nlri: { family: 'inet', prefix },
  nextHops,
  securityGroups: [],
  communityTags: [],
});
const nh = (address: string, label: number): NextHop => ({
  address,
  label,
  tunnelEncapsulations: ['gre'],
  tags: [],
});

const servers: FakeControlNode[] = [];
const agents: Agent[] = [];
async function server(o: Parameters<typeof FakeControlNode.start>[0] = {}) {
  const s = await FakeControlNode.start(o);
  servers.push(s);
  return s;
}
/** agent-a at 192.0.2.11 with the HOLD hold time, unless `o` says otherwise. */
function agent(control: AgentOptions['control'], o: Partial<AgentOptions> = {}): Agent {
  const a = new Agent({ name: 'agent-a', address: '192.0.2.11', control, holdTimeMs: HOLD, ...o });
  agents.push(a);
  return a;
}

afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.stop()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

test('keepalives every hold/3 while idle; a silent control node is dropped with connection-timeout', async () => {
  const silent = await server({ keepaliveMs: false });
  const talking = await server({ keepaliveMs: HOLD / 3 });
  const a = agent(silent.address, { reconnect: false }).start();
  const b = agent(talking.address, { name: 'agent-b', address: '192.0.2.12', reconnect: false }).start();
  await Promise.all([a.waitForEstablished(), b.waitForEstablished()]);
  const upAt = Date.now();
  const sa = await silent.waitForSession('agent-a');

  await a.waitForState('stopped', HOLD + 1500);
  const downAfter = Date.now() - upAt;
  expect(a.lastDown).toMatchObject({ kind: 'stream-error-sent', condition: 'connection-timeout' });
  // The hold timer is checked on a tick of hold/12, so it fires within [hold, hold + tick] (+ scheduling).
  expect(downAfter).toBeGreaterThanOrEqual(HOLD - 50);
  expect(downAfter).toBeLessThan(HOLD + 1000);
  await waitUntil(() => sa.closed);
  expect(sa.stanzas.at(-1)).toMatchObject({ kind: 'stream-error', condition: 'connection-timeout' });

  // From the agent's last write (its end-of-RIB at establishment) on, no silence longer than hold/3.
  const times = [sa.openedAt, ...sa.keepalives];
  expect(sa.keepalives.length).toBeGreaterThanOrEqual(2);
  for (let i = 1; i < times.length; i++)
    expect(times[i]! - times[i - 1]!).toBeLessThanOrEqual(HOLD / 3 + 250);
  expect(a.counters.keepalivesSent).toBe(sa.keepalives.length);

  // The agent whose control node keeps talking stays up through the same interval.
  expect(b.state).toBe('established');
  expect(b.counters.keepalivesReceived).toBeGreaterThanOrEqual(2);
  expect(b.counters.flaps).toBe(0);
});

test('after the control node drops the connection the agent reconnects, re-subscribes, republishes, and sweeps stale routes at end-of-RIB', async () => {
  const cn = await server();
  const a = agent(cn.address, { reconnect: { initialMs: 50, jitter: false } });
  a.subscribe(BLUE, 3);
  a.addInterface({ uuid: 'vmi-1', ri: BLUE, address: '10.1.1.3', label: 21 });
  a.start();
  const s1 = await cn.waitForSession('agent-a');
  await waitUntil(() => s1.updates.some((u) => u.kind === 'end-of-rib'));
  s1.sendRoutes('inet', BLUE, [
    { op: 'add', entry: route('10.1.1.4/32', [nh('192.0.2.12', 22)]) },
    { op: 'add', entry: route('10.1.1.5/32', [nh('192.0.2.12', 23)]) },
  ]);
  s1.sendEndOfRib();
  await a.waitForEndOfRib();
  await a.waitForRoute(BLUE, '10.1.1.5/32');

  s1.drop();
  await a.waitForState('backoff');
  expect(a.lastDown?.kind).toMatch(/socket-error|peer-closed/);
  // Learned routes outlive the session, flagged stale, until the next end-of-RIB.
  expect(a.route(BLUE, '10.1.1.4/32')?.stale).toBe(true);
  expect(a.route(BLUE, '10.1.1.3/32')).toMatchObject({ stale: false, nextHops: [{ interface: 'vmi-1' }] });

  const s2 = await cn.waitForSession('agent-a', 5000, 1);
  await waitUntil(() => s2.updates.some((u) => u.kind === 'end-of-rib'));
  // The same subscription and publish as the first time.
  const shape = (s: typeof s1) =>
    s.stanzas.map((x) => (x.kind === 'subscribe' ? `subscribe ${x.node} ${x.instanceId}` : x.kind));
  expect(shape(s2)).toEqual(shape(s1).slice(0, 5));
  expect(s2.updates).toEqual(s1.updates);
  expect(a.endOfRibReceived).toBe(false);

  s2.sendRoutes('inet', BLUE, [{ op: 'add', entry: route('10.1.1.4/32', [nh('192.0.2.12', 22)]) }]);
  await a.waitForRoute(BLUE, '10.1.1.4/32', (e) => !e.stale);
  expect(a.route(BLUE, '10.1.1.5/32')?.stale).toBe(true);
  s2.sendEndOfRib();
  await a.waitForWithdraw(BLUE, '10.1.1.5/32');
  expect(a.route(BLUE, '10.1.1.4/32')?.stale).toBe(false);
  expect(a.counters).toMatchObject({
    established: 2,
    flaps: 1,
    staleSwept: 1,
    subscribesSent: 2,
    reachSent: 2,
    endOfRibSent: 2,
  });
});

test('without keepStaleRoutes a session loss flushes learned routes at once; a stream close is followed by a reconnect', async () => {
  const cn = await server();
  const a = agent(cn.address, { keepStaleRoutes: false, reconnect: { initialMs: 20, jitter: false } });
  a.subscribe(BLUE, 3);
  a.start();
  const s1 = await cn.waitForSession('agent-a');
  s1.sendRoutes('inet', BLUE, [{ op: 'add', entry: route('10.1.1.4/32', [nh('192.0.2.12', 22)]) }]);
  await a.waitForRoute(BLUE, '10.1.1.4/32');
  s1.fail('system-shutdown');
  await a.waitForWithdraw(BLUE, '10.1.1.4/32');
  expect(a.lastDown).toEqual({ kind: 'stream-error-received', condition: 'system-shutdown' });
  await cn.waitForSession('agent-a', 5000, 1);
  await a.waitForEstablished();
});

test('a control node that is not there yet is retried with backoff', async () => {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const a = agent({ host: '127.0.0.1', port }, { reconnect: { initialMs: 20, maxMs: 40 } }).start();
  await waitUntil(() => a.counters.connectAttempts >= 3, 3000, 'three connect attempts');
  expect(a.lastDown?.kind).toBe('connect-failed');
  expect(a.counters.established).toBe(0);
});

test('backoff doubles up to its cap, with jitter in [½, 1]', () => {
  const o = { initialMs: 100, maxMs: 1000, jitter: false };
  expect([0, 1, 2, 3, 4, 10].map((n) => backoffMs(o, n))).toEqual([100, 200, 400, 800, 1000, 1000]);
  for (let i = 0; i < 50; i++) {
    const d = backoffMs({ initialMs: 100, maxMs: 1000 }, 2);
    expect(d).toBeGreaterThanOrEqual(200);
    expect(d).toBeLessThanOrEqual(400);
  }
});
