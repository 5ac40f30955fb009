import type { ExtCommunity } from '@skein/bgp';
import type { IpPrefix } from '@skein/xmpp';
import type { AttrInput } from './attrs';
import {
  hostRoute,
  nextHopView,
  prefixContains,
  routePrefix,
  usablePaths,
  addTo,
  removeFrom,
  RouteWatch,
  type DerivedRouteHost,
  type RouteWatcher,
  reconcileDefs,
} from './derived';
import { rdOfPath } from './nlri-keys';
import type { Path } from './path';
import type { PeerKind } from './peer';
import type { Destination, Table } from './table';
import { vrfTableName, type XmppFamily } from './tables';
import { originVnCommunity } from './xmpp-attrs';

/**
 * `service_chain_information` (inet) or `ipv6_service_chain_information` (inet6) of a service routing
 * instance, as schema writes it (routing.md A6, TF `ServiceChainInfo`).
 */
export interface ServiceChainDef {
  family: 'inet' | 'inet6';
  /** The destination: the right VN's primary RI, whose routes the chain copies. */
  routingInstance: string;
  /** The destination's subnets; its routes inside them are copied, and the subnets themselves as aggregates. */
  prefixes: readonly string[];
  /** The SI's address whose host route (the connected route) gives next hop, label and RD. */
  serviceChainAddress: string;
  serviceInstance?: string;
  /** Where the connected route is looked up; the service RI itself when absent (as TF does). */
  sourceRoutingInstance?: string;
  serviceChainId?: string;
}

export interface ServiceChainView {
  name: string;
  routing_instance: string;
  family: 'inet' | 'inet6';
  service_instance: string | null;
  service_chain_id: string | null;
  destination_routing_instance: string;
  source_routing_instance: string;
  service_chain_address: string;
  prefixes: string[];
  state: 'up' | 'down';
  reason: string | null;
  connected: ReturnType<typeof nextHopView>[];
  routes: string[];
}

interface Aggregate {
  key: string;
  prefix: IpPrefix;
}

interface Chain {
  ri: string;
  def: ServiceChainDef;
  id: string;
  error: string | undefined;
  family: XmppFamily;
  /** The service RI's table the chain's routes go into. */
  table: string;
  destRi: string;
  destTable: string;
  connectedRi: string;
  connectedFamily: XmppFamily;
  connectedTable: string;
  connectedKey: string;
  aggregates: Aggregate[];
  /** Destination key → slots of the paths installed for it. */
  installed: Map<string, Set<string>>;
  /** Aggregate key → the destination routes inside it (an aggregate exists while it has one). */
  contributors: Map<string, Set<string>>;
  /** Re-evaluate everything (connected route or config changed), else just `keys`. */
  all: boolean;
  keys: Set<string>;
}

/** Neither side of a chain is taken from a route the control node derived itself: no loops through chains. */
const SKIP: readonly PeerKind[] = ['service-chain', 'aggregate'];

/**
 * Service chains (routing.md A6, control-node side). For each route of the destination RI inside the
 * chain's prefixes, and for each prefix that has such a route (the aggregate), the service RI gets one path
 * per usable path of the connected route (the host route of the service chain address): its next hop,
 * label, encapsulations, load balance, LOCAL_PREF and MED, and its RD (B3), with the destination route's
 * AS_PATH, origin, communities, security groups and tags, and origin-vn = the destination VN. The service RI
 * exports them, so the left VN, connected to it, learns the right VN's prefixes via the SI; SI instances
 * publishing one address give ECMP (B6 rule 4 does not compare AS_PATHs between two such paths).
 */
export class ServiceChains implements RouteWatcher {
  private readonly byRi = new Map<string, Chain[]>();
  private readonly destWatch = new Map<string, Set<Chain>>();
  private readonly connectedWatch = new RouteWatch<Chain>();
  private readonly riWatch = new Map<string, Set<Chain>>();
  private readonly dirty = new Set<Chain>();

  constructor(private readonly host: DerivedRouteHost) {}

  get pending(): boolean {
    return this.dirty.size > 0;
  }

  /** The chains of one service RI; `[]` removes them (and their routes). */
  configure(ri: string, defs: readonly ServiceChainDef[]): void {
    const next = reconcileDefs(
      this.byRi.get(ri) ?? [],
      defs,
      (def, id) => this.chain(ri, def, id),
      (c) => this.add(c),
      (c) => this.remove(c),
    );
    if (next.length > 0) this.byRi.set(ri, next);
    else this.byRi.delete(ri);
  }

  /** An RI was created, changed (VN index) or deleted: chains naming it start over. */
  instanceChanged(name: string): void {
    for (const c of this.riWatch.get(name) ?? []) this.touchAll(c);
  }

  routeChanged(table: Table, dest: Destination): void {
    const chains = this.destWatch.get(table.name);
    if (chains !== undefined) {
      for (const c of chains) {
        c.keys.add(dest.key);
        this.dirty.add(c);
      }
    }
    const connected = this.connectedWatch.get(table.name, dest.key);
    if (connected !== undefined) for (const c of connected) this.touchAll(c);
  }

  flush(): void {
    const work = [...this.dirty];
    this.dirty.clear();
    for (const c of work) this.evaluate(c);
  }

  views(ri?: string): ServiceChainView[] {
    const out: ServiceChainView[] = [];
    for (const [name, chains] of this.byRi) {
      if (ri !== undefined && name !== ri) continue;
      for (const c of chains) {
        const connected = c.error === undefined ? this.connected(c) : [];
        const reason = this.downReason(c, connected);
        out.push({
          name: c.table,
          routing_instance: c.ri,
          family: c.def.family,
          service_instance: c.def.serviceInstance ?? null,
          service_chain_id: c.def.serviceChainId ?? null,
          destination_routing_instance: c.def.routingInstance,
          source_routing_instance: c.connectedRi,
          service_chain_address: c.def.serviceChainAddress,
          prefixes: [...c.def.prefixes],
          state: reason === null ? 'up' : 'down',
          reason,
          connected: connected.map(nextHopView),
          routes: [...c.installed.keys()].sort(),
        });
      }
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private downReason(c: Chain, connected: readonly Path[]): string | null {
    if (c.error !== undefined) return c.error;
    if (this.host.instance(c.destRi) === undefined)
      return `destination routing instance ${c.destRi} not found`;
    if (this.host.instance(c.connectedRi) === undefined)
      return `source routing instance ${c.connectedRi} not found`;
    if (connected.length === 0)
      return `service chain address ${c.def.serviceChainAddress} not resolved in ${c.connectedTable}`;
    return null;
  }

  private chain(ri: string, def: ServiceChainDef, id: string): Chain {
    const family: XmppFamily = def.family;
    const connectedRi = def.sourceRoutingInstance || ri;
    const c: Chain = {
      ri,
      def,
      id,
      error: undefined,
      family,
      table: vrfTableName(ri, family),
      destRi: def.routingInstance,
      destTable: vrfTableName(def.routingInstance, family),
      connectedRi,
      connectedFamily: family,
      connectedTable: '',
      connectedKey: '',
      aggregates: [],
      installed: new Map(),
      contributors: new Map(),
      all: true,
      keys: new Set(),
    };
    const address = hostRoute(def.serviceChainAddress);
    if (def.routingInstance === '') c.error = 'no destination routing instance';
    else if (def.routingInstance === ri) c.error = 'the destination is the service routing instance itself';
    else if (address === undefined)
      c.error = `service chain address ${def.serviceChainAddress} is not an IP address`;
    if (c.error !== undefined || address === undefined) return c;
    c.connectedFamily = address.family;
    c.connectedTable = vrfTableName(connectedRi, address.family);
    c.connectedKey = address.key;
    for (const text of def.prefixes) {
      const p = routePrefix(text);
      if (p === undefined || p.family !== family) {
        c.error = `prefix ${text} is not an ${family} prefix`;
        return c;
      }
      if (!c.aggregates.some((a) => a.key === p.key)) c.aggregates.push({ key: p.key, prefix: p.prefix });
    }
    return c;
  }

  private add(c: Chain): void {
    addTo(this.destWatch, c.destTable, c);
    this.connectedWatch.add(c.connectedTable, c.connectedKey, c);
    addTo(this.riWatch, c.destRi, c);
    addTo(this.riWatch, c.connectedRi, c);
    this.touchAll(c);
  }

  private remove(c: Chain): void {
    for (const [key, slots] of c.installed)
      for (const slot of slots) this.host.withdrawPath(c.table, key, 'service-chain', slot);
    c.installed.clear();
    this.dirty.delete(c);
    if (c.error !== undefined) return;
    removeFrom(this.destWatch, c.destTable, c);
    this.connectedWatch.delete(c.connectedTable, c.connectedKey, c);
    removeFrom(this.riWatch, c.destRi, c);
    removeFrom(this.riWatch, c.connectedRi, c);
  }

  private touchAll(c: Chain): void {
    c.all = true;
    this.dirty.add(c);
  }

  private connected(c: Chain): Path[] {
    const dest = this.host.instance(c.connectedRi)?.byFamily.get(c.connectedFamily)?.find(c.connectedKey);
    return usablePaths(dest, SKIP);
  }

  private evaluate(c: Chain): void {
    const destTable = this.host.instance(c.destRi)?.byFamily.get(c.family);
    const connected = this.connected(c);
    let keys: Set<string>;
    if (c.all) {
      c.contributors.clear();
      keys = new Set(c.installed.keys());
      for (const a of c.aggregates) keys.add(a.key);
      if (destTable !== undefined) for (const k of destTable.map.keys()) keys.add(k);
    } else {
      keys = c.keys;
    }
    c.all = false;
    c.keys = new Set();

    // Destination routes first, so each aggregate is judged on its settled contributors.
    const bases = new Map<string, Path | undefined>();
    const affected = new Set<string>();
    for (const key of keys) {
      const parsed = routePrefix(key);
      const inside =
        parsed === undefined ? [] : c.aggregates.filter((a) => prefixContains(a.prefix, parsed.prefix));
      const inScope = parsed !== undefined && (c.aggregates.length === 0 || inside.length > 0);
      const base = inScope ? usablePaths(destTable?.find(key), SKIP)[0] : undefined;
      bases.set(key, base);
      for (const a of inside) {
        if (a.key === key) continue;
        let s = c.contributors.get(a.key);
        if (base !== undefined) {
          if (s === undefined) c.contributors.set(a.key, (s = new Set()));
          s.add(key);
        } else s?.delete(key);
        affected.add(a.key);
      }
    }
    for (const key of affected)
      if (!bases.has(key)) bases.set(key, usablePaths(destTable?.find(key), SKIP)[0]);
    for (const [key, base] of bases) {
      const aggregate = base === undefined && (c.contributors.get(key)?.size ?? 0) > 0;
      this.apply(c, key, base !== undefined || aggregate ? connected : [], base);
    }
  }

  private apply(c: Chain, key: string, connected: readonly Path[], base: Path | undefined): void {
    const want = new Map<string, AttrInput>();
    const labels = new Map<string, number>();
    for (const p of connected) {
      const slot = `${p.peer.name}@${rdOfPath(p) ?? ''}`;
      want.set(slot, this.attrsOf(c, p, base));
      labels.set(slot, p.label);
    }
    const had = c.installed.get(key);
    if (had !== undefined)
      for (const slot of had)
        if (!want.has(slot)) this.host.withdrawPath(c.table, key, 'service-chain', slot);
    if (want.size === 0) {
      c.installed.delete(key);
      return;
    }
    const now = new Set<string>();
    for (const [slot, attrs] of want) {
      const ok = this.host.addOrReplacePath(c.table, key, {
        source: 'service-chain',
        slot,
        attrs,
        label: labels.get(slot)!,
      });
      if (ok) now.add(slot);
    }
    if (now.size > 0) c.installed.set(key, now);
    else c.installed.delete(key);
  }

  /**
   * Forwarding (next hop, label, encapsulations, load balance), preference (LOCAL_PREF, MED: how SI
   * instances are made active/standby) and RD come from the connected path; what describes the destination
   * (AS_PATH, origin, communities, security groups, tags, origin VN) from the destination route.
   */
  private attrsOf(c: Chain, p: Path, base: Path | undefined): AttrInput {
    const input: AttrInput = { nextHop: p.attrs.nextHop, asPath: base?.attrs.asPath ?? [] };
    if (base !== undefined) {
      input.origin = base.attrs.origin;
      if (base.attrs.communities.length > 0) input.communities = base.attrs.communities;
    }
    if (p.attrs.localPref !== undefined) input.localPref = p.attrs.localPref;
    if (p.attrs.med !== undefined) input.med = p.attrs.med;
    const ext: ExtCommunity[] = p.attrs.extCommunities.filter(
      (x) => x.kind === 'encapsulation' || x.kind === 'load-balance',
    );
    if (base !== undefined)
      for (const x of base.attrs.extCommunities)
        if (x.kind === 'security-group' || x.kind === 'tag') ext.push(x);
    const destVn = this.host.instance(c.destRi)?.vnIndex ?? 0;
    const vn = destVn > 0 ? destVn : base?.attrs.originVn;
    if (vn !== undefined) ext.push(originVnCommunity(this.host.asn, vn));
    if (ext.length > 0) input.extCommunities = ext;
    const rd = rdOfPath(p);
    if (rd !== undefined) input.rd = rd;
    return input;
  }
}
