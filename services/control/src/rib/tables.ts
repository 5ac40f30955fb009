import type { Family } from '@skein/bgp';

/**
 * Table names and families (routing.md B2). VRF tables are `<ri>.inet.0`, `<ri>.inet6.0`, `<ri>.evpn.0`; the
 * master instance holds the unprefixed ones, as TF names them.
 */

export const MASTER_INSTANCE = 'default-domain:default-project:ip-fabric:__default__';

/** What a table holds, which decides where its routes go next. */
export type TableKind =
  /** A VRF table: best and ECMP paths are replicated into the VPN table of the same address family. */
  | 'vrf'
  /** The master `inet.0`/`inet6.0`: sent to agents subscribed to the master and to BGP peers as plain unicast. */
  | 'master'
  /** `bgp.l3vpn.0`, `bgp.l3vpn-inet6.0`, `bgp.evpn.0`: imported into VRFs by route target. */
  | 'vpn'
  /** `bgp.rtarget.0`: RFC 4684 membership; its paths from a peer are that peer's route-target interest. */
  | 'rtarget';

/** The XMPP family of an `<items node>` (`1/1`, `2/1`, `25/242`). */
export type XmppFamily = 'inet' | 'inet6' | 'evpn';

export interface TableSpec {
  kind: TableKind;
  /** Family towards agents, when agents can receive this table. */
  xmppFamily?: XmppFamily;
  /** Family towards BGP peers, when peers can receive this table. */
  bgpFamily?: Family;
}

export const VRF_TABLES: Readonly<Record<XmppFamily, TableSpec>> = {
  inet: { kind: 'vrf', xmppFamily: 'inet' },
  inet6: { kind: 'vrf', xmppFamily: 'inet6' },
  evpn: { kind: 'vrf', xmppFamily: 'evpn' },
};

export const MASTER_TABLES: Readonly<Record<string, TableSpec>> = {
  'inet.0': { kind: 'master', xmppFamily: 'inet', bgpFamily: 'inet' },
  'inet6.0': { kind: 'master', xmppFamily: 'inet6', bgpFamily: 'inet6' },
  'bgp.l3vpn.0': { kind: 'vpn', bgpFamily: 'inet-vpn' },
  'bgp.l3vpn-inet6.0': { kind: 'vpn', bgpFamily: 'inet6-vpn' },
  'bgp.evpn.0': { kind: 'vpn', bgpFamily: 'e-vpn' },
  'bgp.rtarget.0': { kind: 'rtarget', bgpFamily: 'route-target' },
};

/** The VPN table a VRF family replicates into. */
export const VPN_TABLE_OF: Readonly<Record<XmppFamily, string>> = {
  inet: 'bgp.l3vpn.0',
  inet6: 'bgp.l3vpn-inet6.0',
  evpn: 'bgp.evpn.0',
};

/** The master table for each BGP family, in the order a new peer is synchronised (RFC 4684 §6: RTC first). */
export const TABLE_OF_FAMILY: ReadonlyArray<readonly [Family, string]> = [
  ['route-target', 'bgp.rtarget.0'],
  ['inet', 'inet.0'],
  ['inet6', 'inet6.0'],
  ['inet-vpn', 'bgp.l3vpn.0'],
  ['inet6-vpn', 'bgp.l3vpn-inet6.0'],
  ['e-vpn', 'bgp.evpn.0'],
];

export function vrfTableName(ri: string, family: XmppFamily): string {
  return `${ri}.${family}.0`;
}

/** TF's broadcast MAC: an EVPN entry under it is the agent's BUM membership (a type-3 route). */
export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';
