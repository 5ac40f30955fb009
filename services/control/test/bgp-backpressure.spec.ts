import { packUpdates, parseRouteTarget, type Family, type UpdateMessage, type VpnPrefix } from '@skein/bgp';
import { FakePeer } from './fake-peer';
import { Lab, soon } from './harness';

// A BGP peer that stops reading must not make the control node queue every change for it: past
// SEND_QUEUE_LIMIT (src/bgp/neighbor.ts) queued bytes its output waits in the Rib, coalesced per route, and the other members of
// its update group go on; once it reads again it gets each route once, in its last state.
describe('BGP backpressure', () => {
  const FEEDER = { as: 64512, id: '127.0.0.21', families: ['inet-vpn'] as Family[] };
  const SLOW = { as: 65001, id: '127.0.0.22', families: ['inet-vpn'] as Family[] };
  const FAST = { as: 65001, id: '127.0.0.23', families: ['inet-vpn'] as Family[] };
  const ROUTES = 100_000;
  const ROUNDS = 16;
  let lab: Lab;

  beforeAll(async () => {
    lab = await Lab.start({
      router: { autonomous_system: 64512, identifier: '198.51.100.254', address: '127.0.0.1', hold_time: 90 },
    });
    await lab.createPassivePeer('feeder', FEEDER);
    await lab.createPassivePeer('slow', SLOW);
    await lab.createPassivePeer('fast', FAST);
    await lab.sync();
  });
  afterAll(async () => lab?.close());

  /** Follows a fake peer's UPDATEs as they arrive: the MED each prefix was last announced with. */
  function follow(p: FakePeer) {
    const med = new Map<string, number>();
    let seen = 0;
    let nlri = 0;
    return {
      med,
      get nlri() {
        return nlri;
      },
      poll() {
        for (; seen < p.messages.length; seen++) {
          const m = p.messages[seen]!;
          if (m.type !== 'update') continue;
          const reach = (m as UpdateMessage).attributes.mpReach;
          if (reach === undefined) continue;
          for (const n of reach.nlri as VpnPrefix[]) med.set(n.prefix, (m as UpdateMessage).attributes.med!);
          nlri += reach.nlri.length;
        }
      },
    };
  }

  it('holds a stalled peer back, keeps its group going, and catches it up once per route', async () => {
    const connect = async (o: typeof FEEDER) => {
      const p = await FakePeer.connect(o.id, lab.cn.ports.bgp);
      await p.handshake(FakePeer.open({ ...o, holdTime: 0 }));
      return p;
    };
    const feeder = await connect(FEEDER);
    const slow = await connect(SLOW);
    const fast = await connect(FAST);
    slow.socket.pause();
    const f = follow(fast);

    const prefix = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`;
    const rt = parseRouteTarget('target:64512:1');
    for (let round = 1; round <= ROUNDS; round++) {
      const announce = Array.from({ length: ROUTES }, (_, i) => ({
        rd: '192.0.2.99:1',
        prefix: prefix(i),
        label: 16 + (i % 1000),
      }));
      const updates = packUpdates(
        {
          family: 'inet-vpn',
          attributes: { origin: 0, asPath: [], localPref: 100, med: round, extCommunities: [rt] },
          nextHop: '192.0.2.99',
          announce,
        },
        { as4: true },
      );
      for (const u of updates) feeder.send(u);
      await soon(
        () => {
          f.poll();
          return f.med.get(prefix(ROUTES - 1)) === round || undefined;
        },
        `round ${round} at the peer that reads`,
        60_000,
      );
    }
    expect([...f.med.values()].every((m) => m === ROUNDS)).toBe(true);
    expect(f.nlri).toBeGreaterThanOrEqual(ROUTES * ROUNDS);

    const slowView = await lab.introspect('/neighbors/slow');
    const fastView = await lab.introspect('/neighbors/fast');
    expect(slowView.counters.blocked).toBeGreaterThanOrEqual(1);
    expect(fastView.counters.blocked).toBe(0);
    expect(slowView.state).toBe('Established');
    const s = follow(slow);
    slow.socket.resume();
    await soon(
      () => {
        s.poll();
        return (s.med.size === ROUTES && [...s.med.values()].every((m) => m === ROUNDS)) || undefined;
      },
      'the stalled peer caught up',
      60_000,
    );
    // It got what was in flight when it was blocked (the kernel's socket buffers, ~4-6 MB on loopback, plus
    // SEND_QUEUE_LIMIT: some 400,000 NLRIs), then each route once: far fewer than the 1,600,000 it missed.
    expect(s.nlri).toBeLessThan((ROUTES * ROUNDS) / 2);
    expect((await lab.introspect('/neighbors/slow')).state).toBe('Established');
    for (const p of [feeder, slow, fast]) p.destroy();
  }, 180_000);
});
