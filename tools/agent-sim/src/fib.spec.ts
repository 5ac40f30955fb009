import type { NextHop, RouteEntry } from '@skein/xmpp';
import { Agent } from './agent';
import { PrefixTable } from './prefix-table';
import { FakeControlNode, waitUntil, type FakeSession } from './testing/fake-control-node';

const BLUE = 'default-domain:p1:blue:blue';
const BLUE_VN = 'default-domain:p1:blue';

const nh = (address: string, label: number, more: Partial<NextHop> = {}): NextHop => ({
  address,
  label,
  tunnelEncapsulations: ['gre', 'udp'],
  tags: [],
  ...more,
});
const inet = (prefix: string, nextHops: NextHop[], more: Partial<RouteEntry> = {}): RouteEntry => ({
  nlri: { family: prefix.includes(':') ? 'inet6' : 'inet', prefix },
  nextHops,
  securityGroups: [],
  communityTags: [],
  version: 1,
  virtualNetwork: BLUE_VN,
  localPreference: 100,
  ...more,
});

describe('PrefixTable', () => {
  test('longest prefix wins, for IPv4 and IPv6', () => {
    const t4 = new PrefixTable<string>(4);
    for (const p of ['0.0.0.0/0', '10.0.0.0/8', '10.1.0.0/16', '10.1.1.0/24', '10.1.1.3/32']) t4.set(p, p);
    expect(t4.lookup('10.1.1.3')?.prefix).toBe('10.1.1.3/32');
    expect(t4.lookup('10.1.1.4')?.prefix).toBe('10.1.1.0/24');
    expect(t4.lookup('10.1.2.4')?.prefix).toBe('10.1.0.0/16');
    expect(t4.lookup('10.200.0.1')?.prefix).toBe('10.0.0.0/8');
    expect(t4.lookup('192.0.2.1')?.prefix).toBe('0.0.0.0/0');
    expect(t4.lookup('fd00::1')).toBeUndefined();
    expect(t4.lookup('not an address')).toBeUndefined();
    t4.delete('10.1.1.0/24');
    t4.delete('0.0.0.0/0');
    expect(t4.lookup('10.1.1.4')?.prefix).toBe('10.1.0.0/16');
    expect(t4.lookup('192.0.2.1')).toBeUndefined();
    expect(t4.size).toBe(3);

    const t6 = new PrefixTable<string>(6);
    for (const p of ['fd00::/8', 'fd00:0:0:1::/64', 'fd00:0:0:1::3/128']) t6.set(p, p);
    expect(t6.lookup('FD00:0:0:1:0:0:0:3')?.prefix).toBe('fd00:0:0:1::3/128');
    expect(t6.lookup('fd00:0:0:1::9')?.prefix).toBe('fd00:0:0:1::/64');
    expect(t6.lookup('fd12::1')?.prefix).toBe('fd00::/8');
    expect(t6.lookup('2001:db8::1')).toBeUndefined();
  });
});

describe('forwarding tables from control-node messages', () => {
  let server: FakeControlNode;
  let a: Agent;
  let s: FakeSession;

  beforeEach(async () => {
    server = await FakeControlNode.start();
    a = new Agent({ name: 'agent-c', address: '192.0.2.13', control: server.address, holdTimeMs: 3000 });
    a.subscribe(BLUE, 3);
    a.addInterface({
      uuid: 'vmi-c',
      ri: BLUE,
      address: '10.1.1.30',
      label: 30,
      vn: BLUE_VN,
      securityGroups: [8000002],
    });
    a.start();
    s = await server.waitForSession('agent-c');
    await waitUntil(() => s.updates.some((u) => u.kind === 'end-of-rib'));
  });

  afterEach(async () => {
    await a.stop();
    await server.stop();
  });

  test('two next hops are one ECMP entry; a retract removes it', async () => {
    s.sendRoutes('inet', BLUE, [
      {
        op: 'add',
        entry: inet(
          '10.1.1.3/32',
          [
            nh('192.0.2.11', 21, { tags: [5] }),
            nh('192.0.2.12', 22, { tunnelEncapsulations: ['udp', 'vxlan'] }),
          ],
          {
            securityGroups: [8000002],
            med: 200,
          },
        ),
      },
    ]);
    const e = await a.waitForRoute(BLUE, '10.1.1.3/32', (x) => x.nextHops.length === 2);
    expect(e).toMatchObject({ ri: BLUE, family: 'inet', prefix: '10.1.1.3/32', stale: false });
    expect(e.nextHops).toEqual([
      {
        address: '192.0.2.11',
        label: 21,
        encapsulation: 'gre',
        encapsulations: ['gre', 'udp'],
        vn: BLUE_VN,
        sgs: [8000002],
        tags: [5],
      },
      {
        address: '192.0.2.12',
        label: 22,
        encapsulation: 'udp',
        encapsulations: ['udp', 'vxlan'],
        vn: BLUE_VN,
        sgs: [8000002],
        tags: [],
      },
    ]);
    expect(e.learned).toMatchObject({ localPreference: 100, med: 200 });

    // A change replaces the entry: one path left.
    s.sendRoutes('inet', BLUE, [{ op: 'add', entry: inet('10.1.1.3/32', [nh('192.0.2.12', 22)]) }]);
    await a.waitForRoute(
      BLUE,
      '10.1.1.3',
      (x) => x.nextHops.length === 1 && x.nextHops[0]!.address === '192.0.2.12',
    );

    s.sendRoutes('inet', BLUE, [{ op: 'retract', nlri: { family: 'inet', prefix: '10.1.1.3/32' } }]);
    await a.waitForWithdraw(BLUE, '10.1.1.3/32');
    expect(a.route(BLUE, '10.1.1.3/32')).toBeUndefined();
    expect(a.counters).toMatchObject({ reachReceived: 2, unreachReceived: 1, badItems: 0 });
  });

  test('lookup is longest-prefix match over learned and local routes', async () => {
    s.sendRoutes('inet', BLUE, [
      { op: 'add', entry: inet('10.1.0.0/16', [nh('192.0.2.11', 16)]) },
      { op: 'add', entry: inet('10.1.1.0/24', [nh('192.0.2.12', 24)]) },
    ]);
    s.sendRoutes('inet6', BLUE, [{ op: 'add', entry: inet('fd00::/64', [nh('192.0.2.12', 64)]) }]);
    await a.waitForRoute(BLUE, 'fd00::/64');
    await a.waitForRoute(BLUE, '10.1.1.0/24');
    expect(a.lookup(BLUE, '10.1.1.7')?.prefix).toBe('10.1.1.0/24');
    expect(a.lookup(BLUE, '10.1.9.7')?.prefix).toBe('10.1.0.0/16');
    expect(a.lookup(BLUE, '10.2.0.1')).toBeUndefined();
    expect(a.lookup(BLUE, 'fd00::42')?.nextHops[0]).toMatchObject({ address: '192.0.2.12', label: 64 });
    expect(a.lookup('default-domain:p1:red:red', '10.1.1.7')).toBeUndefined();
    // The agent's own interface is in its VRF as a local next hop.
    expect(a.lookup(BLUE, '10.1.1.30')).toMatchObject({
      prefix: '10.1.1.30/32',
      learned: undefined,
      nextHops: [{ address: '192.0.2.13', label: 30, interface: 'vmi-c', vn: BLUE_VN, sgs: [8000002] }],
    });

    expect(a.forward({ ri: BLUE, dst: '10.1.1.30' })).toMatchObject({
      action: 'local',
      nextHop: { interface: 'vmi-c' },
    });
    expect(a.forward({ ri: BLUE, dst: '10.1.9.7' })).toMatchObject({
      action: 'tunnel',
      route: { prefix: '10.1.0.0/16' },
      nextHop: { address: '192.0.2.11', label: 16, encapsulation: 'gre' },
      trace: ['route-lookup', 'ecmp-select'],
    });
    expect(a.forward({ ri: BLUE, dst: '10.9.9.9' })).toMatchObject({ action: 'drop', reason: 'no-route' });
  });

  test('ECMP choice is per flow and stable; unusable encapsulations are not members', async () => {
    s.sendRoutes('inet', BLUE, [
      { op: 'add', entry: inet('10.1.2.0/24', [nh('192.0.2.11', 21), nh('192.0.2.12', 22)]) },
      { op: 'add', entry: inet('10.1.3.0/24', [nh('192.0.2.11', 21, { tunnelEncapsulations: ['nvgre'] })]) },
    ]);
    await a.waitForRoute(BLUE, '10.1.3.0/24');
    const chosen = new Set<string>();
    for (let sport = 1000; sport < 1064; sport++) {
      const flow = { ri: BLUE, src: '10.1.1.30', dst: '10.1.2.5', proto: 6, sport, dport: 80 };
      const v1 = a.forward(flow);
      const v2 = a.forward(flow);
      expect(
        v1.action === 'tunnel' && v2.action === 'tunnel' && v1.nextHop.address === v2.nextHop.address,
      ).toBe(true);
      if (v1.action === 'tunnel') chosen.add(v1.nextHop.address);
    }
    expect([...chosen].sort()).toEqual(['192.0.2.11', '192.0.2.12']);
    expect(a.forward({ ri: BLUE, dst: '10.1.3.1' })).toMatchObject({
      action: 'drop',
      reason: 'no-usable-next-hop',
    });
  });

  test('end-of-RIB, bad items and routes for RIs not subscribed are counted', async () => {
    expect(a.endOfRibReceived).toBe(false);
    // An item whose id and nlri disagree does not decode; it is dropped, the rest applies.
    s.send(
      "<message from='network-control@contrailsystems.com' to='agent-c/bgp-peer'><event xmlns='http://jabber.org/protocol/pubsub'>" +
        `<items node='1/1/${BLUE}'><item id='10.1.1.300/32'><entry/></item><retract id='10.9.9.9/32'/></items></event></message>`,
    );
    s.sendRoutes('inet', 'default-domain:p1:red:red', [
      { op: 'add', entry: inet('10.2.0.1/32', [nh('192.0.2.11', 21)]) },
    ]);
    s.sendEndOfRib();
    await a.waitForEndOfRib();
    expect(a.endOfRibReceived).toBe(true);
    expect(a.counters).toMatchObject({ endOfRibReceived: 1, badItems: 2, unreachReceived: 1 });
    expect(a.state).toBe('established');
  });

  test('EVPN entries keep next hops and the broadcast olist', async () => {
    s.sendRoutes('evpn', BLUE, [
      {
        op: 'add',
        entry: {
          nlri: { family: 'evpn', ethernetTag: 0, mac: '02:aa:00:00:00:03', address: '10.1.1.3/32' },
          nextHops: [nh('192.0.2.11', 21)],
          securityGroups: [],
          communityTags: [],
        },
      },
      {
        op: 'add',
        entry: {
          nlri: { family: 'evpn', ethernetTag: 0, mac: 'ff:ff:ff:ff:ff:ff', address: '0.0.0.0/32' },
          nextHops: [],
          olist: [nh('192.0.2.11', 1003), nh('192.0.2.12', 1004)],
          securityGroups: [],
          communityTags: [],
        },
      },
    ]);
    const bum = await a.waitForEvpnRoute(BLUE, 'ff:ff:ff:ff:ff:ff,0.0.0.0/32');
    expect(bum.olist.map((o) => o.address)).toEqual(['192.0.2.11', '192.0.2.12']);
    expect(a.evpnRoute(BLUE, '02:AA:00:00:00:03,10.1.1.3/32')?.nextHops[0]).toMatchObject({
      address: '192.0.2.11',
      label: 21,
    });
    expect(a.evpnRoutesForMac(BLUE, '02:aa:00:00:00:03')).toHaveLength(1);
    s.sendRoutes('evpn', BLUE, [
      {
        op: 'retract',
        nlri: { family: 'evpn', ethernetTag: 0, mac: '02:aa:00:00:00:03', address: '10.1.1.3/32' },
      },
    ]);
    await a.waitForWithdraw(BLUE, '02:aa:00:00:00:03,10.1.1.3/32');
  });

  test('route events are reported to listeners', async () => {
    const seen: string[] = [];
    a.on('route', (c) => seen.push(`${c.ri} ${c.key} ${c.entry ? 'add' : 'delete'}`));
    s.sendRoutes('inet', BLUE, [{ op: 'add', entry: inet('10.1.1.4/32', [nh('192.0.2.11', 21)]) }]);
    s.sendRoutes('inet', BLUE, [{ op: 'retract', nlri: { family: 'inet', prefix: '10.1.1.4/32' } }]);
    await a.waitForWithdraw(BLUE, '10.1.1.4/32');
    await waitUntil(() => seen.length === 2);
    expect(seen).toEqual([`${BLUE} 10.1.1.4/32 add`, `${BLUE} 10.1.1.4/32 delete`]);
  });
});
