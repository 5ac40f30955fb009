import { parseRouteTarget, type PathAttributes } from '@skein/bgp';
import type { Rib } from './rib';
import {
  BLUE,
  BLUE_DEF,
  BLUE_RT,
  GREEN,
  GREEN_RT,
  RED,
  RED_DEF,
  RED_RT,
  addAgent,
  agentUpdates,
  blueRed,
  entry,
  newRib,
} from './rib.spec-helper';
import { describePath } from './views';

const BLUE_INET = `${BLUE}.inet.0`;
const RED_INET = `${RED}.inet.0`;

function paths(rib: Rib, table: string, key: string) {
  const dest = rib.table(table)!.find(key);
  return dest === undefined ? [] : [...dest.paths()].map((p) => describePath(p, dest));
}

function vpnAttrs(rts: string[], extra: PathAttributes = {}): PathAttributes {
  return {
    origin: 0,
    asPath: [],
    localPref: 100,
    extCommunities: rts.map((t) => parseRouteTarget(t)),
    ...extra,
  };
}

function withGobgp(rib: Rib): void {
  rib.addBgpPeer({ name: 'gobgp', address: '127.0.0.2', asn: 64512 });
  rib.bgpPeerUp('gobgp', ['inet-vpn', 'route-target']);
}

describe('VRF → VPN export (routing.md B4)', () => {
  it('replicates an agent path with its RD, the export targets and origin-vn', () => {
    const rib = newRib();
    blueRed(rib);
    addAgent(rib, 'a', '192.0.2.11', BLUE, 3);
    rib.agentPublish('a', BLUE, entry('10.1.1.3/32', '192.0.2.11', 21, { lp: 100 }));
    const [vpn] = paths(rib, 'bgp.l3vpn.0', '192.0.2.11:3:10.1.1.3/32');
    expect(vpn).toMatchObject({
      peer: 'a',
      source: 'xmpp',
      next_hop: '192.0.2.11',
      label: 21,
      rd: '192.0.2.11:3',
      local_pref: 100,
      med: 200,
      origin: 'incomplete',
      ext_communities: ['encapsulation:gre', 'originvn:64512:5', BLUE_RT],
      primary_table: BLUE_INET,
    });
  });

  it('keeps an origin-vn the path already has', () => {
    const rib = newRib();
    blueRed(rib);
    addAgent(rib, 'a', '192.0.2.11', BLUE, 3);
    rib.agentPublish('a', BLUE, entry('10.1.1.3/32', '192.0.2.11', 21, { vn: 'default-domain:p1:red' }));
    expect(paths(rib, 'bgp.l3vpn.0', '192.0.2.11:3:10.1.1.3/32')[0]!.ext_communities).toContain(
      'originvn:64512:6',
    );
    expect(paths(rib, 'bgp.l3vpn.0', '192.0.2.11:3:10.1.1.3/32')[0]!.ext_communities).not.toContain(
      'originvn:64512:5',
    );
  });

  it('exports the best path and ECMP-equal paths only', () => {
    const rib = newRib();
    blueRed(rib);
    addAgent(rib, 'a', '192.0.2.11', BLUE, 3);
    addAgent(rib, 'b', '192.0.2.12', BLUE, 4);
    const vpnKeys = () => [...rib.table('bgp.l3vpn.0')!.map.keys()].sort();
    rib.agentPublish('a', BLUE, entry('10.1.1.3/32', '192.0.2.11', 21, { lp: 200 }));
    rib.agentPublish('b', BLUE, entry('10.1.1.3/32', '192.0.2.12', 22, { lp: 100 }));
    expect(vpnKeys()).toEqual(['192.0.2.11:3:10.1.1.3/32']);
    rib.agentPublish('b', BLUE, entry('10.1.1.3/32', '192.0.2.12', 22, { lp: 200 }));
    expect(vpnKeys()).toEqual(['192.0.2.11:3:10.1.1.3/32', '192.0.2.12:4:10.1.1.3/32']);
    rib.agentPublish('a', BLUE, entry('10.1.1.3/32', '192.0.2.11', 21, { lp: 300 }));
    expect(vpnKeys()).toEqual(['192.0.2.11:3:10.1.1.3/32']);
    rib.agentRetract('a', BLUE, { family: 'inet', prefix: '10.1.1.3/32' });
    expect(vpnKeys()).toEqual(['192.0.2.12:4:10.1.1.3/32']);
  });

  it('re-exports with new targets when the export list changes', () => {
    const rib = newRib();
    blueRed(rib);
    addAgent(rib, 'a', '192.0.2.11', BLUE, 3);
    rib.agentPublish('a', BLUE, entry('10.1.1.3/32', '192.0.2.11', 21));
    rib.upsertRoutingInstance({ ...BLUE_DEF, exportTargets: [BLUE_RT, GREEN_RT] });
    expect(paths(rib, 'bgp.l3vpn.0', '192.0.2.11:3:10.1.1.3/32')[0]!.ext_communities).toEqual(
      expect.arrayContaining([BLUE_RT, GREEN_RT]),
    );
  });
});

describe('VPN → VRF import (routing.md B4)', () => {
  it('imports into every RI whose import targets meet the path, never back into its source', () => {
    const rib = newRib();
    blueRed(rib);
    rib.upsertRoutingInstance({
      name: GREEN,
      vn: 'default-domain:p1:green',
      vnIndex: 7,
      importTargets: [BLUE_RT],
      exportTargets: [GREEN_RT],
    });
    addAgent(rib, 'a', '192.0.2.11', BLUE, 3);
    rib.agentPublish('a', BLUE, entry('10.1.1.3/32', '192.0.2.11', 21));
    expect(paths(rib, BLUE_INET, '10.1.1.3/32').map((p) => p.primary_table)).toEqual([null]);
    expect(paths(rib, `${GREEN}.inet.0`, '10.1.1.3/32')).toMatchObject([
      { peer: 'a', rd: '192.0.2.11:3', primary_table: BLUE_INET },
    ]);
    expect(paths(rib, RED_INET, '10.1.1.3/32')).toEqual([]);
  });

  it('imports BGP-learned VPN routes by route target', () => {
    const rib = newRib();
    blueRed(rib);
    withGobgp(rib);
    rib.bgpAnnounce(
      'gobgp',
      'inet-vpn',
      [{ rd: '10.0.0.9:1', prefix: '10.2.0.0/16', label: 40 }],
      vpnAttrs([BLUE_RT]),
      '10.0.0.9',
    );
    rib.bgpAnnounce(
      'gobgp',
      'inet-vpn',
      [{ rd: '10.0.0.9:2', prefix: '10.3.0.0/16', label: 41 }],
      vpnAttrs(['target:64512:99']),
      '10.0.0.9',
    );
    expect(paths(rib, BLUE_INET, '10.2.0.0/16')).toMatchObject([
      { peer: 'gobgp', label: 40, rd: '10.0.0.9:1', primary_table: 'bgp.l3vpn.0' },
    ]);
    expect(rib.table(BLUE_INET)!.find('10.3.0.0/16')).toBeUndefined();
    rib.bgpWithdraw('gobgp', 'inet-vpn', [{ rd: '10.0.0.9:1', prefix: '10.2.0.0/16', label: 0 }]);
    expect(rib.table(BLUE_INET)!.find('10.2.0.0/16')).toBeUndefined();
  });

  it('lends the VN of an RI exporting one of its targets when the path has no origin-vn', () => {
    const rib = newRib();
    blueRed(rib);
    rib.upsertRoutingInstance({
      name: GREEN,
      vn: 'default-domain:p1:green',
      vnIndex: 7,
      exportTargets: [GREEN_RT],
    });
    rib.upsertRoutingInstance({ ...BLUE_DEF, importTargets: [BLUE_RT, GREEN_RT] });
    withGobgp(rib);
    rib.bgpAnnounce(
      'gobgp',
      'inet-vpn',
      [{ rd: '10.0.0.9:1', prefix: '10.2.0.0/16', label: 40 }],
      vpnAttrs([GREEN_RT]),
      '10.0.0.9',
    );
    expect(paths(rib, BLUE_INET, '10.2.0.0/16')[0]!.ext_communities).toContain('originvn:64512:7');
    expect(paths(rib, 'bgp.l3vpn.0', '10.0.0.9:1:10.2.0.0/16')[0]!.ext_communities).not.toContain(
      'originvn:64512:7',
    );
  });

  it('imports only the ECMP set of a VPN destination', () => {
    const rib = newRib();
    blueRed(rib);
    rib.addBgpPeer({ name: 'cn2', address: '10.0.0.2', asn: 64512 });
    rib.addBgpPeer({ name: 'cn3', address: '10.0.0.3', asn: 64512 });
    rib.bgpPeerUp('cn2', ['inet-vpn']);
    rib.bgpPeerUp('cn3', ['inet-vpn']);
    const n = [{ rd: '10.0.0.9:1', prefix: '10.2.0.0/16', label: 40 }];
    rib.bgpAnnounce('cn2', 'inet-vpn', n, vpnAttrs([BLUE_RT], { localPref: 100 }), '10.0.0.9');
    rib.bgpAnnounce('cn3', 'inet-vpn', n, vpnAttrs([BLUE_RT], { localPref: 50 }), '10.0.0.9');
    expect(paths(rib, BLUE_INET, '10.2.0.0/16').map((p) => p.peer)).toEqual(['cn2']);
    rib.bgpAnnounce('cn3', 'inet-vpn', n, vpnAttrs([BLUE_RT], { localPref: 100 }), '10.0.0.9');
    expect(paths(rib, BLUE_INET, '10.2.0.0/16').map((p) => p.peer)).toEqual(['cn2', 'cn3']);
  });
});

describe('connections (routing.md B4, both ends)', () => {
  it.each([
    ['blue names red', BLUE],
    ['red names blue', RED],
  ])('%s: each imports the other’s export targets; removing the ref undoes it', (_, declaring) => {
    const rib = newRib();
    blueRed(rib);
    addAgent(rib, 'a', '192.0.2.11', BLUE, 3);
    addAgent(rib, 'r', '192.0.2.21', RED, 1);
    rib.agentPublish('a', BLUE, entry('10.1.1.3/32', '192.0.2.11', 21));
    rib.agentPublish('r', RED, entry('10.2.2.3/32', '192.0.2.21', 31));
    rib.takeChanges();
    expect(rib.table(RED_INET)!.find('10.1.1.3/32')).toBeUndefined();

    const def = (name: string, connections: string[]) => ({
      ...(name === BLUE ? BLUE_DEF : RED_DEF),
      connections,
    });
    rib.upsertRoutingInstance(def(declaring, [declaring === BLUE ? RED : BLUE]));
    expect([...rib.instance(RED)!.importTargets].sort()).toEqual([BLUE_RT, RED_RT]);
    expect([...rib.instance(BLUE)!.importTargets].sort()).toEqual([BLUE_RT, RED_RT]);
    let c = rib.takeChanges();
    const toRed = agentUpdates(c, 'r', RED);
    expect(toRed).toMatchObject([
      { op: 'add', entry: { nlri: { prefix: '10.1.1.3/32' }, virtualNetwork: 'default-domain:p1:blue' } },
    ]);
    expect(agentUpdates(c, 'a', BLUE)).toMatchObject([
      { op: 'add', entry: { nlri: { prefix: '10.2.2.3/32' } } },
    ]);

    rib.upsertRoutingInstance(def(declaring, []));
    c = rib.takeChanges();
    expect(agentUpdates(c, 'r', RED)).toEqual([
      { op: 'retract', nlri: { family: 'inet', prefix: '10.1.1.3/32' } },
    ]);
    expect(agentUpdates(c, 'a', BLUE)).toEqual([
      { op: 'retract', nlri: { family: 'inet', prefix: '10.2.2.3/32' } },
    ]);
  });

  it('withdraws everything an RI held when it is deleted, and keeps subscriptions pending', () => {
    const rib = newRib();
    blueRed(rib);
    addAgent(rib, 'a', '192.0.2.11', BLUE, 3);
    rib.agentPublish('a', BLUE, entry('10.1.1.3/32', '192.0.2.11', 21));
    rib.deleteRoutingInstance(BLUE);
    expect(rib.table('bgp.l3vpn.0')!.size).toBe(0);
    expect(rib.table(BLUE_INET)).toBeUndefined();
    expect(rib.agentPublish('a', BLUE, entry('10.1.1.3/32', '192.0.2.11', 21))).toEqual({
      ok: false,
      reason: 'not-subscribed',
    });
    blueRed(rib);
    expect(rib.agentPublish('a', BLUE, entry('10.1.1.3/32', '192.0.2.11', 21))).toEqual({ ok: true });
    expect(rib.pool.size).toBeGreaterThan(0);
  });
});
