import { INFEASIBLE, PathFlag, type Path } from './path';
import { comparePeerAddress } from './peer';

/**
 * Best path (routing.md B6) as a ladder of small comparators, kept as data: the order of
 * `BEST_PATH_RULES` is the decision process, so documentation and code cannot drift (GoBGP's
 * `destination.go` comment did). Each comparator returns < 0 when `a` is better, > 0 when `b` is, 0 on a tie.
 */
export enum BestPathReason {
  Feasible = 'FEASIBLE',
  LocalPref = 'LOCAL_PREF',
  Mobility = 'MOBILITY',
  AsPath = 'AS_PATH',
  Origin = 'ORIGIN',
  Med = 'MED',
  NotAliased = 'NOT_ALIASED',
  LocallyGenerated = 'LOCALLY_GENERATED',
  Xmpp = 'XMPP',
  Ebgp = 'EBGP',
  RouterId = 'ROUTER_ID',
  ClusterList = 'CLUSTER_LIST',
  PeerAddress = 'PEER_ADDRESS',
  /** Nothing tells them apart; the older path stays first. */
  Equal = 'EQUAL',
}

export interface CompareContext {
  /** `always_compare_med`: compare MEDs across neighbour ASes too. */
  alwaysCompareMed: boolean;
}

export type PathComparator = (a: Path, b: Path, ctx: CompareContext) => number;

export interface BestPathRule {
  readonly reason: BestPathReason;
  readonly compare: PathComparator;
  /** Paths equal through every rule marked `ecmp` are ECMP with each other. */
  readonly ecmp: boolean;
}

const DEFAULT_LOCAL_PREF = 100;

/** (1) Feasible first: infeasible = every agent encap unknown, next hop unresolved, or a loop. */
export const compareByFeasibility: PathComparator = (a, b) =>
  ((a.flags & INFEASIBLE) !== 0 ? 1 : 0) - ((b.flags & INFEASIBLE) !== 0 ? 1 : 0);

/** (2) Higher LOCAL_PREF; absent compares as 100. */
export const compareByLocalPref: PathComparator = (a, b) =>
  (b.attrs.localPref ?? DEFAULT_LOCAL_PREF) - (a.attrs.localPref ?? DEFAULT_LOCAL_PREF);

/** (3) E-Tree root before leaf, sticky MAC first, higher mobility sequence number. */
export const compareByMobility: PathComparator = (a, b) => {
  const x = a.attrs;
  const y = b.attrs;
  if (x.etreeLeaf !== y.etreeLeaf) return x.etreeLeaf ? 1 : -1;
  if (x.sticky !== y.sticky) return x.sticky ? -1 : 1;
  return y.mobilitySeq - x.mobilitySeq;
};

/** (4) Shorter AS_PATH, except between two service-chain paths (their AS paths are copies, not distances). */
export const compareByAsPathLength: PathComparator = (a, b) => {
  if (a.peer.kind === 'service-chain' && b.peer.kind === 'service-chain') return 0;
  return a.attrs.asPathLength - b.attrs.asPathLength;
};

/** (5) Lower ORIGIN (IGP < EGP < incomplete). */
export const compareByOrigin: PathComparator = (a, b) => a.attrs.origin - b.attrs.origin;

/** (6) Lower MED, only within one neighbour AS unless `always_compare_med`; absent MED is 0. */
export const compareByMed: PathComparator = (a, b, ctx) => {
  if (!ctx.alwaysCompareMed && a.attrs.neighborAs !== b.attrs.neighborAs) return 0;
  return (a.attrs.med ?? 0) - (b.attrs.med ?? 0);
};

/** (7) Non-aliased before aliased (EVPN). */
export const compareByAliasing: PathComparator = (a, b) =>
  ((a.flags & PathFlag.Aliased) !== 0 ? 1 : 0) - ((b.flags & PathFlag.Aliased) !== 0 ? 1 : 0);

const isLearned = (p: Path) => p.peer.kind === 'xmpp' || p.peer.kind === 'bgp';

/** (8) Locally generated (static, aggregate, service chain, own membership) before learned. */
export const compareByLocalOrigination: PathComparator = (a, b) =>
  (isLearned(a) ? 1 : 0) - (isLearned(b) ? 1 : 0);

/** (9) XMPP before BGP. */
export const compareBySourceProtocol: PathComparator = (a, b) =>
  (a.peer.kind === 'bgp' ? 1 : 0) - (b.peer.kind === 'bgp' ? 1 : 0);

const isIbgp = (p: Path) => p.peer.kind === 'bgp' && p.peer.ibgp;

/** (10) eBGP before iBGP. */
export const compareByPeerType: PathComparator = (a, b) => (isIbgp(a) ? 1 : 0) - (isIbgp(b) ? 1 : 0);

const routerIdOf = (p: Path) => (p.attrs.originatorNum >= 0 ? p.attrs.originatorNum : p.peer.routerIdNum);

/** (11) Lower ORIGINATOR_ID, else the peer's router id (RFC 4456 §9). */
export const compareByRouterId: PathComparator = (a, b) => routerIdOf(a) - routerIdOf(b);

/** (12) Shorter CLUSTER_LIST. */
export const compareByClusterListLength: PathComparator = (a, b) =>
  a.attrs.clusterLength - b.attrs.clusterLength;

/** (13) Lower peer address. */
export const compareByPeerAddress: PathComparator = (a, b) => comparePeerAddress(a.peer, b.peer);

export const BEST_PATH_RULES: readonly BestPathRule[] = [
  { reason: BestPathReason.Feasible, compare: compareByFeasibility, ecmp: true },
  { reason: BestPathReason.LocalPref, compare: compareByLocalPref, ecmp: true },
  { reason: BestPathReason.Mobility, compare: compareByMobility, ecmp: true },
  { reason: BestPathReason.AsPath, compare: compareByAsPathLength, ecmp: true },
  { reason: BestPathReason.Origin, compare: compareByOrigin, ecmp: true },
  { reason: BestPathReason.Med, compare: compareByMed, ecmp: true },
  { reason: BestPathReason.NotAliased, compare: compareByAliasing, ecmp: false },
  { reason: BestPathReason.LocallyGenerated, compare: compareByLocalOrigination, ecmp: false },
  { reason: BestPathReason.Xmpp, compare: compareBySourceProtocol, ecmp: false },
  { reason: BestPathReason.Ebgp, compare: compareByPeerType, ecmp: false },
  { reason: BestPathReason.RouterId, compare: compareByRouterId, ecmp: false },
  { reason: BestPathReason.ClusterList, compare: compareByClusterListLength, ecmp: false },
  { reason: BestPathReason.PeerAddress, compare: compareByPeerAddress, ecmp: false },
];

/** How many leading rules decide ECMP membership ("paths equal so far are ECMP" after rule 6). */
export const ECMP_RULE_COUNT = ((): number => {
  const n = BEST_PATH_RULES.findIndex((r) => !r.ecmp);
  if (BEST_PATH_RULES.slice(n).some((r) => r.ecmp))
    throw new Error('ECMP rules must lead the best-path ladder');
  return n;
})();

const COMPARATORS = BEST_PATH_RULES.map((r) => r.compare);

/** Order of two paths: < 0 when `a` is better. */
export function comparePaths(a: Path, b: Path, ctx: CompareContext): number {
  for (let i = 0; i < COMPARATORS.length; i++) {
    const c = COMPARATORS[i]!(a, b, ctx);
    if (c !== 0) return c;
  }
  return 0;
}

/** True when `a` and `b` tie on every ECMP rule. */
export function ecmpEqual(a: Path, b: Path, ctx: CompareContext): boolean {
  for (let i = 0; i < ECMP_RULE_COUNT; i++) if (COMPARATORS[i]!(a, b, ctx) !== 0) return false;
  return true;
}

export interface Decision {
  /** < 0: `a` wins, > 0: `b` wins, 0: equal. */
  order: number;
  /** The first rule that told them apart. */
  reason: BestPathReason;
}

/** Which rule decides between two paths, for introspect and explain. */
export function decide(a: Path, b: Path, ctx: CompareContext): Decision {
  for (const rule of BEST_PATH_RULES) {
    const c = rule.compare(a, b, ctx);
    if (c !== 0) return { order: c, reason: rule.reason };
  }
  return { order: 0, reason: BestPathReason.Equal };
}
