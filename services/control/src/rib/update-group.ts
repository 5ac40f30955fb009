import type { Family } from '@skein/bgp';
import type { Path } from './path';
import type { Peer } from './peer';
import type { Table } from './table';

/**
 * In a member's own pending output: "send nothing for this key this round", although its group does. Used
 * where the member's view differs from the group's (split horizon, a withdrawal of what it never had).
 */
export const HOLD: unique symbol = Symbol('hold');
export type MemberEntry = Path | null | typeof HOLD;

/**
 * BGP peers that get identical output (TF's RibOut, an update group): same iBGP/eBGP role and AS, same
 * families, and no route-target constraint of their own. The Rib judges each changed destination once per
 * group and the session layer encodes each UPDATE once per group, instead of once per peer. What a member
 * must not get (its own paths) or must get besides (its initial download, RTC changes, a backlog while its
 * socket was full) lives in the member's own pending output, which overrides the group's key by key.
 */
export class UpdateGroup {
  /** Members in Established. */
  readonly members = new Set<Peer>();
  /** Coalesced per table and key since the last output: the path to announce, or null to withdraw. */
  readonly pending = new Map<Table, Map<string, Path | null>>();
  /** Members some pending path came from: those paths are left out of what they are sent. */
  readonly sources = new Set<Peer>();

  constructor(
    readonly key: string,
    readonly families: ReadonlySet<Family>,
  ) {}

  /** Any member: the verdicts and outbound attributes the group shares do not depend on which. */
  get representative(): Peer {
    return this.members.values().next().value as Peer;
  }

  write(table: Table, key: string, path: Path | null): void {
    let m = this.pending.get(table);
    if (m === undefined) this.pending.set(table, (m = new Map()));
    m.set(key, path);
    if (path !== null && this.members.has(path.peer)) this.sources.add(path.peer);
  }

  /** What `member` sees of the group's pending entry (undefined: nothing pending for it). */
  seenBy(member: Peer, entry: Path | null | undefined): MemberEntry | undefined {
    if (entry === undefined || (entry !== null && entry.peer === member)) return undefined;
    return entry;
  }

  clear(): void {
    this.pending.clear();
    this.sources.clear();
  }
}

/**
 * Peers with the same key judge every path alike (advertise.ts `bgpVerdict` and `outboundAttrs` depend on
 * exactly these), except for split horizon, which the Rib handles per member. A peer with the route-target
 * family has an interest of its own, so it is a group by itself.
 */
export function updateGroupKey(peer: Peer): string {
  const role = peer.ibgp ? `i${peer.localAs}` : `e${peer.localAs}>${peer.asn}`;
  const families = [...peer.families].sort().join(',');
  return peer.families.has('route-target') ? `${role}|${families}|${peer.name}` : `${role}|${families}`;
}
