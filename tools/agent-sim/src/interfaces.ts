import {
  BROADCAST_MAC,
  canonicalMac,
  MASTER_INSTANCE,
  MAX_MPLS_LABEL,
  MAX_VNI,
  type EvpnNlri,
  type Nlri,
  type RouteEntry,
} from '@skein/xmpp';
import { canonicalRoutePrefix } from './prefix-table';

/**
 * A virtual-machine-interface placed on this agent's virtual-router, with what the agent needs to publish
 * its routes (the agent learns these from /config in TF; here the test or CLI says them).
 */
export interface InterfaceSpec {
  /** The VMI uuid; one interface per uuid. */
  uuid: string;
  /** Routing instance fq name (`default-domain:p1:blue:blue`). */
  ri: string;
  /** Its instance IP: `10.1.1.3`, `10.1.1.3/32`, `fd00::3/128`; other lengths make an interface-static style prefix. */
  address: string;
  /** Needed for the EVPN MAC/IP route. */
  mac?: string;
  /** MPLS label of the interface next hop; non-zero in a VRF, 0 in the fabric instance. */
  label: number;
  /** Default `['gre', 'udp']`, what a vRouter offers by default. */
  encapsulations?: string[];
  /** Virtual network fq name (`default-domain:p1:blue`). */
  vn?: string;
  securityGroups?: number[];
  tags?: number[];
  communityTags?: string[];
  /** Default 100. */
  localPreference?: number;
  /** Default 0 (routing.md's example carries `<med>0</med>`; the control node then derives it from LP). */
  med?: number;
  /** Default `interface`; `interface-static`, `service-interface`, `bgpaas`. */
  subProtocol?: string;
  /** Label (or VNI) of the EVPN MAC/IP route; defaults to `label`. */
  evpnLabel?: number;
}

export const DEFAULT_ENCAPSULATIONS: readonly string[] = ['gre', 'udp'];

/** An interface checked and canonicalised once, so withdrawals name exactly what was published. */
export interface InterfaceRoutes {
  spec: InterfaceSpec;
  family: 'inet' | 'inet6';
  prefix: string;
  mac: string | undefined;
  /** In publish order: the inet/inet6 route, then the EVPN MAC/IP route when EVPN is on. */
  routes: Array<{ nlri: Nlri; entry: RouteEntry }>;
}

/** Builds the routes an agent with next hop `nextHop` publishes for `spec`. Throws on a malformed spec. */
export function interfaceRoutes(spec: InterfaceSpec, nextHop: string, evpn: boolean): InterfaceRoutes {
  const p = canonicalRoutePrefix(spec.address);
  if (p === undefined) throw new TypeError(`interface ${spec.uuid}: bad address ${spec.address}`);
  checkLabel(spec, spec.label, spec.ri === MASTER_INSTANCE ? 'master' : 'vrf');
  let mac: string | undefined;
  if (spec.mac !== undefined) {
    mac = canonicalMac(spec.mac);
    if (mac === undefined) throw new TypeError(`interface ${spec.uuid}: bad MAC ${spec.mac}`);
  }
  const family = p.version === 4 ? 'inet' : 'inet6';
  const encaps = [...(spec.encapsulations ?? DEFAULT_ENCAPSULATIONS)];
  const nh = {
    address: nextHop,
    label: spec.label,
    tunnelEncapsulations: encaps,
    tags: [...(spec.tags ?? [])],
  };
  const common = {
    version: 1,
    ...(spec.vn === undefined ? {} : { virtualNetwork: spec.vn }),
    sequenceNumber: 0,
    securityGroups: [...(spec.securityGroups ?? [])],
    communityTags: [...(spec.communityTags ?? [])],
    localPreference: spec.localPreference ?? 100,
    med: spec.med ?? 0,
  };
  const nlri: Nlri = { family, prefix: p.prefix };
  const routes: InterfaceRoutes['routes'] = [
    { nlri, entry: { nlri, nextHops: [nh], ...common, subProtocol: spec.subProtocol ?? 'interface' } },
  ];
  if (evpn && mac !== undefined) {
    const label = spec.evpnLabel ?? spec.label;
    checkLabel(spec, label, encaps.includes('vxlan') ? 'vni' : 'evpn');
    const host = p.prefix.endsWith(p.version === 4 ? '/32' : '/128');
    // A MAC/IP route needs a host address; for a wider prefix publish the MAC alone.
    const evpnNlri: EvpnNlri = {
      family: 'evpn',
      ethernetTag: 0,
      mac,
      address: host ? p.prefix : '0.0.0.0/32',
    };
    routes.push({
      nlri: evpnNlri,
      entry: { nlri: evpnNlri, nextHops: [{ ...nh, label, tags: [...nh.tags] }], ...common },
    });
  }
  return { spec, family, prefix: p.prefix, mac, routes };
}

/**
 * The agent's BUM membership in an RI's EVPN table (MAC ff:ff:ff:ff:ff:ff, no IP): the control node turns
 * it into a type-3 route and answers with the broadcast entry's `<olist>` (routing.md D).
 */
export function bumRoute(
  nextHop: string,
  label: number,
  encapsulations: readonly string[],
  vn?: string,
): { nlri: EvpnNlri; entry: RouteEntry } {
  const nlri: EvpnNlri = { family: 'evpn', ethernetTag: 0, mac: BROADCAST_MAC, address: '0.0.0.0/32' };
  return {
    nlri,
    entry: {
      nlri,
      nextHops: [{ address: nextHop, label, tunnelEncapsulations: [...encapsulations], tags: [] }],
      version: 1,
      ...(vn === undefined ? {} : { virtualNetwork: vn }),
      securityGroups: [],
      communityTags: [],
    },
  };
}

function checkLabel(spec: InterfaceSpec, label: number, where: 'master' | 'vrf' | 'evpn' | 'vni'): void {
  const max = where === 'vni' ? MAX_VNI : MAX_MPLS_LABEL;
  const ok =
    Number.isInteger(label) &&
    label >= 0 &&
    label <= max &&
    (where === 'master' ? label === 0 : where !== 'vrf' || label > 0);
  if (!ok) throw new RangeError(`interface ${spec.uuid}: label ${label} is not valid here (${where})`);
}
