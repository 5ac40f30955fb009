import type { Family } from '@skein/bgp';
import type { RouteUpdate } from '@skein/xmpp';
import { ipv4ToNumber } from './ip';
import type { RoutingInstance } from './routing-instance';
import type { Destination, Table } from './table';
import type { MemberEntry, UpdateGroup } from './update-group';

/**
 * Where a path comes from (Part E `source`). `local` is the control node's own RTC membership routes; the
 * other local kinds are the routes it originates in a VRF.
 */
export const PEER_KINDS = ['xmpp', 'bgp', 'static', 'service-chain', 'aggregate', 'local'] as const;
export type PeerKind = (typeof PEER_KINDS)[number];

/** One agent's subscription to an RI (spec D): the instance-id forms the RD of its paths there. */
export interface Subscription {
  ri: string;
  instanceId: number;
  /** Publish only: nothing is sent back for this RI. */
  noRibout: boolean;
  /** The agent session that made it; a subscription from an earlier session is stale (graceful restart). */
  generation: number;
  /** False while the RI does not exist yet (the subscription waits for it). */
  active: boolean;
}

/** A route-target prefix shorter than a full RT (RFC 4684 lengths 32-95): matched bitwise. */
export interface PartialInterest {
  bits: number;
  bytes: Uint8Array;
  count: number;
}

/** An initial download in progress: the tables still to walk, and where the walk is. */
export interface SyncJob {
  tables: Table[];
  at: number;
  cursor: Iterator<unknown> | null;
  /** The RI of an agent subscription, reported when the job ends. */
  ri?: string;
  /**
   * Destinations the receiver was sent since the job started because they changed: the walk skips them,
   * so a route that changes during a long download is not sent twice.
   */
  sent?: Set<Destination>;
}

/**
 * A BGP peer, an agent, or one of the control node's own route sources. One class for all, so paths keep one
 * shape whatever their source.
 */
export class Peer {
  readonly routerIdNum: number;
  readonly addressNum: number;
  up = false;

  // BGP
  asn = 0;
  /** The AS this session speaks as (session `local_autonomous_system` > router's > global). */
  localAs = 0;
  families = new Set<Family>();
  /** How often the local AS may appear in a received AS_PATH (bgp-router session `loop_count`). */
  loopCount = 0;
  routerType = '';
  /** RFC 4684 interest announced by this peer: exact route targets (with a count of NLRIs naming each). */
  readonly rtExact = new Map<string, number>();
  rtDefault = 0;
  readonly rtPartial: PartialInterest[] = [];

  // XMPP
  readonly subscriptions = new Map<string, Subscription>();
  generation = 0;

  /** The BGP update group it belongs to while Established. */
  group: UpdateGroup | undefined;
  /**
   * Its socket is full: output stays pending here, coalescing per key, until the session layer unblocks it,
   * so a slow receiver costs one entry per changed route rather than a growing byte queue.
   */
  blocked = false;

  // Output not yet taken by the session layer, coalesced per table and key (later writes win).
  /** BGP: the path to announce, null to withdraw, HOLD for nothing; overrides the group's entry. */
  readonly pendingBgp = new Map<Table, Map<string, MemberEntry>>();
  /** XMPP: items and retracts. */
  readonly pendingXmpp = new Map<Table, Map<string, RouteUpdate>>();
  readonly syncs: SyncJob[] = [];

  constructor(
    readonly name: string,
    readonly kind: PeerKind,
    readonly address: string,
    readonly routerId: string,
  ) {
    this.routerIdNum = ipv4ToNumber(routerId);
    this.addressNum = ipv4ToNumber(address);
  }

  get ibgp(): boolean {
    return this.kind === 'bgp' && this.asn === this.localAs;
  }

  /** The subscription routes are sent for: active, and renewed by this session if it survived a restart. */
  activeSubscription(ri: RoutingInstance): Subscription | undefined {
    const sub = this.subscriptions.get(ri.name);
    return sub !== undefined && sub.active && sub.generation === this.generation ? sub : undefined;
  }
}

/** B6 rule 13: lower peer address; IPv4 numerically, anything else as text after IPv4. */
export function comparePeerAddress(a: Peer, b: Peer): number {
  if (a.addressNum >= 0 && b.addressNum >= 0) return a.addressNum - b.addressNum;
  if (a.addressNum >= 0) return -1;
  if (b.addressNum >= 0) return 1;
  return a.address < b.address ? -1 : a.address > b.address ? 1 : 0;
}
