import { parseRouteTarget, type PathAttributes, type VpnPrefix } from '@skein/bgp';
import { AdvertiseReason } from './advertise';
import { explain } from './explain';
import type { Rib } from './rib';
import {
  BLUE,
  BLUE_RT,
  RED,
  addAgent,
  agentUpdates,
  announced,
  blueRed,
  entry,
  newRib,
  peerBatches,
  withdrawn,
} from './rib.spec-helper';

const BLUE_INET = `${BLUE}.inet.0`;
const A_KEY = '192.0.2.11:3:10.1.1.3/32';
const B_KEY = '192.0.2.12:4:10.1.1.3/32';

function vpnAttrs(extra: PathAttributes = {}): PathAttributes {
  return { origin: 0, asPath: [], localPref: 100, extCommunities: [parseRouteTarget(BLUE_RT)], ...extra };
}

/**
 * Blue with agents a, b, c; iBGP peers gobgp, cn2, cn3 (AS 64512), eBGP bird (AS 65001), all with inet-vpn
 * and no route-target (so RT interest does not hide anything here).
 */
function setup(opts: { clusterId?: string } = {}): Rib {
  const rib = newRib(opts);
  blueRed(rib);
  addAgent(rib, 'a', '192.0.2.11', BLUE, 3);
  addAgent(rib, 'b', '192.0.2.12', BLUE, 4);
  addAgent(rib, 'c', '192.0.2.13', BLUE, 5);
  for (const [name, address, asn] of [
    ['gobgp', '127.0.0.2', 64512],
    ['cn2', '10.0.0.2', 64512],
    ['cn3', '10.0.0.3', 64512],
    ['bird', '127.0.0.4', 65001],
  ] as const) {
    rib.addBgpPeer({ name, address, asn });
    rib.bgpPeerUp(name, ['inet-vpn']);
  }
  rib.takeChanges();
  return rib;
}

const vpn = (nlri: unknown[]) => nlri as VpnPrefix[];

describe('reflection (routing.md B9)', () => {
  it('sends an agent path to other agents and every peer, never back to its agent (checks 15, 29)', () => {
    const rib = setup();
    rib.agentPublish('a', BLUE, entry('10.1.1.3/32', '192.0.2.11', 21, { lp: 100 }));
    const c = rib.takeChanges();
    expect(agentUpdates(c, 'a')).toEqual([]);
    expect(agentUpdates(c, 'b')).toMatchObject([
      {
        op: 'add',
        entry: {
          nextHops: [
            {
              address: '192.0.2.11',
              label: 21,
              tunnelEncapsulations: ['gre'],
              virtualNetwork: 'default-domain:p1:blue',
            },
          ],
          localPreference: 100,
          med: 200,
          virtualNetwork: 'default-domain:p1:blue',
        },
      },
    ]);
    const [batch] = peerBatches(c, 'gobgp');
    expect(batch).toMatchObject({
      family: 'inet-vpn',
      nextHop: '192.0.2.11',
      announce: [{ rd: '192.0.2.11:3', prefix: '10.1.1.3/32', label: 21 }],
      attributes: { origin: 2, asPath: [], localPref: 100, med: 200 },
    });
    expect(batch!.attributes!.extCommunities).toEqual(
      expect.arrayContaining([
        parseRouteTarget(BLUE_RT),
        { kind: 'encapsulation', tunnelType: 2 },
        { kind: 'origin-vn', form: 'as2', asn: 64512, vnIndex: 5 },
      ]),
    );
    expect(explain(rib, 'gobgp', 'bgp.l3vpn.0', A_KEY)).toMatchObject({
      advertised: true,
      reason: AdvertiseReason.Advertised,
    });
    expect(explain(rib, 'a', BLUE_INET, '10.1.1.3/32')).toMatchObject({
      advertised: false,
      reason: AdvertiseReason.LearnedFromPeer,
    });
  });

  it('prepends the local AS and drops LOCAL_PREF towards eBGP, keeping the VPN next hop (check 32)', () => {
    const rib = setup();
    rib.agentPublish('a', BLUE, entry('10.1.1.3/32', '192.0.2.11', 21, { lp: 100 }));
    const [batch] = peerBatches(rib.takeChanges(), 'bird');
    expect(batch!.nextHop).toBe('192.0.2.11');
    expect(batch!.attributes!.asPath).toEqual([{ type: 'sequence', asns: [64512] }]);
    expect(batch!.attributes!.localPref).toBeUndefined();
  });

  it('passes on unknown optional transitive attributes marked Partial, and drops the non-transitive ones (RFC 4271 §5)', () => {
    const rib = setup();
    const unknown = [
      { flags: 0xc0, type: 99, value: Buffer.from([1, 2]) },
      { flags: 0x80, type: 98, value: Buffer.from([3]) },
    ];
    rib.bgpAnnounce(
      'gobgp',
      'inet-vpn',
      [{ rd: '10.0.0.9:1', prefix: '10.2.0.0/16', label: 40 }],
      vpnAttrs({ unknown }),
      '10.0.0.9',
    );
    const [batch] = peerBatches(rib.takeChanges(), 'bird');
    expect(batch!.attributes!.unknown).toEqual([{ flags: 0xe0, type: 99, value: Buffer.from([1, 2]) }]);
  });

  it('does not reflect iBGP to iBGP without a cluster id (check 35)', () => {
    const rib = setup();
    rib.bgpAnnounce(
      'cn2',
      'inet-vpn',
      [{ rd: '10.0.0.2:1', prefix: '10.5.0.0/16', label: 50 }],
      vpnAttrs(),
      '192.0.2.50',
    );
    const c = rib.takeChanges();
    expect(announced(c, 'cn3')).toEqual([]);
    expect(announced(c, 'cn2')).toEqual([]);
    expect(vpn(announced(c, 'bird')).map((n) => n.prefix)).toEqual(['10.5.0.0/16']);
    expect(agentUpdates(c, 'c')).toMatchObject([{ op: 'add', entry: { nlri: { prefix: '10.5.0.0/16' } } }]);
    expect(explain(rib, 'cn3', 'bgp.l3vpn.0', '10.0.0.2:1:10.5.0.0/16')).toMatchObject({
      reason: AdvertiseReason.IbgpNotReflected,
      detail: { learned_from: 'cn2' },
    });
    expect(explain(rib, 'cn2', 'bgp.l3vpn.0', '10.0.0.2:1:10.5.0.0/16').reason).toBe(
      AdvertiseReason.LearnedFromPeer,
    );
  });

  it('reflects with ORIGINATOR_ID and CLUSTER_LIST when a cluster id is set, and drops own-cluster routes (check 36)', () => {
    const rib = setup({ clusterId: '0.0.0.9' });
    rib.bgpAnnounce(
      'cn2',
      'inet-vpn',
      [{ rd: '10.0.0.2:1', prefix: '10.5.0.0/16', label: 50 }],
      vpnAttrs(),
      '192.0.2.50',
    );
    const c = rib.takeChanges();
    const [batch] = peerBatches(c, 'cn3');
    expect(batch!.attributes).toMatchObject({
      originatorId: '10.0.0.2',
      clusterList: ['0.0.0.9'],
      localPref: 100,
    });
    expect(announced(c, 'cn2')).toEqual([]);

    rib.bgpAnnounce(
      'cn3',
      'inet-vpn',
      [{ rd: '10.0.0.3:1', prefix: '10.6.0.0/16', label: 60 }],
      vpnAttrs({ clusterList: ['0.0.0.9'] }),
      '192.0.2.60',
    );
    rib.bgpAnnounce(
      'cn3',
      'inet-vpn',
      [{ rd: '10.0.0.3:2', prefix: '10.7.0.0/16', label: 61 }],
      vpnAttrs({ originatorId: '10.0.0.1' }),
      '192.0.2.60',
    );
    const d = rib.takeChanges();
    expect(announced(d, 'bird')).toEqual([]);
    expect(rib.table(BLUE_INET)!.find('10.6.0.0/16')).toBeUndefined();
    expect(explain(rib, 'bird', 'bgp.l3vpn.0', '10.0.0.3:1:10.6.0.0/16').reason).toBe(
      AdvertiseReason.ClusterLoop,
    );
    expect(explain(rib, 'bird', 'bgp.l3vpn.0', '10.0.0.3:2:10.7.0.0/16').reason).toBe(
      AdvertiseReason.ClusterLoop,
    );
  });

  it('drops a received AS_PATH with the local AS beyond loop_count, and never sends a peer its own AS', () => {
    const rib = setup();
    const looped = vpnAttrs({ asPath: [{ type: 'sequence', asns: [65001, 64512] }] });
    rib.bgpAnnounce(
      'bird',
      'inet-vpn',
      [{ rd: '10.0.0.4:1', prefix: '10.8.0.0/16', label: 70 }],
      looped,
      '192.0.2.70',
    );
    expect(explain(rib, 'gobgp', 'bgp.l3vpn.0', '10.0.0.4:1:10.8.0.0/16')).toMatchObject({
      reason: AdvertiseReason.AsLoop,
    });
    expect(rib.table(BLUE_INET)!.find('10.8.0.0/16')).toBeUndefined();

    rib.addBgpPeer({ name: 'bird', address: '127.0.0.4', asn: 65001, loopCount: 1 });
    rib.bgpAnnounce(
      'bird',
      'inet-vpn',
      [{ rd: '10.0.0.4:1', prefix: '10.8.0.0/16', label: 70 }],
      looped,
      '192.0.2.70',
    );
    expect(rib.table(BLUE_INET)!.find('10.8.0.0/16')).toBeDefined();
    // Learned from AS 65001 over gobgp: not sent to bird, whose AS is in the path.
    const viaGobgp = vpnAttrs({ asPath: [{ type: 'sequence', asns: [65001] }] });
    rib.bgpAnnounce(
      'gobgp',
      'inet-vpn',
      [{ rd: '10.0.0.4:9', prefix: '10.9.0.0/16', label: 71 }],
      viaGobgp,
      '192.0.2.71',
    );
    expect(explain(rib, 'bird', 'bgp.l3vpn.0', '10.0.0.4:9:10.9.0.0/16')).toMatchObject({
      reason: AdvertiseReason.AsLoop,
    });
  });

  it('ignores LOCAL_PREF from eBGP peers', () => {
    const rib = setup();
    rib.bgpAnnounce(
      'bird',
      'inet-vpn',
      [{ rd: '10.0.0.4:1', prefix: '10.8.0.0/16', label: 70 }],
      vpnAttrs({ localPref: 500, asPath: [{ type: 'sequence', asns: [65001] }] }),
      '192.0.2.70',
    );
    expect(rib.table('bgp.l3vpn.0')!.find('10.0.0.4:1:10.8.0.0/16')!.head!.attrs.localPref).toBeUndefined();
  });
});

describe('LP 200 against LP 100 (check 17)', () => {
  it('sends only the better path, then the other with its own MED once it goes', () => {
    const rib = setup();
    rib.agentPublish('a', BLUE, entry('10.1.1.3/32', '192.0.2.11', 21, { lp: 200 }));
    rib.agentPublish('b', BLUE, entry('10.1.1.3/32', '192.0.2.12', 22, { lp: 100 }));
    let c = rib.takeChanges();
    expect(agentUpdates(c, 'c')).toMatchObject([
      { op: 'add', entry: { nextHops: [{ address: '192.0.2.11' }], localPreference: 200, med: 100 } },
    ]);
    expect(vpn(announced(c, 'gobgp')).map((n) => n.rd)).toEqual(['192.0.2.11:3']);
    expect(peerBatches(c, 'gobgp')[0]!.attributes!.med).toBe(100);
    expect(explain(rib, 'gobgp', BLUE_INET, '10.1.1.3/32', { path: 'b' })).toMatchObject({
      advertised: false,
      reason: AdvertiseReason.NotBest,
      detail: { best: 'a', deciding_rule: 'LOCAL_PREF' },
    });
    expect(explain(rib, 'gobgp', 'bgp.l3vpn.0', B_KEY)).toMatchObject({ reason: AdvertiseReason.NotBest });

    rib.agentRetract('a', BLUE, { family: 'inet', prefix: '10.1.1.3/32' });
    c = rib.takeChanges();
    expect(vpn(withdrawn(c, 'gobgp')).map((n) => n.rd)).toEqual(['192.0.2.11:3']);
    expect(vpn(announced(c, 'gobgp')).map((n) => n.rd)).toEqual(['192.0.2.12:4']);
    expect(peerBatches(c, 'gobgp').find((b) => b.announce)!.attributes!.med).toBe(200);
    expect(agentUpdates(c, 'c')).toMatchObject([
      { op: 'add', entry: { nextHops: [{ address: '192.0.2.12' }], med: 200 } },
    ]);
  });
});

describe('explain reasons (Part E)', () => {
  it('answers each reason with what it compared', () => {
    const rib = setup();
    rib.addBgpPeer({ name: 'down', address: '127.0.0.9', asn: 64512 });
    rib.agentPublish('a', BLUE, entry('10.1.1.3/32', '192.0.2.11', 21));
    rib.agentPublish('b', BLUE, entry('10.1.1.9/32', '192.0.2.12', 29, { encaps: ['bogus'] }));
    rib.agentUp('r', '192.0.2.21');
    rib.subscribe('r', RED, 1);

    const reason = (peer: string, table: string, prefix: string) => explain(rib, peer, table, prefix).reason;
    expect(reason('c', BLUE_INET, '10.1.1.3/32')).toBe(AdvertiseReason.Advertised);
    expect(reason('c', BLUE_INET, '10.99.0.0/16')).toBe(AdvertiseReason.NoRoute);
    expect(reason('a', BLUE_INET, '10.1.1.3/32')).toBe(AdvertiseReason.LearnedFromPeer);
    expect(reason('c', BLUE_INET, '10.1.1.9/32')).toBe(AdvertiseReason.Infeasible);
    expect(explain(rib, 'c', BLUE_INET, '10.1.1.9/32').path).toMatchObject({
      infeasible_reason: 'no-tunnel-encap',
    });
    expect(reason('c', `${RED}.inet.0`, '10.1.1.3/32')).toBe(AdvertiseReason.NotSubscribed);
    expect(explain(rib, 'r', `${RED}.inet.0`, '10.1.1.3/32')).toMatchObject({
      reason: AdvertiseReason.NotImported,
      detail: { source: BLUE_INET, route_targets: [BLUE_RT], import_targets: ['target:64512:8000002'] },
    });
    expect(reason('down', 'bgp.l3vpn.0', A_KEY)).toBe(AdvertiseReason.SessionDown);
    expect(explain(rib, 'bird', 'bgp.l3vpn-inet6.0', 'x')).toMatchObject({
      reason: AdvertiseReason.FamilyNotNegotiated,
      detail: { family: 'inet6-vpn', negotiated_families: ['inet-vpn'] },
    });
    expect(reason('gobgp', BLUE_INET, '10.1.1.3/32')).toBe(AdvertiseReason.Advertised);
    expect(explain(rib, 'gobgp', BLUE_INET, '10.1.1.3/32').detail).toMatchObject({
      vpn_table: 'bgp.l3vpn.0',
      vpn_prefix: A_KEY,
    });
    expect(reason('nobody', BLUE_INET, '10.1.1.3/32')).toBe(AdvertiseReason.SessionDown);
  });
});
