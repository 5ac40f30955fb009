/**
 * Address families by their TF names (bgp_schema.xsd `address_families`), with AFI/SAFI (routing.md B2).
 */
export type Family = 'inet' | 'inet6' | 'inet-vpn' | 'inet6-vpn' | 'route-target' | 'e-vpn';

export interface AfiSafi {
  afi: number;
  safi: number;
}

export const AFI = { Ipv4: 1, Ipv6: 2, L2vpn: 25 } as const;
export const SAFI = { Unicast: 1, Labeled: 4, Evpn: 70, Vpn: 128, RouteTarget: 132 } as const;

export const FAMILIES: Readonly<Record<Family, AfiSafi>> = {
  inet: { afi: AFI.Ipv4, safi: SAFI.Unicast },
  inet6: { afi: AFI.Ipv6, safi: SAFI.Unicast },
  'inet-vpn': { afi: AFI.Ipv4, safi: SAFI.Vpn },
  'inet6-vpn': { afi: AFI.Ipv6, safi: SAFI.Vpn },
  'route-target': { afi: AFI.Ipv4, safi: SAFI.RouteTarget },
  'e-vpn': { afi: AFI.L2vpn, safi: SAFI.Evpn },
};

export const ALL_FAMILIES = Object.keys(FAMILIES) as Family[];

const BY_CODE = new Map<number, Family>(
  ALL_FAMILIES.map((f) => [FAMILIES[f].afi * 256 + FAMILIES[f].safi, f]),
);

/** The family for an AFI/SAFI pair, or undefined when Skein does not speak it. */
export function familyOf(afi: number, safi: number): Family | undefined {
  return safi < 256 ? BY_CODE.get(afi * 256 + safi) : undefined;
}

export function isFamily(name: string): name is Family {
  return Object.prototype.hasOwnProperty.call(FAMILIES, name);
}
