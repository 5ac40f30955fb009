import { Lab, soon, type Vn } from './harness';

// A slow agent must not make the control node queue every change for it: its output waits in the Rib,
// coalesced per route, until its socket drains; agents that keep up are not held back.
describe('XMPP backpressure', () => {
  let lab: Lab;
  let blue: Vn;

  beforeAll(async () => {
    lab = await Lab.start();
    blue = await lab.createVn('blue');
    await lab.sync();
  });
  afterAll(async () => lab?.close());

  it('holds a stalled agent back, keeps the others going, and catches it up once per route in its last state', async () => {
    const ROUTES = 8000;
    const ROUNDS = 3;
    const pub = await lab.agent('pub', '192.0.2.11');
    const slow = await lab.agent('slow', '192.0.2.12');
    const fast = await lab.agent('fast', '192.0.2.13');
    for (const [a, id] of [
      [pub, 3],
      [slow, 4],
      [fast, 5],
    ] as const) {
      a.subscribe(blue.ri, id);
      a.start();
    }
    await Promise.all([slow.waitForEndOfRib(), fast.waitForEndOfRib()]);
    slow.pauseReading();

    const address = (i: number) => `10.${1 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
    const vn = blue.fq.join(':');
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < ROUTES; i++) {
        if (round > 0) pub.removeInterface(`vmi-${i}`);
        pub.addInterface({ uuid: `vmi-${i}`, ri: blue.ri, address: address(i), label: 100 + round, vn });
      }
      const last = address(ROUTES - 1);
      await fast.waitForRoute(blue.ri, `${last}/32`, (e) => e.nextHops[0]?.label === 100 + round, 60_000);
    }
    // Every round reached the agent that reads; the stalled one was blocked and sent far less meanwhile.
    const view = (name: string) => lab.introspect(`/neighbors/${name}`);
    const held = await view('slow');
    const fastView = await view('fast');
    expect(held.counters.blocked).toBeGreaterThanOrEqual(1);
    expect(fastView.counters.blocked).toBe(0);
    expect(fastView.counters.sent_items).toBeGreaterThanOrEqual(ROUTES * ROUNDS);
    expect(held.counters.sent_items).toBeLessThan(ROUTES * 2);

    slow.resumeReading();
    await soon(
      () =>
        slow.routes(blue.ri).filter((e) => e.nextHops[0]?.label === 100 + ROUNDS - 1).length === ROUTES ||
        undefined,
      'the stalled agent caught up',
      60_000,
    );
    // Caught up with each route's last state, not with every change it missed.
    const after = await view('slow');
    expect(after.counters.sent_items).toBeLessThan(ROUTES * 3);
    expect(slow.routes(blue.ri)).toHaveLength(ROUTES);
    expect(after.state).toBe('Established');
    await Promise.all([pub.stop(), slow.stop(), fast.stop()]);
  }, 120_000);
});
