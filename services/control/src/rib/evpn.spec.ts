import { ZERO_ESI, parseRouteTarget, type EvpnRoute } from '@skein/bgp';
import type { RouteEntry } from '@skein/xmpp';
import { BLUE, BLUE_RT, addAgent, agentUpdates, announced, blueRed, newRib } from './rib.spec-helper';

const MAC = '02:00:00:00:00:01';
const BCAST = 'ff:ff:ff:ff:ff:ff';

function evpn(mac: string, address: string, nextHop: string, label: number): RouteEntry {
  return {
    nlri: { family: 'evpn', ethernetTag: 0, mac, address },
    nextHops: [{ address: nextHop, label, tunnelEncapsulations: ['vxlan'], tags: [] }],
    securityGroups: [],
    communityTags: [],
  };
}

function setup() {
  const rib = newRib();
  blueRed(rib);
  addAgent(rib, 'a', '192.0.2.11', BLUE, 3);
  addAgent(rib, 'b', '192.0.2.12', BLUE, 4);
  addAgent(rib, 'c', '192.0.2.13', BLUE, 5);
  rib.addBgpPeer({ name: 'pe', address: '127.0.0.5', asn: 64512 });
  rib.bgpPeerUp('pe', ['e-vpn']);
  rib.takeChanges();
  return rib;
}

describe('EVPN (check 24)', () => {
  it('reflects a MAC/IP item to the other agents and exports it as a type-2 route', () => {
    const rib = setup();
    rib.agentPublish('a', BLUE, evpn(MAC, '10.1.1.3/32', '192.0.2.11', 5001));
    const c = rib.takeChanges();
    expect(agentUpdates(c, 'b')).toMatchObject([
      {
        op: 'add',
        entry: {
          nlri: { family: 'evpn', mac: MAC, address: '10.1.1.3/32' },
          nextHops: [{ address: '192.0.2.11', label: 5001, tunnelEncapsulations: ['vxlan'] }],
        },
      },
    ]);
    expect(agentUpdates(c, 'a')).toEqual([]);
    const type2: EvpnRoute = {
      kind: 'mac-ip',
      rd: '192.0.2.11:3',
      esi: ZERO_ESI,
      ethernetTag: 0,
      mac: MAC,
      ip: '10.1.1.3',
      label1: 5001,
    };
    expect(announced(c, 'pe')).toEqual([type2]);
  });

  it('gives each agent an olist of the other BUM members, and exports type-3 routes with PMSI', () => {
    const rib = setup();
    rib.agentPublish('a', BLUE, evpn(BCAST, '0.0.0.0/32', '192.0.2.11', 7001));
    rib.agentPublish('b', BLUE, evpn(BCAST, '0.0.0.0/32', '192.0.2.12', 7002));
    const c = rib.takeChanges();
    const olist = (agent: string) =>
      agentUpdates(c, agent).flatMap((u) =>
        u.op === 'add' ? (u.entry.olist ?? []).map((h) => h.address) : [],
      );
    expect(olist('a')).toEqual(['192.0.2.12']);
    expect(olist('b')).toEqual(['192.0.2.11']);
    expect(olist('c').sort()).toEqual(['192.0.2.11', '192.0.2.12']);
    expect(agentUpdates(c, 'c')[0]).toMatchObject({ op: 'add', entry: { nextHops: [] } });
    const routes = announced(c, 'pe') as EvpnRoute[];
    expect(routes).toEqual(
      expect.arrayContaining([
        { kind: 'inclusive-multicast', rd: '192.0.2.11:3', ethernetTag: 0, originator: '192.0.2.11' },
        { kind: 'inclusive-multicast', rd: '192.0.2.12:4', ethernetTag: 0, originator: '192.0.2.12' },
      ]),
    );
    const pmsi = c.peers[0]!.batches.map((b) => b.attributes?.pmsiTunnel?.label).sort();
    expect(pmsi).toEqual([7001, 7002]);
  });

  it('imports type-2 and type-3 routes from a PE into the VRF', () => {
    const rib = setup();
    const attrs = {
      origin: 0 as const,
      asPath: [],
      localPref: 100,
      extCommunities: [parseRouteTarget(BLUE_RT), { kind: 'encapsulation' as const, tunnelType: 8 }],
      pmsiTunnel: { flags: 0, tunnelType: 6, label: 9000, tunnelId: '10.0.0.5' },
    };
    rib.bgpAnnounce(
      'pe',
      'e-vpn',
      [
        {
          kind: 'mac-ip',
          rd: '10.0.0.5:1',
          esi: ZERO_ESI,
          ethernetTag: 0,
          mac: '02:00:00:00:00:09',
          ip: '10.1.1.9',
          label1: 9001,
        },
        { kind: 'inclusive-multicast', rd: '10.0.0.5:1', ethernetTag: 0, originator: '10.0.0.5' },
      ],
      attrs,
      '10.0.0.5',
    );
    rib.agentPublish('a', BLUE, evpn(BCAST, '0.0.0.0/32', '192.0.2.11', 7001));
    const c = rib.takeChanges();
    const toC = agentUpdates(c, 'c');
    expect(toC).toContainEqual(
      expect.objectContaining({
        op: 'add',
        entry: expect.objectContaining({
          nlri: { family: 'evpn', ethernetTag: 0, mac: '02:00:00:00:00:09', address: '10.1.1.9/32' },
        }),
      }),
    );
    const bum = toC.find(
      (u) => u.op === 'add' && u.entry.nlri.family === 'evpn' && u.entry.nlri.mac === BCAST,
    );
    expect(bum?.op === 'add' && bum.entry.olist!.map((h) => [h.address, h.label]).sort()).toEqual([
      ['10.0.0.5', 9000],
      ['192.0.2.11', 7001],
    ]);
  });
});
