import { Origin } from '../../constants';
import { Family } from '../../families';
import { ExtCommunity } from '../ext-community';
import { Nlri } from '../nlri';
import { AsPathSegment } from './as-path';

export interface Aggregator {
  asn: number;
  address: string;
}

/** PMSI Tunnel attribute (RFC 6514 §5), carried with EVPN type-3 routes (RFC 7432 §11.2). */
export interface PmsiTunnel {
  /** Bit 0x01 = Leaf Information Required. */
  flags: number;
  /** 6 = ingress replication, the only type TF uses. */
  tunnelType: number;
  /** Raw 24-bit field: MPLS label << 4, or the VNI for VXLAN (RFC 8365). */
  label: number;
  /** IPv4/IPv6 text when the identifier is 4/16 octets (the ingress-replication endpoint), else `0x<hex>`. */
  tunnelId: string;
}

/** An attribute Skein does not interpret, kept with its flags so it can be reflected (RFC 4271 §5). */
export interface RawAttribute {
  /** As received, without the Extended Length bit (recomputed on encode). */
  flags: number;
  type: number;
  value: Buffer;
}

export type MpReach = {
  [F in Family]: {
    family: F;
    /** IPv4 or IPv6 text; VPN next hops drop their (always zero) RD; IPv4 over inet6-vpn is `::ffff:a.b.c.d`. */
    nextHop: string;
    /** Second, link-local next hop of inet6/inet6-vpn (32/48-octet next-hop field). */
    linkLocalNextHop?: string;
    nlri: Nlri<F>[];
  };
}[Family];

export type MpUnreach = { [F in Family]: { family: F; nlri: Nlri<F>[] } }[Family];

/**
 * Decoded path attributes. An absent field means the attribute was absent (or discarded per RFC 7606);
 * `asPath: []` is an empty AS_PATH, which is different from none.
 */
export interface PathAttributes {
  origin?: Origin;
  asPath?: AsPathSegment[];
  nextHop?: string;
  med?: number;
  localPref?: number;
  atomicAggregate?: boolean;
  aggregator?: Aggregator;
  /** Standard communities (RFC 1997) as uint32 (`(asn << 16) | value`). */
  communities?: number[];
  originatorId?: string;
  clusterList?: string[];
  mpReach?: MpReach;
  mpUnreach?: MpUnreach;
  extCommunities?: ExtCommunity[];
  as4Path?: AsPathSegment[];
  as4Aggregator?: Aggregator;
  pmsiTunnel?: PmsiTunnel;
  /** Unrecognised optional attributes, ordered by type code. */
  unknown?: RawAttribute[];
  /**
   * Type codes of recognised optional transitive attributes that arrived with the Partial bit; RFC 4271 §5
   * forbids clearing it when the route is passed on, so the encoder sets it again.
   */
  partial?: number[];
}
