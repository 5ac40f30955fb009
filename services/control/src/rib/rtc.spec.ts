import { parseRouteTarget, type PathAttributes, type RtMembership, type VpnPrefix } from '@skein/bgp';
import { AdvertiseReason } from './advertise';
import { explain } from './explain';
import type { Rib } from './rib';
import {
  BLUE,
  BLUE_DEF,
  BLUE_RT,
  RED,
  RED_RT,
  addAgent,
  announced,
  blueRed,
  entry,
  newRib,
  withdrawn,
} from './rib.spec-helper';
import { membershipFromKey, membershipKey } from './rtc';

const MEMBERSHIP_ATTRS: PathAttributes = { origin: 0, asPath: [], localPref: 100 };

function membership(rt: string | null, originAs = 64512): RtMembership {
  return rt === null
    ? { prefixLength: 0, originAs: 0 }
    : { prefixLength: 96, originAs, routeTarget: parseRouteTarget(rt) };
}

/** blue and red each with one agent route; `gobgp` negotiates route-target, `bird` does not. */
function setup(): Rib {
  const rib = newRib();
  blueRed(rib);
  addAgent(rib, 'a', '192.0.2.11', BLUE, 3);
  addAgent(rib, 'r', '192.0.2.21', RED, 1);
  rib.agentPublish('a', BLUE, entry('10.1.1.3/32', '192.0.2.11', 21));
  rib.agentPublish('r', RED, entry('10.2.2.3/32', '192.0.2.21', 31));
  rib.addBgpPeer({ name: 'gobgp', address: '127.0.0.2', asn: 64512 });
  rib.addBgpPeer({ name: 'bird', address: '127.0.0.3', asn: 65001 });
  rib.takeChanges();
  return rib;
}

const prefixes = (nlri: unknown[]) =>
  (nlri as VpnPrefix[])
    .filter((n) => n.rd !== undefined)
    .map((n) => n.prefix)
    .sort();

describe('route-target membership (RFC 4684, routing.md B5)', () => {
  it('keys NLRI as origin AS + target and reads them back', () => {
    expect(membershipKey(64512, BLUE_RT)).toBe('64512:target:64512:8000001/96');
    expect(membershipFromKey('64512:target:64512:8000001/96')).toEqual(membership(BLUE_RT));
    expect(membershipFromKey('default')).toEqual({ prefixLength: 0, originAs: 0 });
  });

  it('originates one route per import target of an RI with a subscribed agent and withdraws it with the last', () => {
    const rib = newRib();
    blueRed(rib);
    rib.addBgpPeer({ name: 'gobgp', address: '127.0.0.2', asn: 64512 });
    rib.bgpPeerUp('gobgp', ['inet-vpn', 'route-target']);
    const rtc = rib.table('bgp.rtarget.0')!;
    expect(rtc.size).toBe(0);
    rib.takeChanges();

    addAgent(rib, 'a', '192.0.2.11', BLUE, 3);
    addAgent(rib, 'b', '192.0.2.12', BLUE, 4);
    expect([...rtc.map.keys()]).toEqual([membershipKey(64512, BLUE_RT)]);
    let c = rib.takeChanges();
    expect(announced(c, 'gobgp')).toEqual([membership(BLUE_RT)]);

    // A second import target while subscribed: its membership route follows.
    rib.upsertRoutingInstance({ ...BLUE_DEF, importTargets: [BLUE_RT, 'target:64512:77'] });
    expect(rtc.size).toBe(2);
    rib.upsertRoutingInstance(BLUE_DEF);
    expect(rtc.size).toBe(1);
    rib.takeChanges();

    rib.unsubscribe('a', BLUE);
    expect(rtc.size).toBe(1);
    rib.unsubscribe('b', BLUE);
    expect(rtc.size).toBe(0);
    c = rib.takeChanges();
    expect(withdrawn(c, 'gobgp')).toEqual([membership(BLUE_RT)]);
  });

  it('sends a peer with route-target only the VPN routes it asked for; the default asks for all', () => {
    const rib = setup();
    rib.bgpPeerUp('gobgp', ['inet-vpn', 'route-target']);
    let c = rib.takeChanges();
    expect(prefixes(announced(c, 'gobgp'))).toEqual([]);

    rib.bgpAnnounce('gobgp', 'route-target', [membership(RED_RT)], MEMBERSHIP_ATTRS, '127.0.0.2');
    c = rib.takeChanges();
    expect(prefixes(announced(c, 'gobgp'))).toEqual(['10.2.2.3/32']);
    expect(explain(rib, 'gobgp', 'bgp.l3vpn.0', '192.0.2.11:3:10.1.1.3/32')).toMatchObject({
      advertised: false,
      reason: AdvertiseReason.RtcNoInterest,
      detail: { route_targets: [BLUE_RT], peer_interest: [RED_RT], peer_default_interest: false },
    });
    expect(rib.instance(RED) && explain(rib, 'gobgp', 'bgp.l3vpn.0', '192.0.2.21:1:10.2.2.3/32').reason).toBe(
      AdvertiseReason.Advertised,
    );

    // New routes follow the interest as they come.
    rib.agentPublish('r', RED, entry('10.2.2.4/32', '192.0.2.21', 32));
    rib.agentPublish('a', BLUE, entry('10.1.1.4/32', '192.0.2.11', 22));
    c = rib.takeChanges();
    expect(prefixes(announced(c, 'gobgp'))).toEqual(['10.2.2.4/32']);

    rib.bgpAnnounce('gobgp', 'route-target', [membership(null)], MEMBERSHIP_ATTRS, '127.0.0.2');
    c = rib.takeChanges();
    expect(prefixes(announced(c, 'gobgp'))).toEqual(['10.1.1.3/32', '10.1.1.4/32']);

    rib.bgpWithdraw('gobgp', 'route-target', [membership(null)]);
    c = rib.takeChanges();
    expect(prefixes(withdrawn(c, 'gobgp'))).toEqual(['10.1.1.3/32', '10.1.1.4/32']);

    rib.bgpWithdraw('gobgp', 'route-target', [membership(RED_RT)]);
    c = rib.takeChanges();
    expect(prefixes(withdrawn(c, 'gobgp'))).toEqual(['10.2.2.3/32', '10.2.2.4/32']);
  });

  it('gives a peer without route-target every VPN route of its families', () => {
    const rib = setup();
    rib.bgpPeerUp('bird', ['inet-vpn']);
    const c = rib.takeChanges();
    expect(prefixes(announced(c, 'bird'))).toEqual(['10.1.1.3/32', '10.2.2.3/32']);
    expect(c.synced).toEqual([{ kind: 'peer', name: 'bird' }]);
  });

  it('matches shorter membership prefixes bitwise (length 32: every target of the origin AS)', () => {
    const rib = setup();
    rib.bgpPeerUp('gobgp', ['inet-vpn', 'route-target']);
    rib.takeChanges();
    rib.bgpAnnounce(
      'gobgp',
      'route-target',
      [{ prefixLength: 32, originAs: 64512 }],
      MEMBERSHIP_ATTRS,
      '127.0.0.2',
    );
    const c = rib.takeChanges();
    expect(prefixes(announced(c, 'gobgp'))).toEqual(['10.1.1.3/32', '10.2.2.3/32']);
  });

  it('reflects membership routes to other peers but not back', () => {
    const rib = setup();
    rib.bgpPeerUp('gobgp', ['inet-vpn', 'route-target']);
    rib.bgpPeerUp('bird', ['inet-vpn', 'route-target']);
    rib.takeChanges();
    // Not one the control node originates itself (its own route would be the best path).
    const other = 'target:64512:55';
    rib.bgpAnnounce('gobgp', 'route-target', [membership(other)], MEMBERSHIP_ATTRS, '127.0.0.2');
    const c = rib.takeChanges();
    expect(announced(c, 'bird')).toContainEqual(membership(other));
    expect(announced(c, 'gobgp')).not.toContainEqual(membership(other));
  });
});
