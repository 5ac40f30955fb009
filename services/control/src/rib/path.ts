import type { AttrSet } from './attrs';
import type { Peer, PeerKind } from './peer';
import type { Destination, Table } from './table';

/** Path flags. Kept as bits in one small integer so a path stays a handful of fields at a million routes. */
export const PathFlag = {
  /** The source went away under graceful restart; kept and advertised until swept. */
  Stale: 1 << 0,
  /** Every tunnel encapsulation the agent listed is unknown (TF `NoTunnelEncap`). */
  NoTunnelEncap: 1 << 1,
  /** The local AS appears in the AS_PATH more than `loop_count` times (B9). */
  AsPathLoop: 1 << 2,
  /** Own cluster id in CLUSTER_LIST, or own router id as ORIGINATOR_ID (RFC 4456). */
  ClusterLoop: 1 << 3,
  /** Next hop did not resolve (static routes, service chains). */
  Unresolved: 1 << 4,
  /** EVPN aliasing path (B6 rule 7). */
  Aliased: 1 << 5,
  /** A copy made by the control node: VRF → VPN export or VPN → VRF import. Never exported again. */
  Replicated: 1 << 6,
} as const;

export const INFEASIBLE =
  PathFlag.NoTunnelEncap | PathFlag.AsPathLoop | PathFlag.ClusterLoop | PathFlag.Unresolved;

/**
 * One path of a destination. Immutable but for its links: a changed route is a new Path replacing the old
 * one, so a snapshot of a destination's best paths is just references to Path objects.
 *
 * `peer` is the original source even on copies, so "learned from" and "never back to its own agent" hold
 * across replication. `primary` is what a copy was made from; its destination identifies the copy within a
 * destination (a peer may have several copies there, one per source route).
 */
export class Path {
  /** Next path of the destination, in best-first order. */
  next: Path | null = null;
  /** The destination holding this path; kept after removal so the copy identity still works. */
  dest: Destination | null = null;

  constructor(
    readonly peer: Peer,
    readonly attrs: AttrSet,
    readonly label: number,
    public flags: number,
    readonly primary: Path | null,
  ) {}

  get source(): PeerKind {
    return this.peer.kind;
  }

  get feasible(): boolean {
    return (this.flags & INFEASIBLE) === 0;
  }

  get stale(): boolean {
    return (this.flags & PathFlag.Stale) !== 0;
  }

  /** The path this one was copied from, through every copy: where the route was learned or originated. */
  get origin(): Path {
    return this.primary === null ? this : this.primary.origin;
  }

  /** Same slot in a destination: same source peer and the same source destination (for copies). */
  sameSlot(other: Path): boolean {
    return this.peer === other.peer && (this.primary?.dest ?? null) === (other.primary?.dest ?? null);
  }

  /** Same attributes, label and flags: replacing one with the other changes nothing. */
  sameContent(other: Path): boolean {
    return this.attrs === other.attrs && this.label === other.label && this.flags === other.flags;
  }

  /** Nothing an agent or peer would see differs (staleness is not sent). */
  sameView(other: Path): boolean {
    return (
      this.attrs === other.attrs &&
      this.label === other.label &&
      (this.flags | PathFlag.Stale) === (other.flags | PathFlag.Stale)
    );
  }
}

/**
 * A path in a VPN table. Only these are walked by route target (config and interest changes), so only they
 * carry the two links of the route-target index: 16 bytes a path that VRF paths do without.
 */
export class VpnPath extends Path {
  attrPrev: VpnPath | null = null;
  attrNext: VpnPath | null = null;
}

/** The right kind of path for a table. */
export function makePath(
  table: Table,
  peer: Peer,
  attrs: AttrSet,
  label: number,
  flags: number,
  primary: Path | null,
): Path {
  return table.kind === 'vpn'
    ? new VpnPath(peer, attrs, label, flags, primary)
    : new Path(peer, attrs, label, flags, primary);
}

/** Why a path is infeasible, for introspect (`infeasible_reason`). */
export function infeasibleReason(flags: number): string | undefined {
  if (flags & PathFlag.AsPathLoop) return 'as-path-loop';
  if (flags & PathFlag.ClusterLoop) return 'cluster-loop';
  if (flags & PathFlag.NoTunnelEncap) return 'no-tunnel-encap';
  if (flags & PathFlag.Unresolved) return 'next-hop-unresolved';
  return undefined;
}
