import { parseIPv4 } from './addresses';
import { MASTER_INSTANCE } from './constants';
import { itemError, type ItemError } from './errors';
import { labelLimitFor, MAX_MPLS_LABEL, type RouteEntry } from './route-item';

export type RouteOp = 'add' | 'delete';

/**
 * What TF's `BgpXmppChannel::ProcessItem` / `ProcessInet6Item` / `ProcessEnetItem` require of a route an
 * agent publishes, beyond well-formedness (which `decodeEntry` already checked):
 *
 * - an add carries exactly one next hop ("Agents should send only one next-hop in the item");
 * - that next hop is IPv4 (TF builds the RD `<next-hop>:<instance-id>` from it with `to_v4()`);
 * - inet/inet6: label ≤ 0xFFFFF, non-zero in a VRF, zero in the master instance;
 * - evpn: label ≤ 0xFFFFF for MPLS encapsulations, ≤ 0xFFFFFF (a VNI) when VXLAN is listed.
 *
 * A delete only needs the NLRI. Returns undefined when the route is acceptable.
 */
export function validateAgentRoute(
  entry: RouteEntry,
  op: RouteOp,
  ri: string,
  node?: string,
): ItemError | undefined {
  if (op === 'delete') return undefined;
  const bad = (code: Parameters<typeof itemError>[0], message: string) => itemError(code, message, node);
  if (entry.nextHops.length === 0) return bad('missing-next-hop', 'route add without a next hop');
  if (entry.nextHops.length > 1)
    return bad('too-many-next-hops', `${entry.nextHops.length} next hops from an agent`);
  const nh = entry.nextHops[0]!;
  if (!parseIPv4(nh.address)) return bad('bad-next-hop', `next hop ${nh.address} is not IPv4`);
  if (entry.nlri.family === 'evpn') {
    const limit = labelLimitFor(nh.tunnelEncapsulations);
    if (nh.label > limit) return bad('bad-label', `label ${nh.label} exceeds ${limit}`);
    return undefined;
  }
  if (nh.label > MAX_MPLS_LABEL) return bad('bad-label', `label ${nh.label} exceeds ${MAX_MPLS_LABEL}`);
  const master = ri === MASTER_INSTANCE;
  if (master && nh.label !== 0) return bad('bad-label', `label ${nh.label} in the master instance must be 0`);
  if (!master && nh.label === 0) return bad('bad-label', 'label 0 in a VRF');
  return undefined;
}

/**
 * A control-node entry must reach somewhere: next hops, or (EVPN broadcast) an olist.
 * TF asserts exactly this when building the message (xmpp_message_builder.cc).
 */
export function validateEventEntry(entry: RouteEntry, node?: string): ItemError | undefined {
  if (entry.nextHops.length === 0 && (entry.olist === undefined || entry.olist.length === 0)) {
    return itemError('missing-next-hop', 'route without next hops or olist', node);
  }
  return undefined;
}
