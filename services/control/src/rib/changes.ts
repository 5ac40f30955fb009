import type { UpdateBatch } from '@skein/bgp';
import type { RouteUpdate } from '@skein/xmpp';
import type { Path } from './path';
import type { PeerKind } from './peer';
import type { XmppFamily } from './tables';

/**
 * What the Rib hands the session layer after a run of changes: ready to serialise, nothing to compute.
 * Updates are coalesced per key since the last `takeChanges()`: a route that changed twice is sent once,
 * in its latest state.
 */
export interface RibChanges {
  /** Per agent and RI table: feed each to `@skein/xmpp`'s `encodeRouteMessages({agent, family, ri, updates})`. */
  agents: AgentChange[];
  /** Per BGP peer: feed each batch to `@skein/bgp`'s `packUpdates(batch, ctx)`. */
  peers: PeerChange[];
  /** Initial downloads that finished: agents get `0/0/EndOfRib` once all their RIs are done, peers End-of-RIB. */
  synced: SyncDone[];
  /** Per-path adds, changes and deletes of primary paths (not copies), for `control.routes`. */
  paths: PathEvent[];
  /** Initial downloads still have routes to walk: call `takeChanges` again (the budget ran out). */
  more: boolean;
}

export interface AgentChange {
  agent: string;
  ri: string;
  family: XmppFamily;
  updates: RouteUpdate[];
}

export interface PeerChange {
  peer: string;
  /** Withdrawals of a family first, then announcements grouped by shared attributes. */
  batches: UpdateBatch[];
}

export type SyncDone = { kind: 'agent'; name: string; ri: string } | { kind: 'peer'; name: string };

export interface PathEvent {
  op: 'add' | 'change' | 'delete';
  table: string;
  ri: string;
  prefix: string;
  peer: string;
  source: PeerKind;
  /** The path as it is (for delete: as it was); `describePath` gives the Part E view. */
  path: Path;
}
