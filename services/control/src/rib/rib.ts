import {
  Origin,
  WITHDRAW_LABEL,
  ZERO_ESI,
  countAs,
  nlriKey,
  type EvpnRoute,
  type Family,
  type Nlri,
  type PathAttributes,
  type UpdateBatch,
} from '@skein/bgp';
import {
  itemIdOf,
  validateAgentRoute,
  type ItemError,
  type Nlri as XmppNlri,
  type RouteEntry,
  type RouteUpdate,
} from '@skein/xmpp';
import {
  AdvertiseReason,
  agentPaths,
  bgpVerdict,
  contributes,
  outboundAttrs,
  wireAttributes,
  type SpeakerContext,
} from './advertise';
import { AttrPool, type AttrInput, type AttrSet } from './attrs';
import type { CompareContext } from './best-path';
import type { AgentChange, PathEvent, PeerChange, RibChanges, SyncDone } from './changes';
import { addTo, removeFrom } from './derived';
import { unmapIpv4 } from './ip';
import { bgpNlriOfKey, labelOfNlri, xmppNlriOfKey } from './nlri-keys';
import { PathFlag, VpnPath, makePath, type Path } from './path';
import { Peer, type PeerKind, type Subscription, type SyncJob } from './peer';
import { IndexAllocator, agentRd, originatedRd } from './rd';
import { RtIndex } from './route-targets';
import { ServiceChains } from './service-chain';
import { StaticRoutes } from './static-routes';
import { RoutingInstance, sameSet as sameStringSet, type RoutingInstanceDef } from './routing-instance';
import { applyInterest, interestOf, membershipKey, peerWantsRoute } from './rtc';
import { Destination, sameSet, sameSetContent, setAt, setSize, type PathSet, type Table } from './table';
import { MASTER_INSTANCE, TABLE_OF_FAMILY, VPN_TABLE_OF, type XmppFamily } from './tables';
import { HOLD, UpdateGroup, updateGroupKey, type MemberEntry } from './update-group';
import { Replicator, type ReplicationHost } from './vpn';
import { agentEntry, xmppPath, type AgentViewContext } from './xmpp-attrs';

export interface RibOptions {
  /** Own BGP identifier (IPv4): originated RDs, the RTC next hop, ORIGINATOR_ID checks. */
  routerId: string;
  /** Global ASN (`global-system-config.autonomous_system`). */
  asn: number;
  /** Own bgp-router `cluster_id` (dotted quad): RFC 4456 reflection between iBGP peers. */
  clusterId?: string;
  alwaysCompareMed?: boolean;
  /** Record per-path events for `control.routes` (default true). */
  pathEvents?: boolean;
}

export interface BgpPeerDef {
  name: string;
  address: string;
  /** BGP identifier; the address when unknown. */
  routerId?: string;
  /** Peer AS. */
  asn: number;
  /** Local AS of this session (session > router > global); the global ASN when absent. */
  localAs?: number;
  routerType?: string;
  /** How often the local AS may appear in a received AS_PATH (default 0). */
  loopCount?: number;
}

export interface OriginatedPath {
  source: 'static' | 'aggregate' | 'service-chain';
  /**
   * Several paths of one source in one destination (a static route or service chain copying an ECMP set)
   * need one slot each; paths without a slot share the source's single slot.
   */
  slot?: string;
  attrs: AttrInput;
  label: number;
  flags?: number;
}

export type PublishResult =
  | { ok: true }
  | { ok: false; reason: 'unknown-agent' | 'not-subscribed' | 'unsupported-family' }
  /** The item breaks an item rule (`@skein/xmpp` `validateAgentRoute`): drop it and count it in `bad_items`. */
  | { ok: false; reason: 'invalid'; error: ItemError };

export interface SubscribeOptions {
  noRibout?: boolean;
}

/** The master table of each BGP family. */
const TABLE_FOR_FAMILY = new Map<Family, string>(TABLE_OF_FAMILY);

/**
 * The one owner of routing state (style.md: "one queue owns all RIB changes"). Every method is synchronous
 * and runs to completion; the session layer calls them from its single queue and then takes the changes.
 *
 * Table changes propagate at once (VRF → VPN export, VPN → VRF import, RTC interest), so tables are always
 * consistent; what agents and peers are sent is computed lazily in `takeChanges()` from a snapshot of each
 * changed destination's ECMP set taken at its first change, so bursts coalesce.
 */
export class Rib implements ReplicationHost {
  readonly pool = new AttrPool();
  readonly rts = new RtIndex();
  readonly master: RoutingInstance;
  readonly compare: CompareContext;
  readonly speaker: SpeakerContext;
  readonly asn: number;
  readonly routerId: string;

  private readonly replicator: Replicator;
  private readonly instances = new Map<string, RoutingInstance>();
  private readonly tablesByName = new Map<string, Table>();
  private readonly peers = new Map<string, Peer>();
  private readonly localPeers: Record<'local' | 'static' | 'aggregate' | 'service-chain', Peer>;
  /** Originated paths with a slot: one peer per slot, alive while it has paths. */
  private readonly slotPeers = new Map<string, { peer: Peer; paths: number }>();
  /** Static routes (A7) and service chains (A6), re-evaluated once a change has propagated. */
  readonly staticRoutes: StaticRoutes;
  readonly serviceChains: ServiceChains;
  /** > 0 while a change propagates (or an RI is edited): derived routes wait until it is back to 0. */
  private depth = 0;
  private readonly indexes = new IndexAllocator();
  /** `routing_instance_refs` declared by each RI, reversed: who names this RI. */
  private readonly declaredBy = new Map<string, Set<string>>();
  private readonly vnByName = new Map<string, { index: number; refs: number }>();
  private readonly vnByIndex = new Map<number, string>();
  private readonly upByFamily = new Map<Family, number>();
  /** Update groups of the BGP peers in Established, so a route change visits only them, not every agent. */
  private readonly groups = new Map<string, UpdateGroup>();
  private readonly dirtyTables = new Set<Table>();
  private readonly pendingPeers = new Set<Peer>();
  private readonly pendingGroups = new Set<UpdateGroup>();
  private readonly syncing = new Set<Peer>();
  private synced: SyncDone[] = [];
  /**
   * Items made during one `takeChanges` walk of downloads: agents that do not contribute to a destination get
   * the same item, one object, which the session layer serialises once.
   */
  private readonly walkShared = new Map<Destination, RouteUpdate>();
  private events: PathEvent[] = [];
  private readonly recordEvents: boolean;
  private readonly viewContext: AgentViewContext;

  constructor(opts: RibOptions) {
    this.asn = opts.asn;
    this.routerId = opts.routerId;
    this.compare = { alwaysCompareMed: opts.alwaysCompareMed ?? false };
    this.speaker = { clusterId: opts.clusterId };
    this.recordEvents = opts.pathEvents ?? true;
    this.replicator = new Replicator(this);
    this.master = new RoutingInstance(MASTER_INSTANCE, true);
    this.instances.set(MASTER_INSTANCE, this.master);
    for (const t of this.master.tables) this.tablesByName.set(t.name, t);
    const local = (kind: PeerKind) =>
      new Peer(`${kind}:${opts.routerId}`, kind, opts.routerId, opts.routerId);
    this.localPeers = {
      local: local('local'),
      static: local('static'),
      aggregate: local('aggregate'),
      'service-chain': local('service-chain'),
    };
    for (const p of Object.values(this.localPeers)) p.up = true;
    this.staticRoutes = new StaticRoutes(this);
    this.serviceChains = new ServiceChains(this);
    this.viewContext = { vnName: (index) => (index === undefined ? undefined : this.vnByIndex.get(index)) };
  }

  // ===== Read access (introspect, explain, tests) =========================================================

  table(name: string): Table | undefined {
    return this.tablesByName.get(name);
  }

  tableNames(): string[] {
    return [...this.tablesByName.keys()];
  }

  instance(name: string): RoutingInstance | undefined {
    return this.instances.get(name);
  }

  routingInstances(): IterableIterator<RoutingInstance> {
    return this.instances.values();
  }

  peer(name: string): Peer | undefined {
    return this.peers.get(name);
  }

  allPeers(): IterableIterator<Peer> {
    return this.peers.values();
  }

  vnName(index: number | undefined): string | undefined {
    return this.viewContext.vnName(index);
  }

  vpnTableOf(family: XmppFamily): Table {
    return this.tablesByName.get(VPN_TABLE_OF[family])!;
  }

  // ===== Routing instances ================================================================================

  /** Creates or updates an RI: targets, connections (either end), VN index; imports and exports follow. */
  upsertRoutingInstance(def: RoutingInstanceDef): RoutingInstance {
    this.depth++;
    try {
      return this.upsertInstance(def);
    } finally {
      this.depth--;
      this.deriveRoutes();
    }
  }

  private upsertInstance(def: RoutingInstanceDef): RoutingInstance {
    let ri = this.instances.get(def.name);
    const created = ri === undefined;
    if (ri === undefined) {
      ri = new RoutingInstance(def.name, def.name === MASTER_INSTANCE);
      ri.index =
        def.index !== undefined && this.indexes.reserve(def.index) ? def.index : this.indexes.allocate();
      this.instances.set(def.name, ri);
      for (const t of ri.tables) this.tablesByName.set(t.name, t);
    }
    this.unregisterVn(ri);
    const oldExports = ri.exportTargets;
    const oldDeclared = ri.declaredConnections;
    const oldConnections = new Set(ri.connections);
    const { exportChanged } = ri.apply(def);
    this.registerVn(ri);
    for (const rt of oldExports)
      if (!ri.exportTargets.has(rt)) this.rtGroupEdit(rt, (g) => g.exporters.delete(ri!));
    for (const rt of ri.exportTargets) this.rts.locate(rt).exporters.add(ri);
    for (const name of oldDeclared) removeFrom(this.declaredBy, name, ri.name);
    for (const name of ri.declaredConnections) addTo(this.declaredBy, name, ri.name);
    this.replicator.instancesChanged();

    this.refreshConnections(ri);
    const affected = new Set<RoutingInstance>([ri]);
    for (const name of [...oldConnections, ...ri.connections]) {
      const other = this.instances.get(name);
      if (other !== undefined) {
        this.refreshConnections(other);
        affected.add(other);
      }
    }
    for (const x of affected) this.refreshImports(x);
    if (exportChanged && !created) this.replicator.reexportInstance(ri);
    if (created) this.activatePendingSubscriptions(ri);
    this.staticRoutes.configure(ri.name, def.staticRoutes ?? []);
    this.serviceChains.configure(ri.name, def.serviceChains ?? []);
    this.serviceChains.instanceChanged(ri.name);
    return ri;
  }

  /**
   * Deletes an RI: its routes are withdrawn (subscribed agents get the retracts), and its subscriptions wait,
   * pending, in case it comes back.
   */
  deleteRoutingInstance(name: string): void {
    const ri = this.instances.get(name);
    if (ri === undefined || ri.isMaster) return;
    this.depth++;
    try {
      this.deleteInstance(ri);
    } finally {
      this.depth--;
      this.deriveRoutes();
    }
  }

  private deleteInstance(ri: RoutingInstance): void {
    const name = ri.name;
    // Its derived routes go first: the walk below must not meet paths withdrawn behind its back.
    this.staticRoutes.configure(name, []);
    this.serviceChains.configure(name, []);
    this.setImports(ri, new Set());
    for (const rt of ri.exportTargets) this.rtGroupEdit(rt, (g) => g.exporters.delete(ri));
    for (const table of ri.tables) {
      for (const dest of [...table.map.values()])
        for (const p of [...dest.paths()]) this.dropPath(table, dest, p);
    }
    // Retracts are computed while the subscribers still count, then the subscriptions go pending.
    this.settle();
    for (const agent of [...ri.subscribers.values()]) {
      const sub = agent.subscriptions.get(name);
      if (sub !== undefined) this.deactivate(agent, sub, ri, true);
    }
    for (const table of ri.tables) {
      table.deleted = true;
      this.tablesByName.delete(table.name);
    }
    for (const other of ri.declaredConnections) removeFrom(this.declaredBy, other, name);
    this.instances.delete(name);
    this.unregisterVn(ri);
    this.indexes.release(ri.index);
    this.replicator.instancesChanged();
    for (const other of ri.connections) {
      const x = this.instances.get(other);
      if (x !== undefined) {
        this.refreshConnections(x);
        this.refreshImports(x);
      }
    }
    this.serviceChains.instanceChanged(name);
  }

  private refreshConnections(ri: RoutingInstance): void {
    ri.connections.clear();
    const names = [...ri.declaredConnections, ...(this.declaredBy.get(ri.name) ?? [])];
    for (const n of names) if (n !== ri.name && this.instances.has(n)) ri.connections.add(n);
  }

  /** B4: configured imports plus the export targets of every connected RI. */
  private refreshImports(ri: RoutingInstance): void {
    const next = new Set(ri.configuredImports);
    for (const name of ri.connections) {
      const other = this.instances.get(name);
      if (other !== undefined) for (const rt of other.exportTargets) next.add(rt);
    }
    this.setImports(ri, next);
  }

  private setImports(ri: RoutingInstance, next: Set<string>): void {
    const before = ri.importTargets;
    if (sameStringSet(before, next)) return;
    const added = [...next].filter((rt) => !before.has(rt));
    const removed = [...before].filter((rt) => !next.has(rt));
    ri.importTargets = next;
    for (const rt of added) this.rts.locate(rt).importers.add(ri);
    for (const rt of removed) this.rtGroupEdit(rt, (g) => g.importers.delete(ri));
    if (ri.subscribers.size > 0) {
      for (const rt of added) this.localMembership(rt, 1);
      for (const rt of removed) this.localMembership(rt, -1);
    }
    this.replicator.importTargetsChanged(ri, added, removed);
  }

  private rtGroupEdit(rt: string, edit: (g: NonNullable<ReturnType<RtIndex['get']>>) => void): void {
    const g = this.rts.get(rt);
    if (g === undefined) return;
    edit(g);
    this.rts.prune(rt);
  }

  private registerVn(ri: RoutingInstance): void {
    if (ri.vn === undefined || ri.vnIndex <= 0) return;
    const e = this.vnByName.get(ri.vn);
    if (e !== undefined && e.index === ri.vnIndex) e.refs++;
    else this.vnByName.set(ri.vn, { index: ri.vnIndex, refs: 1 });
    this.vnByIndex.set(ri.vnIndex, ri.vn);
  }

  private unregisterVn(ri: RoutingInstance): void {
    if (ri.vn === undefined || ri.vnIndex <= 0) return;
    const e = this.vnByName.get(ri.vn);
    if (e === undefined || e.index !== ri.vnIndex || --e.refs > 0) return;
    this.vnByName.delete(ri.vn);
    if (this.vnByIndex.get(ri.vnIndex) === ri.vn) this.vnByIndex.delete(ri.vnIndex);
  }

  // ===== Route-target constraint ==========================================================================

  /** B5: one membership route per import target of every RI with a subscribed agent. */
  private localMembership(rt: string, delta: 1 | -1): void {
    const g = this.rts.locate(rt);
    const before = g.localRefs;
    g.localRefs = Math.max(0, before + delta);
    const table = this.tablesByName.get('bgp.rtarget.0')!;
    const key = membershipKey(this.asn, rt);
    if (before === 0 && g.localRefs > 0) {
      const attrs = this.pool.acquire({ nextHop: this.routerId, origin: Origin.Igp, asPath: [] });
      this.putPath(table, key, makePath(table, this.localPeers.local, attrs, 0, 0, null));
    } else if (before > 0 && g.localRefs === 0) {
      this.withdrawFrom(table, key, (p) => p.peer === this.localPeers.local);
    }
    this.rts.prune(rt);
  }

  /** A membership route from a BGP peer came or went: its interest may change, and with it what it gets. */
  private membershipChanged(key: string, peer: Peer, delta: 1 | -1): void {
    const interest = interestOf(key);
    if (interest.kind === 'exact') {
      const g = this.rts.locate(interest.rt);
      const count = (peer.rtExact.get(interest.rt) ?? 0) + delta;
      if (count > 0) g.interested.add(peer);
      else g.interested.delete(peer);
      if (count <= 0) this.rts.prune(interest.rt);
    }
    if (!peer.up || !peer.families.has('route-target')) {
      applyInterest(peer, interest, delta);
      return;
    }
    // Pending destination changes are judged against the interest they were made under.
    this.settle();
    // The VPN best paths whose advertisement to `peer` may flip, judged before and after the change.
    const affected: Path[] = [];
    if (interest.kind === 'exact') {
      const g = this.rts.get(interest.rt);
      if (g !== undefined)
        for (const p of g.paths()) if (p.dest!.head === p && p.dest!.usable > 0) affected.push(p);
    } else {
      for (const table of this.vpnTables()) {
        if (!peer.families.has(table.bgpFamily!)) continue;
        for (const dest of table.map.values()) if (dest.usable > 0) affected.push(dest.head!);
      }
    }
    const before = affected.map((p) => peerWantsRoute(peer, p.attrs));
    const r = applyInterest(peer, interest, delta);
    if (!r.changed) return;
    for (let i = 0; i < affected.length; i++) {
      const p = affected[i]!;
      const now = peerWantsRoute(peer, p.attrs);
      if (now === before[i]) continue;
      const table = p.dest!.table;
      const ok = bgpVerdict(peer, table, p, this.speaker) === AdvertiseReason.Advertised;
      if (now && ok) this.writeBgp(peer, table, p.dest!.key, p);
      else if (
        !now &&
        bgpVerdict(peer, table, p, this.speaker, { assumeWanted: true }) === AdvertiseReason.Advertised
      ) {
        this.writeBgp(peer, table, p.dest!.key, null);
      }
    }
  }

  private *vpnTables(): IterableIterator<Table> {
    for (const t of this.master.tables) if (t.kind === 'vpn') yield t;
  }

  // ===== Agents ===========================================================================================

  /** An agent's XMPP session is up (a new session after a graceful restart keeps its stale state). */
  agentUp(name: string, address: string): void {
    let peer = this.peers.get(name);
    if (peer !== undefined && (peer.kind !== 'xmpp' || peer.address !== address)) {
      // Another agent (or a peer) by that name: its state goes first.
      if (peer.kind === 'bgp') this.removeBgpPeer(name);
      else this.agentDown(name);
      this.peers.delete(name);
      peer = undefined;
    }
    if (peer === undefined) {
      peer = new Peer(name, 'xmpp', address, address);
      this.peers.set(name, peer);
    }
    peer.up = true;
    peer.blocked = false;
    peer.generation++;
  }

  /**
   * The agent's session ended. With `graceful` (GR helper) its paths stay, flagged stale, until
   * `sweepStale` (its end-of-RIB) or `agentDown` without grace (restart time over); otherwise all go now.
   */
  agentDown(name: string, opts: { graceful?: boolean } = {}): void {
    const peer = this.peers.get(name);
    if (peer === undefined || peer.kind !== 'xmpp') return;
    peer.up = false;
    peer.blocked = false;
    peer.pendingXmpp.clear();
    peer.syncs.length = 0;
    this.syncing.delete(peer);
    if (opts.graceful) {
      for (const sub of peer.subscriptions.values()) {
        const ri = this.instances.get(sub.ri);
        if (ri !== undefined && sub.active) this.markStale(peer, ri.tables);
      }
      return;
    }
    for (const sub of [...peer.subscriptions.values()]) this.dropSubscription(peer, sub);
    this.peers.delete(name);
  }

  /** Subscribe (spec D): the RI's routes are sent, membership routes originated; a repeat is ignored. */
  subscribe(agentName: string, riName: string, instanceId: number, opts: SubscribeOptions = {}): void {
    const agent = this.peers.get(agentName);
    if (agent === undefined || agent.kind !== 'xmpp' || !agent.up) return;
    const noRibout = opts.noRibout ?? false;
    const sub = agent.subscriptions.get(riName);
    if (sub !== undefined) {
      if (sub.generation === agent.generation) return;
      // The same agent back after a graceful restart: fresh instance-id, routes downloaded again.
      sub.generation = agent.generation;
      sub.instanceId = instanceId;
      const ri = this.instances.get(riName);
      if (sub.active && ri !== undefined) {
        this.settle();
        if (sub.noRibout !== noRibout) ri.ribOutSubscribers += noRibout ? -1 : 1;
        sub.noRibout = noRibout;
        if (!noRibout) this.startAgentSync(agent, ri);
      } else {
        sub.noRibout = noRibout;
        if (ri !== undefined) this.activate(agent, sub, ri);
      }
      return;
    }
    const fresh: Subscription = {
      ri: riName,
      instanceId,
      noRibout,
      generation: agent.generation,
      active: false,
    };
    agent.subscriptions.set(riName, fresh);
    const ri = this.instances.get(riName);
    if (ri !== undefined) this.activate(agent, fresh, ri);
  }

  /** Unsubscribe: the agent's paths in the RI are deleted and nothing more is sent for it. */
  unsubscribe(agentName: string, riName: string): void {
    const agent = this.peers.get(agentName);
    const sub = agent?.subscriptions.get(riName);
    if (agent === undefined || sub === undefined) return;
    this.dropSubscription(agent, sub);
  }

  /** An agent's route add/change; the item rules are checked again here, so a bad item never enters a table. */
  agentPublish(agentName: string, riName: string, entry: RouteEntry): PublishResult {
    const agent = this.peers.get(agentName);
    if (agent === undefined || agent.kind !== 'xmpp' || !agent.up)
      return { ok: false, reason: 'unknown-agent' };
    const sub = agent.subscriptions.get(riName);
    const ri = this.instances.get(riName);
    if (sub === undefined || !sub.active || ri === undefined) return { ok: false, reason: 'not-subscribed' };
    const table = ri.byFamily.get(entry.nlri.family);
    if (table === undefined) return { ok: false, reason: 'unsupported-family' };
    const error = validateAgentRoute(entry, 'add', riName);
    if (error !== undefined) return { ok: false, reason: 'invalid', error };
    const nh = entry.nextHops[0]!;
    const x = xmppPath(entry, {
      asn: this.asn,
      rd: ri.isMaster ? undefined : agentRd(nh.address, sub.instanceId),
      vnIndexOf: (name) => this.vnByName.get(name)?.index,
    });
    const attrs = this.pool.acquire(x.attrs);
    this.putPath(table, itemIdOf(entry.nlri), makePath(table, agent, attrs, x.label, x.flags, null));
    return { ok: true };
  }

  /** An agent's route delete (dissociate). */
  agentRetract(agentName: string, riName: string, nlri: XmppNlri): void {
    const agent = this.peers.get(agentName);
    const table = this.instances.get(riName)?.byFamily.get(nlri.family);
    if (agent === undefined || table === undefined) return;
    this.withdrawFrom(table, itemIdOf(nlri), (p) => p.peer === agent && p.primary === null);
  }

  private activate(agent: Peer, sub: Subscription, ri: RoutingInstance): void {
    // Earlier changes go out as they were seen; the new subscriber gets the download instead.
    this.settle();
    sub.active = true;
    ri.subscribers.set(agent.name, agent);
    if (!sub.noRibout) ri.ribOutSubscribers++;
    if (ri.subscribers.size === 1) for (const rt of ri.importTargets) this.localMembership(rt, 1);
    if (!sub.noRibout) this.startAgentSync(agent, ri);
  }

  /** The agent's paths in the RI go and it stops receiving; the subscription stays, pending, if kept. */
  private deactivate(agent: Peer, sub: Subscription, ri: RoutingInstance, keepPending = false): void {
    if (!sub.active) return;
    for (const table of ri.tables) {
      for (const dest of [...table.map.values()]) {
        const own = table.findPeerPath(dest, (p) => p.peer === agent && p.primary === null);
        if (own !== null) this.dropPath(table, dest, own);
      }
      if (!keepPending) agent.pendingXmpp.delete(table);
    }
    const job = agent.syncs.findIndex((j) => j.ri === ri.name);
    if (job >= 0) agent.syncs.splice(job, 1);
    sub.active = false;
    ri.subscribers.delete(agent.name);
    if (!sub.noRibout) ri.ribOutSubscribers--;
    if (ri.subscribers.size === 0) for (const rt of ri.importTargets) this.localMembership(rt, -1);
  }

  private dropSubscription(agent: Peer, sub: Subscription): void {
    const ri = this.instances.get(sub.ri);
    if (ri !== undefined) this.deactivate(agent, sub, ri);
    agent.subscriptions.delete(sub.ri);
  }

  private activatePendingSubscriptions(ri: RoutingInstance): void {
    for (const peer of this.peers.values()) {
      const sub = peer.subscriptions.get(ri.name);
      if (sub !== undefined && !sub.active && peer.up && sub.generation === peer.generation)
        this.activate(peer, sub, ri);
    }
  }

  private startAgentSync(agent: Peer, ri: RoutingInstance): void {
    const tables = ri.tables.filter((t) => t.xmppFamily !== undefined);
    const existing = agent.syncs.findIndex((j) => j.ri === ri.name);
    if (existing >= 0) agent.syncs.splice(existing, 1);
    agent.syncs.push({ tables, at: 0, cursor: null, ri: ri.name });
    this.syncing.add(agent);
  }

  // ===== BGP peers ========================================================================================

  /** Registers (or updates) a configured BGP neighbour; routes flow once it is up. */
  addBgpPeer(def: BgpPeerDef): Peer {
    let peer = this.peers.get(def.name);
    if (peer !== undefined && (peer.kind !== 'bgp' || peer.address !== def.address)) {
      this.removeBgpPeer(def.name);
      peer = undefined;
    }
    if (peer === undefined) {
      peer = new Peer(def.name, 'bgp', def.address, def.routerId ?? def.address);
      this.peers.set(def.name, peer);
    }
    peer.asn = def.asn;
    peer.localAs = def.localAs ?? this.asn;
    peer.routerType = def.routerType ?? '';
    peer.loopCount = def.loopCount ?? 0;
    return peer;
  }

  removeBgpPeer(name: string): void {
    const peer = this.peers.get(name);
    if (peer === undefined || peer.kind !== 'bgp') return;
    this.bgpPeerDown(name);
    this.peers.delete(name);
  }

  /** Session Established with these negotiated families: its initial download starts (RTC first). */
  bgpPeerUp(name: string, families: readonly Family[]): void {
    const peer = this.peers.get(name);
    if (peer === undefined || peer.kind !== 'bgp') return;
    if (peer.up) this.bgpPeerDown(name);
    // Changes made while it was down are not its business; its download starts from here.
    this.settle();
    peer.up = true;
    peer.families = new Set(families);
    for (const f of peer.families) this.upByFamily.set(f, (this.upByFamily.get(f) ?? 0) + 1);
    this.joinGroup(peer);
    peer.syncs.length = 0;
    peer.syncs.push({ tables: this.bgpTables(peer), at: 0, cursor: null });
    this.syncing.add(peer);
  }

  /** Session down: its paths are withdrawn now, or kept stale until `sweepStale` with `graceful`. */
  bgpPeerDown(name: string, opts: { graceful?: boolean } = {}): void {
    const peer = this.peers.get(name);
    if (peer === undefined || peer.kind !== 'bgp') return;
    const tables = this.bgpTables(peer);
    if (peer.up) for (const f of peer.families) this.upByFamily.set(f, (this.upByFamily.get(f) ?? 1) - 1);
    peer.up = false;
    this.leaveGroup(peer);
    peer.pendingBgp.clear();
    peer.blocked = false;
    peer.syncs.length = 0;
    this.syncing.delete(peer);
    if (opts.graceful) {
      this.markStale(peer, tables);
      return;
    }
    this.removePeerPaths(peer, tables, () => true);
  }

  /** The master tables of a peer's families, RTC first (the order its download walks them). */
  private bgpTables(peer: Peer): Table[] {
    return TABLE_OF_FAMILY.filter(([f]) => peer.families.has(f)).map(([, t]) => this.tablesByName.get(t)!);
  }

  private joinGroup(peer: Peer): void {
    const key = updateGroupKey(peer);
    let g = this.groups.get(key);
    if (g === undefined) this.groups.set(key, (g = new UpdateGroup(key, peer.families)));
    // What the group has pending predates this member: its download sends the current state instead.
    for (const [table, m] of g.pending) for (const k of m.keys()) this.writeBgp(peer, table, k, HOLD);
    g.members.add(peer);
    peer.group = g;
  }

  private leaveGroup(peer: Peer): void {
    const g = peer.group;
    if (g === undefined) return;
    g.members.delete(peer);
    g.sources.delete(peer);
    peer.group = undefined;
    if (g.members.size > 0) return;
    this.groups.delete(g.key);
    this.pendingGroups.delete(g);
  }

  /**
   * The session layer cannot write to this receiver now (its socket is full): its output stays pending,
   * coalescing per route, and its download pauses until `unblock`.
   */
  block(name: string): void {
    const peer = this.peers.get(name);
    if (peer !== undefined && peer.up) peer.blocked = true;
  }

  /** The receiver drained: what accumulated goes out with the next `takeChanges`. */
  unblock(name: string): void {
    const peer = this.peers.get(name);
    if (peer !== undefined) peer.blocked = false;
  }

  /** Received routes, one call per UPDATE announcement (`@skein/bgp` `routesOf`): attributes interned once. */
  bgpAnnounce(
    peerName: string,
    family: Family,
    nlri: readonly Nlri[],
    attributes: PathAttributes,
    nextHop: string,
  ): void {
    const peer = this.peers.get(peerName);
    const tableName = TABLE_FOR_FAMILY.get(family);
    if (peer === undefined || peer.kind !== 'bgp' || !peer.up || tableName === undefined || nlri.length === 0)
      return;
    const table = this.tablesByName.get(tableName)!;
    const input = this.bgpInput(peer, family, attributes, nextHop);
    const attrs = this.pool.acquire(input);
    const flags = this.receiveFlags(peer, attrs);
    for (const n of nlri) {
      let a = attrs;
      if (family === 'e-vpn') {
        const r = n as EvpnRoute;
        if (r.kind === 'mac-ip' && (r.esi !== ZERO_ESI || r.label2 !== undefined)) {
          a = this.pool.acquire({ ...input, esi: r.esi !== ZERO_ESI ? r.esi : undefined, l3Label: r.label2 });
        } else {
          this.pool.retain(a);
        }
      } else {
        this.pool.retain(a);
      }
      this.putPath(
        table,
        nlriKey(family, n),
        makePath(table, peer, a, labelOfNlri(family, n, a), flags, null),
      );
    }
    this.pool.release(attrs);
  }

  bgpWithdraw(peerName: string, family: Family, nlri: readonly Nlri[]): void {
    const peer = this.peers.get(peerName);
    const tableName = TABLE_FOR_FAMILY.get(family);
    if (peer === undefined || tableName === undefined) return;
    const table = this.tablesByName.get(tableName)!;
    for (const n of nlri)
      this.withdrawFrom(table, nlriKey(family, n), (p) => p.peer === peer && p.primary === null);
  }

  private bgpInput(peer: Peer, family: Family, a: PathAttributes, mpNextHop: string): AttrInput {
    const v6 = family === 'inet6' || family === 'inet6-vpn';
    const input: AttrInput = {
      nextHop: family === 'inet' ? (a.nextHop ?? mpNextHop) : v6 ? unmapIpv4(mpNextHop) : mpNextHop,
    };
    if (a.origin !== undefined) input.origin = a.origin;
    if (a.asPath !== undefined) input.asPath = a.asPath;
    if (a.med !== undefined) input.med = a.med;
    // RFC 4271 §5.1.5: LOCAL_PREF from an external peer is ignored.
    if (a.localPref !== undefined && peer.ibgp) input.localPref = a.localPref;
    if (a.atomicAggregate) input.atomicAggregate = true;
    if (a.aggregator !== undefined) input.aggregator = a.aggregator;
    if (a.communities !== undefined) input.communities = a.communities;
    if (a.extCommunities !== undefined) input.extCommunities = a.extCommunities;
    if (a.originatorId !== undefined) input.originatorId = a.originatorId;
    if (a.clusterList !== undefined) input.clusterList = a.clusterList;
    if (a.pmsiTunnel !== undefined) input.pmsiTunnel = a.pmsiTunnel;
    if (a.unknown !== undefined) input.unknown = a.unknown;
    return input;
  }

  /** B9 on receipt: AS loop beyond `loop_count`, own cluster id or own router id as originator. */
  private receiveFlags(peer: Peer, attrs: AttrSet): number {
    let flags = 0;
    if (countAs(attrs.asPath, peer.localAs) > peer.loopCount) flags |= PathFlag.AsPathLoop;
    const cluster = this.speaker.clusterId;
    if (
      (cluster !== undefined && attrs.clusterList?.includes(cluster)) ||
      attrs.originatorId === this.routerId
    ) {
      flags |= PathFlag.ClusterLoop;
    }
    return flags;
  }

  // ===== Originated routes and graceful restart ===========================================================

  /**
   * A route the control node originates (static, aggregate, service chain) in any table. In a VRF its RD
   * is `<router-id>:<ri index>` unless `attrs.rd` says otherwise (service chains keep the copied RD).
   */
  addOrReplacePath(tableName: string, key: string, input: OriginatedPath): boolean {
    const table = this.tablesByName.get(tableName);
    if (table === undefined) return false;
    const attrs: AttrInput = { ...input.attrs };
    if (table.kind === 'vrf' && attrs.rd === undefined)
      attrs.rd = originatedRd(this.routerId, table.ri.index);
    let peer = this.localPeers[input.source];
    if (input.slot !== undefined) {
      const k = `${input.source}:${input.slot}`;
      let e = this.slotPeers.get(k);
      if (e === undefined) {
        e = { peer: new Peer(k, input.source, this.routerId, this.routerId), paths: 0 };
        e.peer.up = true;
        this.slotPeers.set(k, e);
      }
      peer = e.peer;
      const dest = table.find(key);
      if (
        dest === undefined ||
        table.findPeerPath(dest, (p) => p.peer === peer && p.primary === null) === null
      )
        e.paths++;
    }
    this.putPath(
      table,
      key,
      makePath(table, peer, this.pool.acquire(attrs), input.label, input.flags ?? 0, null),
    );
    return true;
  }

  withdrawPath(tableName: string, key: string, source: OriginatedPath['source'], slot?: string): void {
    const table = this.tablesByName.get(tableName);
    if (table === undefined) return;
    if (slot !== undefined) {
      const k = `${source}:${slot}`;
      const e = this.slotPeers.get(k);
      const dest = table.find(key);
      if (e === undefined || dest === undefined) return;
      const p = table.findPeerPath(dest, (x) => x.peer === e.peer && x.primary === null);
      if (p === null) return;
      this.dropPath(table, dest, p);
      if (--e.paths === 0) this.slotPeers.delete(k);
      return;
    }
    const peer = this.localPeers[source];
    this.withdrawFrom(table, key, (p) => p.peer === peer && p.primary === null);
  }

  /** Re-evaluates static routes and service chains touched by changes, once nothing is propagating. */
  private deriveRoutes(): void {
    if (this.depth > 0 || (!this.staticRoutes.pending && !this.serviceChains.pending)) return;
    this.depth++;
    try {
      // A derived route may feed another (a static route via a chain's route): a few rounds settle it; a
      // cycle stops here and resumes with the next change.
      for (let round = 0; round < 16; round++) {
        if (round > 0 && !this.staticRoutes.pending && !this.serviceChains.pending) break;
        this.staticRoutes.flush();
        this.serviceChains.flush();
      }
    } finally {
      this.depth--;
    }
  }

  /** Deletes the paths a peer or agent still has flagged stale (its end-of-RIB, or the GR timer). */
  sweepStale(name: string): void {
    const peer = this.peers.get(name);
    if (peer === undefined) return;
    if (peer.kind === 'bgp') {
      this.removePeerPaths(peer, this.bgpTables(peer), (p) => p.stale);
      return;
    }
    for (const sub of [...peer.subscriptions.values()]) {
      const ri = this.instances.get(sub.ri);
      if (sub.generation !== peer.generation) this.dropSubscription(peer, sub);
      else if (ri !== undefined) this.removePeerPaths(peer, ri.tables, (p) => p.stale);
    }
    if (!peer.up) this.peers.delete(name);
  }

  private markStale(peer: Peer, tables: readonly Table[]): void {
    for (const table of tables) {
      for (const dest of table.map.values()) {
        for (let p = dest.head; p !== null; p = p.next) {
          if (p.peer !== peer || p.primary !== null || p.stale) continue;
          p.flags |= PathFlag.Stale;
          this.event('change', table, dest.key, p);
        }
      }
    }
  }

  private removePeerPaths(peer: Peer, tables: readonly Table[], which: (p: Path) => boolean): void {
    for (const table of tables) {
      for (const dest of [...table.map.values()]) {
        const own = table.findPeerPath(dest, (p) => p.peer === peer && p.primary === null);
        if (own !== null && which(own)) this.dropPath(table, dest, own);
      }
    }
  }

  // ===== Table edits and their propagation ================================================================

  /** Inserts or replaces (same slot) a path; a path identical to the one it replaces changes nothing. */
  putPath(table: Table, key: string, path: Path): void {
    const dest = table.locate(key);
    const existing = table.findSlot(dest, path);
    if (existing !== null && existing.primary === path.primary && existing.sameContent(path)) {
      this.pool.release(path.attrs);
      return;
    }
    const before = dest.pathSet();
    const replaced = table.insert(dest, path, this.compare);
    if (replaced !== null) {
      if (replaced instanceof VpnPath) this.rts.unlink(replaced);
      this.pool.release(replaced.attrs);
    }
    if (path instanceof VpnPath) this.rts.link(path);
    if (path.primary === null) {
      this.event(replaced === null ? 'add' : 'change', table, key, path);
      if (table.kind === 'rtarget' && replaced === null && path.peer.kind === 'bgp')
        this.membershipChanged(key, path.peer, 1);
    }
    this.destChanged(table, dest, before);
  }

  dropPath(table: Table, dest: Destination, path: Path): void {
    const before = dest.pathSet();
    table.remove(dest, path, this.compare);
    if (path instanceof VpnPath) this.rts.unlink(path);
    this.pool.release(path.attrs);
    if (path.primary === null) {
      this.event('delete', table, dest.key, path);
      if (table.kind === 'rtarget' && path.peer.kind === 'bgp')
        this.membershipChanged(dest.key, path.peer, -1);
    }
    this.destChanged(table, dest, before);
  }

  private withdrawFrom(table: Table, key: string, match: (p: Path) => boolean): void {
    const dest = table.find(key);
    if (dest === undefined) return;
    const p = table.findPeerPath(dest, match);
    if (p !== null) this.dropPath(table, dest, p);
  }

  private destChanged(table: Table, dest: Destination, before: PathSet): void {
    const after = dest.pathSet();
    if (sameSet(before, after)) return;
    if (this.hasReceivers(table) && !table.dirty.has(dest)) {
      table.dirty.set(dest, before);
      this.dirtyTables.add(table);
    }
    if (table.kind === 'vrf') {
      this.staticRoutes.routeChanged(table, dest);
      this.serviceChains.routeChanged(table, dest);
    }
    this.depth++;
    try {
      if (table.kind === 'vrf') this.replicator.exportChange(table, dest, before, after);
      else if (table.kind === 'vpn') this.replicator.importChange(table, dest, before, after);
    } finally {
      this.depth--;
    }
    this.deriveRoutes();
  }

  private hasReceivers(table: Table): boolean {
    if (table.xmppFamily !== undefined && table.ri.ribOutSubscribers > 0) return true;
    return table.bgpFamily !== undefined && (this.upByFamily.get(table.bgpFamily) ?? 0) > 0;
  }

  private event(op: PathEvent['op'], table: Table, key: string, path: Path): void {
    if (!this.recordEvents) return;
    this.events.push({
      op,
      table: table.name,
      ri: table.ri.name,
      prefix: key,
      peer: path.peer.name,
      source: path.peer.kind,
      path,
    });
  }

  // ===== Output ===========================================================================================

  /**
   * Everything to send since the last call. Initial downloads (subscribe, peer up) are walked up to
   * `maxSyncRoutes` destinations per call so one huge table cannot stall the queue; `more` says to call again.
   */
  takeChanges(opts: { maxSyncRoutes?: number } = {}): RibChanges {
    this.deriveRoutes();
    this.settle();
    this.runSyncs(opts.maxSyncRoutes ?? Infinity);
    this.walkShared.clear();
    const agents: AgentChange[] = [];
    const peers: PeerChange[] = [];
    const blocked: Peer[] = [];
    for (const peer of this.pendingPeers) {
      if (peer.kind !== 'xmpp') {
        if (peer.group !== undefined) this.pendingGroups.add(peer.group);
        else peer.pendingBgp.clear();
        continue;
      }
      if (peer.blocked) {
        blocked.push(peer);
        continue;
      }
      for (const [table, m] of peer.pendingXmpp) {
        if (m.size > 0)
          agents.push({
            agent: peer.name,
            ri: table.ri.name,
            family: table.xmppFamily!,
            updates: [...m.values()],
          });
      }
      peer.pendingXmpp.clear();
    }
    this.pendingPeers.clear();
    for (const g of this.pendingGroups) this.groupOutput(g, peers, blocked);
    this.pendingGroups.clear();
    for (const peer of blocked) this.pendingPeers.add(peer);
    const changes: RibChanges = {
      agents,
      peers,
      synced: this.synced,
      paths: this.events,
      more: [...this.syncing].some((p) => !p.blocked),
    };
    this.synced = [];
    this.events = [];
    return changes;
  }

  /**
   * A group's output: members whose view is the group's share one batch list (the session layer encodes it
   * once); the others get the group's entries merged with their own. A blocked member keeps its view pending.
   */
  private groupOutput(g: UpdateGroup, peers: PeerChange[], blocked: Peer[]): void {
    let shared: UpdateBatch[] | undefined;
    for (const m of g.members) {
      if (m.blocked) {
        for (const [table, gm] of g.pending) {
          const own = m.pendingBgp.get(table);
          for (const [key, path] of gm) {
            const seen = g.seenBy(m, path);
            if (seen !== undefined && !own?.has(key)) this.writeBgp(m, table, key, seen);
          }
        }
        if (m.pendingBgp.size > 0) blocked.push(m);
        continue;
      }
      const batches =
        m.pendingBgp.size === 0 && !g.sources.has(m)
          ? (shared ??= this.bgpBatches(g))
          : this.bgpBatches(g, m);
      m.pendingBgp.clear();
      if (batches.length > 0) peers.push({ peer: m.name, batches });
    }
    g.clear();
  }

  /** UPDATE batches from a group's pending entries, as `member` sees them with its own entries when given. */
  private bgpBatches(g: UpdateGroup, member?: Peer): UpdateBatch[] {
    const peer = member ?? g.representative;
    const out: UpdateBatch[] = [];
    const tables = new Set(g.pending.keys());
    if (member !== undefined) for (const t of member.pendingBgp.keys()) tables.add(t);
    for (const table of tables) {
      const family = table.bgpFamily!;
      const withdraw: Nlri[] = [];
      const groups = new Map<AttrSet, Nlri[]>();
      const add = (key: string, path: Path | null) => {
        if (path === null) {
          withdraw.push(bgpNlriOfKey(family, key, WITHDRAW_LABEL, null));
          return;
        }
        const attrs = outboundAttrs(path, peer, this.speaker);
        let list = groups.get(attrs);
        if (list === undefined) groups.set(attrs, (list = []));
        list.push(bgpNlriOfKey(family, key, path.label, path.attrs));
      };
      const own = member?.pendingBgp.get(table);
      const gm = g.pending.get(table);
      if (gm !== undefined)
        for (const [key, path] of gm) {
          if (own?.has(key) || (member !== undefined && path !== null && path.peer === member)) continue;
          add(key, path);
        }
      if (own !== undefined) for (const [key, e] of own) if (e !== HOLD) add(key, e);
      if (withdraw.length > 0) out.push({ family, withdraw } as UpdateBatch);
      for (const [attrs, announce] of groups) {
        const w = wireAttributes(attrs, family);
        out.push({ family, attributes: w.attributes, nextHop: w.nextHop, announce } as UpdateBatch);
      }
    }
    return out;
  }

  /** Turns every changed destination into per-agent and per-peer updates. */
  private settle(): void {
    for (const table of this.dirtyTables) {
      for (const [dest, before] of table.dirty) {
        const after = dest.pathSet();
        if (table.xmppFamily !== undefined && table.ri.ribOutSubscribers > 0)
          this.settleAgents(table, dest, before, after);
        if (table.bgpFamily !== undefined) this.settlePeers(table, dest, before, after);
      }
      table.dirty.clear();
    }
    this.dirtyTables.clear();
  }

  private settleAgents(table: Table, dest: Destination, before: PathSet, after: PathSet): void {
    const unchanged = sameSetContent(before, after);
    let shared: RouteUpdate | undefined;
    for (const agent of table.ri.subscribers.values()) {
      if (!agent.up) continue;
      const sub = agent.subscriptions.get(table.ri.name);
      // A subscription from before a graceful restart keeps its paths but gets nothing until renewed.
      if (sub === undefined || sub.noRibout || sub.generation !== agent.generation) continue;
      const pending = agent.pendingXmpp.get(table)?.has(dest.key) ?? false;
      if (!contributes(agent, before) && !contributes(agent, after)) {
        if (unchanged && !pending) continue;
        shared ??= this.agentUpdate(table, dest, setSize(after) === 0 ? [] : agentPaths(agent, after));
        this.writeXmpp(agent, table, dest.key, shared);
        if (agent.syncs.length > 0) this.noteSent(agent, table, dest);
        continue;
      }
      const was = agentPaths(agent, before);
      const now = agentPaths(agent, after);
      if (!pending && sameSetContent(was, now)) continue;
      this.writeXmpp(agent, table, dest.key, this.agentUpdate(table, dest, now));
      if (agent.syncs.length > 0) this.noteSent(agent, table, dest);
    }
  }

  /**
   * Judged once per update group; then, one by one, the members whose view differs: a path involved came
   * from them (split horizon), they have output of their own pending, or their download is running.
   */
  private settlePeers(table: Table, dest: Destination, before: PathSet, after: PathSet): void {
    const family = table.bgpFamily!;
    if ((this.upByFamily.get(family) ?? 0) === 0) return;
    const oldBest = setSize(before) > 0 ? setAt(before, 0) : null;
    const newBest = setSize(after) > 0 ? setAt(after, 0) : null;
    const key = dest.key;
    for (const g of this.groups.values()) {
      if (!g.families.has(family)) continue;
      const gPrev = g.pending.get(table)?.get(key);
      const gWrite = this.bgpDecision(g.representative, table, oldBest, newBest, gPrev !== undefined, true);
      if (gWrite !== undefined) {
        g.write(table, key, gWrite);
        this.pendingGroups.add(g);
      }
      const gNow = gWrite !== undefined ? gWrite : gPrev;
      for (const m of g.members) {
        const own = m.pendingBgp.size === 0 ? undefined : m.pendingBgp.get(table)?.get(key);
        const job = m.syncs[0];
        if (
          own === undefined &&
          job === undefined &&
          oldBest?.peer !== m &&
          newBest?.peer !== m &&
          gPrev?.peer !== m
        )
          continue;
        const was = own !== undefined ? own : (g.seenBy(m, gPrev) ?? HOLD);
        const mine = this.bgpDecision(m, table, oldBest, newBest, was !== HOLD, false);
        const want = mine !== undefined ? mine : was;
        const given = own !== undefined ? own : (g.seenBy(m, gNow) ?? HOLD);
        if (want !== given) this.writeBgp(m, table, key, want);
        if (job !== undefined && want !== HOLD && want !== was) this.noteSent(m, table, dest);
      }
    }
  }

  /** What a receiver must be sent for a destination whose best path went from `oldBest` to `newBest`. */
  private bgpDecision(
    peer: Peer,
    table: Table,
    oldBest: Path | null,
    newBest: Path | null,
    pending: boolean,
    forGroup: boolean,
  ): Path | null | undefined {
    const ok = (p: Path | null) =>
      p !== null && bgpVerdict(peer, table, p, this.speaker, { forGroup }) === AdvertiseReason.Advertised;
    const nowOk = ok(newBest);
    const wasOk = ok(oldBest);
    if (!nowOk) return wasOk || pending ? null : undefined;
    if (wasOk && !pending && oldBest!.label === newBest!.label) {
      if (outboundAttrs(oldBest!, peer, this.speaker) === outboundAttrs(newBest!, peer, this.speaker))
        return undefined;
    }
    return newBest;
  }

  private agentUpdate(table: Table, dest: Destination, paths: readonly Path[]): RouteUpdate {
    const nlri = xmppNlriOfKey(table.xmppFamily!, dest.key);
    if (paths.length === 0) return { op: 'retract', nlri };
    return {
      op: 'add',
      entry: agentEntry(nlri, paths, table.isBroadcast(dest), table.ri.vnIndex, this.viewContext),
    };
  }

  private writeXmpp(agent: Peer, table: Table, key: string, update: RouteUpdate): void {
    let m = agent.pendingXmpp.get(table);
    if (m === undefined) agent.pendingXmpp.set(table, (m = new Map()));
    m.set(key, update);
    this.pendingPeers.add(agent);
  }

  private writeBgp(peer: Peer, table: Table, key: string, path: MemberEntry): void {
    let m = peer.pendingBgp.get(table);
    if (m === undefined) peer.pendingBgp.set(table, (m = new Map()));
    m.set(key, path);
    this.pendingPeers.add(peer);
  }

  /** A change reached a receiver while its download runs: the walk need not send that route again. */
  private noteSent(peer: Peer, table: Table, dest: Destination): void {
    const job = peer.kind === 'xmpp' ? peer.syncs.find((j) => j.ri === table.ri.name) : peer.syncs[0];
    if (job === undefined || job.tables.indexOf(table) < job.at) return;
    (job.sent ??= new Set()).add(dest);
  }

  /** Walks initial downloads, round robin between receivers, for at most `budget` destinations. */
  private runSyncs(budget: number): void {
    let moved = true;
    while (budget > 0 && moved) {
      moved = false;
      for (const peer of [...this.syncing]) {
        const job = peer.syncs[0];
        if (job === undefined) {
          this.syncing.delete(peer);
          continue;
        }
        // A blocked receiver's download waits: walking on would only queue the table in its pending output.
        if (peer.blocked) continue;
        moved = true;
        budget -= this.advance(peer, job, Math.min(budget, SYNC_QUANTUM));
        if (job.at >= job.tables.length) {
          peer.syncs.shift();
          this.synced.push(
            peer.kind === 'xmpp'
              ? { kind: 'agent', name: peer.name, ri: job.ri! }
              : { kind: 'peer', name: peer.name },
          );
          if (peer.syncs.length === 0) this.syncing.delete(peer);
        }
        if (budget <= 0) return;
      }
    }
  }

  /** Sends what a receiver lacks for up to `steps` destinations of its job; returns how many it walked. */
  private advance(peer: Peer, job: SyncJob, steps: number): number {
    let used = 0;
    while (used < steps && job.at < job.tables.length) {
      const table = job.tables[job.at]!;
      if (table.deleted) {
        job.at++;
        job.cursor = null;
        continue;
      }
      job.cursor ??= table.map.values();
      const r = job.cursor.next();
      if (r.done) {
        job.at++;
        job.cursor = null;
        continue;
      }
      used++;
      const dest = r.value as Destination;
      if (dest.usable === 0 || job.sent?.has(dest)) continue;
      if (peer.kind === 'xmpp') {
        const set = dest.pathSet();
        if (!contributes(peer, set)) {
          let u = this.walkShared.get(dest);
          if (u === undefined)
            this.walkShared.set(dest, (u = this.agentUpdate(table, dest, agentPaths(peer, set))));
          this.writeXmpp(peer, table, dest.key, u);
          continue;
        }
        const paths = agentPaths(peer, set);
        if (paths.length > 0) this.writeXmpp(peer, table, dest.key, this.agentUpdate(table, dest, paths));
      } else if (bgpVerdict(peer, table, dest.head, this.speaker) === AdvertiseReason.Advertised) {
        this.writeBgp(peer, table, dest.key, dest.head);
      }
    }
    return used;
  }
}

/** Destinations one receiver's download walks before the next receiver gets a turn. */
const SYNC_QUANTUM = 4096;
