import { Family } from '../../families';
import { formatExtCommunity } from '../ext-community';
import { ByteWriter } from '../writer';
import { EvpnRoute, decodeEvpnRoutes, encodeEvpnRoute } from './evpn';
import { decodeInetPrefixes, encodeInetPrefix } from './inet';
import { RtMembership, decodeRtMemberships, encodeRtMembership } from './rtc';
import { VpnPrefix, decodeVpnPrefixes, encodeVpnPrefix } from './vpn';

export interface NlriByFamily {
  inet: string;
  inet6: string;
  'inet-vpn': VpnPrefix;
  'inet6-vpn': VpnPrefix;
  'route-target': RtMembership;
  'e-vpn': EvpnRoute;
}

export type Nlri<F extends Family = Family> = NlriByFamily[F];

/** Decodes a run of NLRI of one family into `out`; throws BgpError 3/10 when they cannot be delimited. */
export function decodeNlri(
  family: Family,
  buf: Uint8Array,
  off: number,
  end: number,
  withdraw: boolean,
  out: Nlri[],
): void {
  switch (family) {
    case 'inet':
      return decodeInetPrefixes(buf, off, end, false, out as string[]);
    case 'inet6':
      return decodeInetPrefixes(buf, off, end, true, out as string[]);
    case 'inet-vpn':
      return decodeVpnPrefixes(buf, off, end, false, withdraw, out as VpnPrefix[]);
    case 'inet6-vpn':
      return decodeVpnPrefixes(buf, off, end, true, withdraw, out as VpnPrefix[]);
    case 'route-target':
      return decodeRtMemberships(buf, off, end, out as RtMembership[]);
    case 'e-vpn':
      return decodeEvpnRoutes(buf, off, end, out as EvpnRoute[]);
  }
}

export function encodeNlri(w: ByteWriter, family: Family, nlri: Nlri, withdraw: boolean): void {
  switch (family) {
    case 'inet':
      return encodeInetPrefix(w, nlri as string, false);
    case 'inet6':
      return encodeInetPrefix(w, nlri as string, true);
    case 'inet-vpn':
      return encodeVpnPrefix(w, nlri as VpnPrefix, false, withdraw);
    case 'inet6-vpn':
      return encodeVpnPrefix(w, nlri as VpnPrefix, true, withdraw);
    case 'route-target':
      return encodeRtMembership(w, nlri as RtMembership);
    case 'e-vpn':
      return encodeEvpnRoute(w, nlri as EvpnRoute);
  }
}

/**
 * A string identifying the route within its family, without the parts that are path attributes (labels,
 * ESI): VPN `<rd>:<prefix>`, route-target `<origin-as>:<target>/<len>`, EVPN in TF's form
 * `2-<rd>-<tag>-<mac>,<ip>` / `3-<rd>-<tag>-<originator>`.
 */
export function nlriKey(family: Family, nlri: Nlri): string {
  switch (family) {
    case 'inet':
    case 'inet6':
      return nlri as string;
    case 'inet-vpn':
    case 'inet6-vpn': {
      const v = nlri as VpnPrefix;
      return `${v.rd}:${v.prefix}`;
    }
    case 'route-target': {
      const m = nlri as RtMembership;
      if (m.prefixLength === 0) return 'default';
      return `${m.originAs}:${m.routeTarget ? formatExtCommunity(m.routeTarget) : '*'}/${m.prefixLength}`;
    }
    case 'e-vpn': {
      const r = nlri as EvpnRoute;
      if (r.kind === 'mac-ip') return `2-${r.rd}-${r.ethernetTag}-${r.mac},${r.ip ?? '0.0.0.0'}`;
      if (r.kind === 'inclusive-multicast') return `3-${r.rd}-${r.ethernetTag}-${r.originator}`;
      return `${r.routeType}-${r.hex}`;
    }
  }
}

export type { EvpnRoute, RtMembership, VpnPrefix };
