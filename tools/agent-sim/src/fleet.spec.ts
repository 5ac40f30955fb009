import { AgentFleet } from './fleet';
import { testNetAddress } from './test-net';
import { FakeControlNode } from './testing/fake-control-node';

const AGENTS = 200;
const RIS = 10;
const ri = (i: number) => `default-domain:p1:vn${i % RIS}:vn${i % RIS}`;
const anycast = (i: number) => `10.${i % RIS}.255.1/32`;

test('TEST-NET addresses are generated in order and stay out of real networks', () => {
  expect([0, 253, 254, 508, 761, 762, 763].map(testNetAddress)).toEqual([
    '192.0.2.1',
    '192.0.2.254',
    '198.51.100.1',
    '203.0.113.1',
    '203.0.113.254',
    '198.18.0.1',
    '198.18.0.2',
  ]);
  expect(testNetAddress(762 + 65535)).toBe('198.19.0.0');
  expect(() => testNetAddress(-1)).toThrow(RangeError);
});

test(`a fleet of ${AGENTS} agents connects through a bounded ramp and each gets its RI’s routes`, async () => {
  const cn = await FakeControlNode.start({ reflect: true });
  const fleet = new AgentFleet({ control: cn.address, holdTimeMs: 3000, maxConnecting: 16 });
  let handshaking = 0;
  let maxHandshaking = 0;
  try {
    for (let i = 0; i < AGENTS; i++) {
      const a = fleet.add({ name: `sim-${i}`, address: testNetAddress(i) });
      a.subscribe(ri(i), 1);
      // One route of its own, and one anycast prefix every agent of the RI shares (ECMP at the others).
      a.addInterface({ uuid: `vmi-${i}`, ri: ri(i), address: `10.${i % RIS}.${i}.1`, label: 16 + i });
      a.addInterface({ uuid: `vmi-any-${i}`, ri: ri(i), address: anycast(i), label: 1000 + i });
      a.on('state', (s) => {
        if (s === 'connecting') maxHandshaking = Math.max(maxHandshaking, ++handshaking);
        if (s === 'established' || s === 'backoff' || s === 'stopped') handshaking--;
      });
    }
    fleet.start();
    await fleet.waitForAllEstablished(10_000);
    const perRi = AGENTS / RIS;
    await fleet.waitUntil(
      (f) =>
        f.agents.every(
          (a, i) =>
            a.routes(ri(i)).length === perRi + 1 && a.route(ri(i), anycast(i))?.nextHops.length === perRi,
        ),
      10_000,
      'every agent has its RI’s routes',
    );
    await fleet.waitForAllEndOfRib(5000);

    expect(maxHandshaking).toBeLessThanOrEqual(16);
    expect(fleet.ticker.size).toBe(AGENTS);
    expect(fleet.states()).toEqual({ established: AGENTS });
    const a7 = fleet.get('sim-7')!;
    expect(a7.lookup(ri(7), '10.7.17.1')?.nextHops).toEqual([
      expect.objectContaining({ address: testNetAddress(17), label: 16 + 17, encapsulation: 'gre' }),
    ]);
    expect(a7.route(ri(7), anycast(7))!.nextHops.filter((n) => n.interface !== undefined)).toHaveLength(1);
    expect(a7.lookup(ri(8), '10.8.18.1')).toBeUndefined();
    const c = fleet.counters();
    expect(c).toMatchObject({
      established: AGENTS,
      flaps: 0,
      subscribesSent: AGENTS,
      reachSent: 2 * AGENTS,
      endOfRibReceived: AGENTS,
      badItems: 0,
    });
  } finally {
    await fleet.stop();
    await cn.stop();
  }
  expect(fleet.ticker.size).toBe(0);
});
