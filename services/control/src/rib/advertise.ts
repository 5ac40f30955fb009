import {
  countAs,
  prependAs,
  unknownAttributesToPropagate,
  type Family,
  type PathAttributes,
} from '@skein/bgp';
import { makeAttrSet, type AttrInput, type AttrSet } from './attrs';
import { mapIpv4 } from './ip';
import { PathFlag, type Path } from './path';
import type { Peer } from './peer';
import { peerWantsRoute } from './rtc';
import { setAt, setSize, type PathSet, type Table } from './table';

/**
 * Who gets what (routing.md B9) and why not (Part E explain reasons). The same functions decide what the
 * Rib sends and what `/explain` answers, so the two cannot disagree.
 */
export enum AdvertiseReason {
  Advertised = 'ADVERTISED',
  NoRoute = 'NO_ROUTE',
  NotBest = 'NOT_BEST',
  NotSubscribed = 'NOT_SUBSCRIBED',
  FamilyNotNegotiated = 'FAMILY_NOT_NEGOTIATED',
  RtcNoInterest = 'RTC_NO_INTEREST',
  LearnedFromPeer = 'LEARNED_FROM_PEER',
  IbgpNotReflected = 'IBGP_NOT_REFLECTED',
  AsLoop = 'AS_LOOP',
  ClusterLoop = 'CLUSTER_LOOP',
  Infeasible = 'INFEASIBLE',
  SessionDown = 'SESSION_DOWN',
  NotImported = 'NOT_IMPORTED',
}

export interface SpeakerContext {
  /** Own bgp-router `cluster_id`: enables RFC 4456 reflection between iBGP peers. */
  clusterId: string | undefined;
}

function infeasibleReason(path: Path): AdvertiseReason {
  if (path.flags & PathFlag.AsPathLoop) return AdvertiseReason.AsLoop;
  if (path.flags & PathFlag.ClusterLoop) return AdvertiseReason.ClusterLoop;
  return AdvertiseReason.Infeasible;
}

/**
 * Whether the best path of a master-table destination goes to a BGP peer: session up, family negotiated,
 * feasible, not learned from that peer, no iBGP → iBGP without a cluster id, RT interest (VPN tables),
 * and not carrying the peer's own AS (sender-side loop check, as TF does towards eBGP). `assumeWanted` skips
 * the interest check, to tell what a peer had before it lost interest; `forGroup` skips split horizon, to
 * judge for a whole update group (whose members the path came from are handled one by one).
 */
export function bgpVerdict(
  peer: Peer,
  table: Table,
  best: Path | null,
  ctx: SpeakerContext,
  opts: { assumeWanted?: boolean; forGroup?: boolean } = {},
): AdvertiseReason {
  if (!peer.up) return AdvertiseReason.SessionDown;
  if (table.bgpFamily === undefined || !peer.families.has(table.bgpFamily))
    return AdvertiseReason.FamilyNotNegotiated;
  if (best === null) return AdvertiseReason.NoRoute;
  if (!best.feasible) return infeasibleReason(best);
  const from = best.peer;
  if (from === peer && !opts.forGroup) return AdvertiseReason.LearnedFromPeer;
  if (from.kind === 'bgp' && from.ibgp && peer.ibgp && ctx.clusterId === undefined)
    return AdvertiseReason.IbgpNotReflected;
  if (table.kind === 'vpn' && !opts.assumeWanted && !peerWantsRoute(peer, best.attrs))
    return AdvertiseReason.RtcNoInterest;
  if (!peer.ibgp && countAs(best.attrs.asPath, peer.asn) > 0) return AdvertiseReason.AsLoop;
  return AdvertiseReason.Advertised;
}

/**
 * The paths an agent gets for a destination: its usable set without the agent's own paths (agents are RR
 * clients: a path reaches every other agent, never its own). Empty when nothing is left.
 */
export function agentPaths(agent: Peer, set: PathSet): Path[] {
  const n = setSize(set);
  const out: Path[] = [];
  for (let i = 0; i < n; i++) {
    const p = setAt(set, i);
    if (p.peer !== agent) out.push(p);
  }
  return out;
}

/** Whether any path of the set came from `agent` (then its view differs from everyone else's). */
export function contributes(agent: Peer, set: PathSet): boolean {
  const n = setSize(set);
  for (let i = 0; i < n; i++) if (setAt(set, i).peer === agent) return true;
  return false;
}

export function agentVerdict(agent: Peer, table: Table, best: Path | null, set: PathSet): AdvertiseReason {
  if (!agent.up) return AdvertiseReason.SessionDown;
  if (table.xmppFamily === undefined) return AdvertiseReason.FamilyNotNegotiated;
  const sub = agent.activeSubscription(table.ri);
  if (sub === undefined || sub.noRibout) return AdvertiseReason.NotSubscribed;
  if (best === null) return AdvertiseReason.NoRoute;
  if (!best.feasible) return infeasibleReason(best);
  return agentPaths(agent, set).length === 0 ? AdvertiseReason.LearnedFromPeer : AdvertiseReason.Advertised;
}

/** A peer's export class: peers of one class get identical attributes for a path, so they share a cache slot. */
function exportClass(path: Path, peer: Peer, ctx: SpeakerContext): string {
  if (!peer.ibgp) return `e${peer.localAs}`;
  const from = path.peer;
  if (ctx.clusterId !== undefined && from.kind === 'bgp' && from.ibgp) return `r${from.routerId}`;
  return 'i';
}

/**
 * The attributes a path carries to `peer` (B9): towards iBGP LOCAL_PREF defaults to 100 and reflected paths
 * get ORIGINATOR_ID and the cluster id prepended to CLUSTER_LIST; towards eBGP the local AS is prepended,
 * LOCAL_PREF, ORIGINATOR_ID and CLUSTER_LIST removed, and a MED learned across an AS dropped (as TF does).
 * Next hops stay unchanged. Cached on the source set per export class.
 */
export function outboundAttrs(path: Path, peer: Peer, ctx: SpeakerContext): AttrSet {
  const a = path.attrs;
  const cls = exportClass(path, peer, ctx);
  const cached = a.outCache?.get(cls);
  if (cached !== undefined) return cached;
  const input: AttrInput = a.toInput();
  delete input.rd;
  delete input.subProtocol;
  delete input.l3Label;
  delete input.esi;
  if (input.unknown) {
    const kept = unknownAttributesToPropagate({ unknown: [...input.unknown] }).unknown;
    if (kept !== undefined) input.unknown = kept;
    else delete input.unknown;
  }
  if (peer.ibgp) {
    input.localPref = a.localPref ?? 100;
    input.asPath = a.asPath ?? [];
    if (cls.startsWith('r')) {
      input.originatorId = a.originatorId ?? path.peer.routerId;
      input.clusterList = [ctx.clusterId!, ...(a.clusterList ?? [])];
    }
  } else {
    delete input.localPref;
    delete input.originatorId;
    delete input.clusterList;
    if (a.asPath !== undefined && a.asPath.length > 0) delete input.med;
    input.asPath = prependAs(a.asPath, peer.localAs);
  }
  const out = makeAttrSet(input);
  (a.outCache ??= new Map()).set(cls, out);
  return out;
}

export interface WireAttributes {
  attributes: PathAttributes;
  /** MP next hop (every family but inet): inet6-vpn carries an IPv4 end point as `::ffff:a.b.c.d`. */
  nextHop: string;
}

/**
 * The `PathAttributes` that `@skein/bgp`'s `packUpdates` encodes, built once per outbound set and kind of
 * family. Only inet carries NEXT_HOP; the others give their next hop in MP_REACH alone (RFC 4760 §3).
 */
export function wireAttributes(out: AttrSet, family: Family): WireAttributes {
  const v6 = family === 'inet6' || family === 'inet6-vpn';
  const cacheKey = family === 'inet' ? 'inet' : v6 ? 'v6' : 'mp';
  const cache = (out.wire ??= {}) as Record<string, WireAttributes>;
  const hit = cache[cacheKey];
  if (hit) return hit;
  const attributes: PathAttributes = { origin: out.origin };
  if (family === 'inet') attributes.nextHop = out.nextHop;
  if (out.asPath !== undefined)
    attributes.asPath = out.asPath.map((s) => ({ type: s.type, asns: [...s.asns] }));
  if (out.med !== undefined) attributes.med = out.med;
  if (out.localPref !== undefined) attributes.localPref = out.localPref;
  if (out.atomicAggregate) attributes.atomicAggregate = true;
  if (out.aggregator !== undefined) attributes.aggregator = out.aggregator;
  if (out.communities.length > 0) attributes.communities = [...out.communities];
  if (out.originatorId !== undefined) attributes.originatorId = out.originatorId;
  if (out.clusterList !== undefined) attributes.clusterList = [...out.clusterList];
  if (out.extCommunities.length > 0) attributes.extCommunities = [...out.extCommunities];
  if (out.pmsiTunnel !== undefined) attributes.pmsiTunnel = out.pmsiTunnel;
  if (out.unknown !== undefined) attributes.unknown = [...out.unknown];
  const w = { attributes, nextHop: v6 ? mapIpv4(out.nextHop) : out.nextHop };
  cache[cacheKey] = w;
  return w;
}
