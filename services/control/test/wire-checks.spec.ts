import {
  FAMILIES,
  endOfRibFamily,
  firstAs,
  type BgpMessage,
  type Family,
  type OpenMessage,
  type UpdateMessage,
} from '@skein/bgp';
import type { Agent } from '@skein/agent-sim';
import { FakePeer, attributeTypes } from './fake-peer';
import { Lab, never, soon, type Vn } from './harness';

// routing.md Part F 32 and 34 observed on the wire, with hand-driven BGP speakers instead of BIRD/gobgpd:
// BIRD fills in its own LOCAL_PREF for eBGP routes (so "no LOCAL_PREF" cannot be seen through birdc), and
// gobgpd's soft reset-in sends no ROUTE-REFRESH (so only BIRD exercised it).
describe('checks 32 and 34 on the wire (hand-driven peers)', () => {
  const AGENT = '192.0.2.41';
  const V4 = '10.1.1.32/32';
  const V6 = 'fd00::32/128';
  const EBGP = { as: 65001, id: '127.0.0.7', families: ['inet', 'inet-vpn', 'inet6-vpn'] as Family[] };
  const IBGP = { as: 64512, id: '127.0.0.8', families: ['inet-vpn', 'inet6-vpn'] as Family[] };

  let lab: Lab;
  let blue: Vn;
  let agent: Agent;
  let ebgp: FakePeer;
  let ibgp: FakePeer;
  let ebgpFrames: Buffer[];
  let ibgpFrames: Buffer[];

  const isUpdate = (m: BgpMessage): m is UpdateMessage => m.type === 'update';
  /** An UPDATE announcing `prefix` in `family` through MP_REACH_NLRI. */
  const announces = (family: Family, prefix: string) => (m: BgpMessage) =>
    isUpdate(m) &&
    m.attributes.mpReach?.family === family &&
    m.attributes.mpReach.nlri.some((n) => (n as { prefix?: string }).prefix === prefix);
  /** The last UPDATE announcing `prefix` before message index `before` (the peer's current view of it). */
  const lastAnnouncement = (p: FakePeer, family: Family, prefix: string, before = p.messages.length) =>
    p.messages.slice(0, before).filter(announces(family, prefix)).pop() as UpdateMessage | undefined;
  const eorFamilies = (p: FakePeer) =>
    p.messages
      .filter(isUpdate)
      .map((m) => endOfRibFamily(m))
      .filter((f): f is Family => f !== undefined);
  const neighbor = (name: string) => lab.introspect(`/neighbors/${name}`);
  const refresh = (afi: number, safi: number): BgpMessage => ({
    type: 'route-refresh',
    afi,
    safi,
    subtype: 0,
  });

  async function connect(o: { as: number; id: string; families: Family[] }): Promise<[FakePeer, Buffer[]]> {
    const p = await FakePeer.connect(o.id, lab.cn.ports.bgp);
    const frames = p.captureFrames();
    // Hold time 0: no keepalives either way, so every message after the handshake is an UPDATE we caused.
    await p.handshake(FakePeer.open({ ...o, holdTime: 0 }));
    return [p, frames];
  }

  beforeAll(async () => {
    lab = await Lab.start({
      router: { autonomous_system: 64512, identifier: '198.51.100.254', address: '127.0.0.1', hold_time: 9 },
    });
    blue = await lab.createVn('blue');
    await lab.createPassivePeer('ebgp', EBGP);
    await lab.createPassivePeer('ibgp', IBGP);
    await lab.sync();
    [ebgp, ebgpFrames] = await connect(EBGP);
    [ibgp, ibgpFrames] = await connect(IBGP);
    // The initial (empty) download ends with End-of-RIB for every negotiated family.
    await soon(() => eorFamilies(ebgp).length === 3 || undefined, 'eBGP End-of-RIB');
    await soon(() => eorFamilies(ibgp).length === 2 || undefined, 'iBGP End-of-RIB');

    // As check 15: an agent subscribed to blue with instance id 3 publishes a v4 and a v6 host route.
    agent = await lab.agent('a32', AGENT);
    agent.subscribe(blue.ri, 3);
    agent.addInterface({
      uuid: 'vmi-a32',
      ri: blue.ri,
      address: '10.1.1.32',
      label: 71,
      encapsulations: ['gre'],
      vn: blue.fq.join(':'),
    });
    agent.addInterface({
      uuid: 'vmi-a32-6',
      ri: blue.ri,
      address: 'fd00::32',
      label: 72,
      encapsulations: ['gre'],
      vn: blue.fq.join(':'),
    });
    agent.start();
    for (const p of [ebgp, ibgp]) {
      await p.waitFor(announces('inet-vpn', V4));
      await p.waitFor(announces('inet6-vpn', V6));
    }
  });

  afterAll(async () => {
    ebgp?.destroy();
    ibgp?.destroy();
    await lab?.close();
  });

  afterEach(async () => {
    // Neither peer was reset by anything the tests sent.
    for (const [name, p] of [
      ['ebgp', ebgp],
      ['ibgp', ibgp],
    ] as const) {
      expect(p.closed).toBe(false);
      expect(p.messages.some((m) => m.type === 'notification')).toBe(false);
      const n = await neighbor(name);
      expect(n.state).toBe('Established');
      expect(n.flaps).toBe(0);
    }
    expect((await lab.introspect('/health')).status).toBe('ok');
  });

  it('32: towards eBGP AS_PATH starts 64512, no LOCAL_PREF, VPN next hop unchanged; iBGP gets LOCAL_PREF 100', async () => {
    expect([...(await neighbor('ebgp')).negotiated_families].sort()).toEqual([
      'inet',
      'inet-vpn',
      'inet6-vpn',
    ]);
    expect(eorFamilies(ebgp).sort()).toEqual(['inet', 'inet-vpn', 'inet6-vpn']);
    const rt = { kind: 'route-target', form: 'as2', asn: 64512, value: Number(blue.rt.split(':')[2]) };
    const originVn = { kind: 'origin-vn', form: 'as2', asn: 64512, vnIndex: blue.vnIndex };
    const gre = { kind: 'encapsulation', tunnelType: 2 };

    const v4 = lastAnnouncement(ebgp, 'inet-vpn', V4)!;
    const v6 = lastAnnouncement(ebgp, 'inet6-vpn', V6)!;
    for (const u of [v4, v6]) {
      expect(u.attributes.asPath).toEqual([{ type: 'sequence', asns: [64512] }]);
      expect(firstAs(u.attributes.asPath)).toBe(64512);
      expect(u.attributes).not.toHaveProperty('localPref');
      expect(u.attributes.originatorId).toBeUndefined();
      expect(u.attributes.clusterList).toBeUndefined();
      expect(u.attributes.origin).toBe(2); // incomplete, as agent routes are
      expect(u.attributes.med).toBe(200); // from LP 100; kept: not learned across an AS
      expect(u.attributes.extCommunities).toEqual(expect.arrayContaining([rt, originVn, gre]));
      expect(u.withdrawn).toEqual([]);
      expect(u.nlri).toEqual([]);
    }
    expect(v4.attributes.mpReach).toEqual({
      family: 'inet-vpn',
      nextHop: AGENT,
      nlri: [{ rd: `${AGENT}:3`, prefix: V4, label: 71 }],
    });
    expect(v6.attributes.mpReach).toEqual({
      family: 'inet6-vpn',
      nextHop: `::ffff:${AGENT}`, // RFC 4659 §3.2.1.1: the IPv4 end point, mapped
      nlri: [{ rd: `${AGENT}:3`, prefix: V6, label: 72 }],
    });
    // Agent routes stay in the VRF: nothing in plain inet (only its End-of-RIB).
    expect(ebgp.messages.filter(isUpdate).some((m) => m.nlri.length > 0 || m.withdrawn.length > 0)).toBe(
      false,
    );

    // On the wire, not just after decoding: no attribute 5 in any UPDATE to the eBGP peer. The reach
    // UPDATEs carry ORIGIN (1), AS_PATH (2), MED (4), MP_REACH_NLRI (14) and EXTENDED COMMUNITIES (16), and
    // nothing else: no NEXT_HOP (3) either, which RFC 4760 §3 says an MP-only UPDATE should not carry.
    const ebgpUpdates = ebgpFrames.filter((f) => f[18] === 2);
    expect(ebgpUpdates.length).toBe(ebgp.messages.filter(isUpdate).length);
    const reach = ebgpUpdates.filter((f) => attributeTypes(f).includes(14));
    expect(reach.length).toBeGreaterThanOrEqual(2);
    for (const f of reach) {
      const types = attributeTypes(f);
      expect(types).toEqual(expect.arrayContaining([1, 2, 4, 14, 16]));
      expect(types.filter((t) => ![1, 2, 4, 14, 16].includes(t))).toEqual([]);
      expect(types).not.toContain(5);
    }

    // The contrast: the iBGP peer gets the same routes with LOCAL_PREF 100 and an empty AS_PATH.
    const i4 = lastAnnouncement(ibgp, 'inet-vpn', V4)!;
    const i6 = lastAnnouncement(ibgp, 'inet6-vpn', V6)!;
    for (const u of [i4, i6]) {
      expect(u.attributes.localPref).toBe(100);
      expect(u.attributes.asPath).toEqual([]);
      expect(u.attributes.med).toBe(200);
      expect(u.attributes.extCommunities).toEqual(expect.arrayContaining([rt, originVn, gre]));
    }
    expect(i4.attributes.mpReach).toEqual(v4.attributes.mpReach);
    expect(i6.attributes.mpReach).toEqual(v6.attributes.mpReach);
    const ibgpReach = ibgpFrames.filter((f) => f[18] === 2 && attributeTypes(f).includes(14));
    expect(ibgpReach.length).toBeGreaterThanOrEqual(2);
    for (const f of ibgpReach) expect(attributeTypes(f)).toContain(5);
  });

  it('34: ROUTE-REFRESH re-sends the Adj-RIB-Out of that family only; unnegotiated families ignored but counted', async () => {
    // The control node offers the capability (RFC 2918 §3).
    const open = ebgp.messages[0] as OpenMessage;
    expect(open.type).toBe('open');
    expect(open.capabilities).toContainEqual({ kind: 'route-refresh' });

    const before = (await neighbor('ebgp')).counters.route_refresh;
    const ibgpCount = ibgp.messages.length;
    const v4 = lastAnnouncement(ebgp, 'inet-vpn', V4)!;
    const v6 = lastAnnouncement(ebgp, 'inet6-vpn', V6)!;

    // inet-vpn (AFI 1 / SAFI 128) → the same route, same attributes, again.
    const mark = ebgp.messages.length;
    ebgp.send(refresh(FAMILIES['inet-vpn'].afi, FAMILIES['inet-vpn'].safi));
    const again = (await ebgp.waitForFrom(mark, announces('inet-vpn', V4))) as UpdateMessage;
    expect(again).toEqual(v4);
    await soon(
      async () => (await neighbor('ebgp')).counters.route_refresh === before + 1 || undefined,
      'route_refresh +1',
    );

    // Not negotiated on this session: inet6 (2/1), e-vpn (25/70), route-target (1/132); unknown AFI/SAFI
    // (1/5); and inet (1/1), negotiated but with nothing to send. RFC 2918 §4: ignored, no NOTIFICATION.
    // An inet6-vpn refresh last is the marker: the control node handles one session's input in order, so
    // once its re-send arrives, whatever the others caused has arrived too.
    const noResend: [number, number][] = [
      [2, 1],
      [25, 70],
      [1, 132],
      [1, 5],
      [1, 1],
    ];
    for (const [afi, safi] of noResend) ebgp.send(refresh(afi, safi));
    ebgp.send(refresh(FAMILIES['inet6-vpn'].afi, FAMILIES['inet6-vpn'].safi));
    const again6 = (await ebgp.waitForFrom(mark, announces('inet6-vpn', V6))) as UpdateMessage;
    expect(again6).toEqual(v6);

    // Everything since the first refresh: exactly the two re-sent UPDATEs, no End-of-RIB (no RFC 7313
    // enhanced refresh), nothing for any of these.
    expect(ebgp.messages.slice(mark)).toEqual([v4, v6]);
    // Every ROUTE-REFRESH received is counted, the ignored ones too.
    await soon(
      async () =>
        (await neighbor('ebgp')).counters.route_refresh === before + 2 + noResend.length || undefined,
      'route_refresh counted',
    );
    expect((await neighbor('ebgp')).counters.route_refresh).toBe(before + 2 + noResend.length);
    // The other peer is not sent anything for it.
    expect(await never(() => ibgp.messages.length !== ibgpCount, 300)).toBe(true);
    expect((await neighbor('ibgp')).counters.route_refresh).toBe(0);

    // A route the agent adds afterwards still goes out normally (the refresh left no state behind).
    const mark2 = ebgp.messages.length;
    agent.addInterface({
      uuid: 'vmi-a32-b',
      ri: blue.ri,
      address: '10.1.1.33',
      label: 73,
      encapsulations: ['gre'],
      vn: blue.fq.join(':'),
    });
    const added = (await ebgp.waitForFrom(mark2, announces('inet-vpn', '10.1.1.33/32'))) as UpdateMessage;
    expect(added.attributes.mpReach?.nlri).toEqual([{ rd: `${AGENT}:3`, prefix: '10.1.1.33/32', label: 73 }]);
    expect(added.attributes).not.toHaveProperty('localPref');
    // And a refresh now re-sends both inet-vpn routes, with the attributes they were last sent with.
    const mark3 = ebgp.messages.length;
    ebgp.send(refresh(1, 128));
    await soon(
      () =>
        (ebgp.messages.slice(mark3).some(announces('inet-vpn', V4)) &&
          ebgp.messages.slice(mark3).some(announces('inet-vpn', '10.1.1.33/32'))) ||
        undefined,
      'both re-sent',
    );
    // One entry per re-sent NLRI with the other attributes of its UPDATE.
    const withoutReach = (m: UpdateMessage) => ({ ...m.attributes, mpReach: undefined });
    const resent = ebgp.messages
      .slice(mark3)
      .filter(isUpdate)
      .flatMap((m) => (m.attributes.mpReach?.nlri ?? []).map((n) => ({ n, attrs: withoutReach(m) })));
    expect(resent).toHaveLength(2);
    expect(resent).toEqual(
      expect.arrayContaining([
        { n: { rd: `${AGENT}:3`, prefix: V4, label: 71 }, attrs: withoutReach(v4) },
        { n: { rd: `${AGENT}:3`, prefix: '10.1.1.33/32', label: 73 }, attrs: withoutReach(added) },
      ]),
    );
  });
});
