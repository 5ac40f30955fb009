import { ZERO_ESI, labelField, mplsLabel, nlriKey, type EvpnRoute, type Family, type Nlri } from '@skein/bgp';
import type { Nlri as XmppNlri } from '@skein/xmpp';
import type { AttrSet } from './attrs';
import type { Path } from './path';
import { membershipFromKey } from './rtc';
import { splitVpnKey } from './rd';
import type { Destination } from './table';
import { BROADCAST_MAC, type XmppFamily } from './tables';

/**
 * Destination keys and the NLRI they stand for. Tables key by compact strings: a VRF by the XMPP item id
 * (`10.1.1.3/32`, `[<tag>-]<mac>,<ip>/<plen>`), master tables by `@skein/bgp`'s `nlriKey`. The NLRI objects
 * are rebuilt only when a route is sent, so a million routes hold a million strings and nothing more.
 */

const VXLAN = 8;

const hasVxlan = (attrs: AttrSet) => attrs.encapsulations.includes(VXLAN);

/** The label an EVPN route carries on the wire: a VNI as is for VXLAN, else an MPLS label field (RFC 8365). */
export function evpnLabelField(label: number, attrs: AttrSet): number {
  return hasVxlan(attrs) ? label : labelField(label);
}

export function evpnLabelOf(field: number, attrs: AttrSet): number {
  return hasVxlan(attrs) ? field : mplsLabel(field);
}

interface ItemId {
  tag: number;
  mac: string;
  /** `ip/plen` */
  address: string;
}

function parseEvpnItemId(key: string): ItemId {
  const comma = key.indexOf(',');
  const head = key.slice(0, comma);
  const dash = head.indexOf('-');
  return {
    tag: dash < 0 ? 0 : Number(head.slice(0, dash)),
    mac: dash < 0 ? head : head.slice(dash + 1),
    address: key.slice(comma + 1),
  };
}

function evpnItemId(tag: number, mac: string, address: string): string {
  return `${tag !== 0 ? `${tag}-` : ''}${mac},${address}`;
}

const NO_IP = new Set(['0.0.0.0/32', '0.0.0.0/0', '::/128', '::/0']);

/** The EVPN route (type 2, or type 3 for the broadcast entry) that a VRF EVPN path exports as. */
export function evpnRouteOfVrfKey(key: string, rd: string, label: number, attrs: AttrSet): EvpnRoute {
  const id = parseEvpnItemId(key);
  if (id.mac === BROADCAST_MAC)
    return { kind: 'inclusive-multicast', rd, ethernetTag: id.tag, originator: attrs.nextHop };
  const route: EvpnRoute = {
    kind: 'mac-ip',
    rd,
    esi: attrs.esi ?? ZERO_ESI,
    ethernetTag: id.tag,
    mac: id.mac,
    label1: evpnLabelField(label, attrs),
  };
  if (!NO_IP.has(id.address)) route.ip = id.address.slice(0, id.address.lastIndexOf('/'));
  if (attrs.l3Label !== undefined) route.label2 = attrs.l3Label;
  return route;
}

/** The VPN key a VRF path is exported under. */
export function vpnKeyOfVrfPath(
  family: XmppFamily,
  vrfKey: string,
  rd: string,
  label: number,
  attrs: AttrSet,
): string {
  if (family !== 'evpn') return `${rd}:${vrfKey}`;
  return nlriKey('e-vpn', evpnRouteOfVrfKey(vrfKey, rd, label, attrs));
}

/** The VRF key a VPN route is imported under; undefined for routes that are not imported (EVPN types 1, 4, 5). */
export function vrfKeyOfVpnKey(family: Family, vpnKey: string): string | undefined {
  if (family === 'inet-vpn' || family === 'inet6-vpn') return splitVpnKey(vpnKey).prefix;
  if (family !== 'e-vpn') return undefined;
  const parts = vpnKey.split('-');
  if (parts[0] === '2' && parts.length === 4) {
    const [mac, ip] = parts[3]!.split(',') as [string, string];
    const address = ip === '0.0.0.0' ? '0.0.0.0/32' : `${ip}/${ip.includes(':') ? 128 : 32}`;
    return evpnItemId(Number(parts[2]), mac, address);
  }
  if (parts[0] === '3' && parts.length === 4)
    return evpnItemId(Number(parts[2]), BROADCAST_MAC, '0.0.0.0/32');
  return undefined;
}

/** The RD part of a master-table key, when it has one. */
export function rdOfKey(family: Family, key: string): string | undefined {
  if (family === 'inet-vpn' || family === 'inet6-vpn') return splitVpnKey(key).rd;
  if (family === 'e-vpn') {
    const parts = key.split('-');
    return parts[0] === '2' || parts[0] === '3' ? parts[1] : undefined;
  }
  return undefined;
}

/**
 * The RD a path is known by: its VPN key's, its own (exported VRF path), or its source's (imported copy, whose
 * BGP-learned source carries the RD in the NLRI, not in the attributes).
 */
export function rdOfPath(path: Path, dest: Destination | null = path.dest): string | undefined {
  if (dest !== null && dest.table.bgpFamily !== undefined) {
    const rd = rdOfKey(dest.table.bgpFamily, dest.key);
    if (rd !== undefined) return rd;
  }
  if (path.attrs.rd !== undefined) return path.attrs.rd;
  const primary = path.primary;
  return primary !== null && primary.dest !== null ? rdOfPath(primary, primary.dest) : undefined;
}

/** The NLRI to send to a BGP peer for a master-table destination and the path being announced. */
export function bgpNlriOfKey(family: Family, key: string, label: number, attrs: AttrSet | null): Nlri {
  switch (family) {
    case 'inet':
    case 'inet6':
      return key;
    case 'inet-vpn':
    case 'inet6-vpn': {
      const { rd, prefix } = splitVpnKey(key);
      return { rd, prefix, label };
    }
    case 'route-target':
      return membershipFromKey(key);
    case 'e-vpn': {
      const parts = key.split('-');
      if (parts[0] === '2' && parts.length === 4) {
        const [mac, ip] = parts[3]!.split(',') as [string, string];
        const r: EvpnRoute = {
          kind: 'mac-ip',
          rd: parts[1]!,
          esi: attrs?.esi ?? ZERO_ESI,
          ethernetTag: Number(parts[2]),
          mac,
          label1: attrs ? evpnLabelField(label, attrs) : 0,
        };
        if (ip !== '0.0.0.0') r.ip = ip;
        if (attrs?.l3Label !== undefined) r.label2 = attrs.l3Label;
        return r;
      }
      if (parts[0] === '3' && parts.length === 4) {
        return {
          kind: 'inclusive-multicast',
          rd: parts[1]!,
          ethernetTag: Number(parts[2]),
          originator: parts[3]!,
        };
      }
      const dash = key.indexOf('-');
      return { kind: 'opaque', routeType: Number(key.slice(0, dash)), hex: key.slice(dash + 1) };
    }
  }
}

/** The label a received NLRI carries for its path (EVPN type 3 takes it from the PMSI tunnel attribute). */
export function labelOfNlri(family: Family, nlri: Nlri, attrs: AttrSet): number {
  if (family === 'inet-vpn' || family === 'inet6-vpn') return (nlri as { label: number }).label;
  if (family === 'e-vpn') {
    const r = nlri as EvpnRoute;
    if (r.kind === 'mac-ip') return evpnLabelOf(r.label1, attrs);
    if (r.kind === 'inclusive-multicast' && attrs.pmsiTunnel)
      return evpnLabelOf(attrs.pmsiTunnel.label, attrs);
  }
  return 0;
}

/** The `<nlri>` of an agent item for a VRF or master key. */
export function xmppNlriOfKey(family: XmppFamily, key: string): XmppNlri {
  if (family !== 'evpn') return { family, prefix: key };
  const id = parseEvpnItemId(key);
  return { family: 'evpn', ethernetTag: id.tag, mac: id.mac, address: id.address };
}
