import { parseRouteTarget, type ExtCommunity } from '@skein/bgp';
import type { AttrInput } from './attrs';
import {
  hostRoute,
  nextHopView,
  routePrefix,
  usablePaths,
  RouteWatch,
  type DerivedRouteHost,
  type RouteWatcher,
  reconcileDefs,
} from './derived';
import { rdOfPath } from './nlri-keys';
import type { Path } from './path';
import type { Destination, Table } from './table';
import { vrfTableName, type XmppFamily } from './tables';
import { parseCommunity } from './xmpp-attrs';

/** One `static_route_entries.route[]` item of a routing instance (TF `StaticRouteType`, routing.md A7). */
export interface StaticRouteDef {
  prefix: string;
  /** An IP address (schema turns a service-instance next hop into the SI's left IP). */
  nextHop: string;
  /** Extra export targets of the route. */
  routeTargets?: readonly string[];
  /** Standard communities (`64512:10`, `no-export`) the route carries instead of the next hop's. */
  communities?: readonly string[];
}

export interface StaticRouteView {
  name: string;
  routing_instance: string;
  prefix: string;
  next_hop: string;
  route_targets: string[];
  communities: string[];
  state: 'up' | 'down';
  reason: string | null;
  next_hops: ReturnType<typeof nextHopView>[];
}

interface Entry {
  ri: string;
  def: StaticRouteDef;
  /** JSON of `def`: an unchanged entry keeps its routes across a reconfiguration. */
  id: string;
  error: string | undefined;
  table: string;
  prefix: string;
  nextHopFamily: XmppFamily;
  nextHopTable: string;
  nextHopKey: string;
  extra: ExtCommunity[];
  communities: number[];
  /** Slots of the paths this entry has in the table. */
  installed: Set<string>;
}

const SKIP = ['static'] as const;

/**
 * Static routes (routing.md A7): each entry's prefix gets, in its own routing instance, one path per usable
 * path of the next hop's host route there, copying its next hop, label and encapsulations, with the
 * originated RD `<router-id>:<ri index>` (the Rib fills it in), the entry's communities and its route
 * targets as extra export targets. No host route, no static route; it follows the host route's changes.
 */
export class StaticRoutes implements RouteWatcher {
  private readonly byRi = new Map<string, Entry[]>();
  /** Next-hop host routes → entries resolving through them. */
  private readonly watch = new RouteWatch<Entry>();
  private readonly dirty = new Set<Entry>();

  constructor(private readonly host: DerivedRouteHost) {}

  get pending(): boolean {
    return this.dirty.size > 0;
  }

  /** The entries of one routing instance; `[]` removes them (and their routes). */
  configure(ri: string, defs: readonly StaticRouteDef[]): void {
    const next = reconcileDefs(
      this.byRi.get(ri) ?? [],
      defs,
      (def, id) => this.entry(ri, def, id),
      (e) => {
        this.watch.add(e.nextHopTable, e.nextHopKey, e);
        this.dirty.add(e);
      },
      (e) => this.remove(e),
    );
    if (next.length > 0) this.byRi.set(ri, next);
    else this.byRi.delete(ri);
  }

  routeChanged(table: Table, dest: Destination): void {
    const entries = this.watch.get(table.name, dest.key);
    if (entries !== undefined) for (const e of entries) this.dirty.add(e);
  }

  flush(): void {
    const work = [...this.dirty];
    this.dirty.clear();
    for (const e of work) this.evaluate(e);
  }

  views(ri?: string): StaticRouteView[] {
    const out: StaticRouteView[] = [];
    for (const [name, entries] of this.byRi) {
      if (ri !== undefined && name !== ri) continue;
      for (const e of entries) {
        const paths = e.error === undefined ? this.resolve(e) : [];
        const reason =
          e.error ??
          (paths.length === 0 ? `next hop ${e.def.nextHop} not resolved in ${e.nextHopTable}` : null);
        out.push({
          name: `${e.ri} ${e.def.prefix} via ${e.def.nextHop}`,
          routing_instance: e.ri,
          prefix: e.prefix || e.def.prefix,
          next_hop: e.def.nextHop,
          route_targets: [...(e.def.routeTargets ?? [])],
          communities: [...(e.def.communities ?? [])],
          state: reason === null ? 'up' : 'down',
          reason,
          next_hops: paths.map(nextHopView),
        });
      }
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private entry(ri: string, def: StaticRouteDef, id: string): Entry {
    const e: Entry = {
      ri,
      def,
      id,
      error: undefined,
      table: '',
      prefix: '',
      nextHopFamily: 'inet',
      nextHopTable: '',
      nextHopKey: '',
      extra: [],
      communities: [],
      installed: new Set(),
    };
    const prefix = routePrefix(def.prefix);
    const nh = hostRoute(def.nextHop);
    if (prefix === undefined) e.error = `invalid prefix ${def.prefix}`;
    else if (nh === undefined) e.error = `next hop ${def.nextHop} is not an IP address`;
    else if (prefix.key === nh.key) e.error = `prefix ${prefix.key} is its own next hop`;
    if (prefix === undefined || nh === undefined || e.error !== undefined) return e;
    e.table = vrfTableName(ri, prefix.family);
    e.prefix = prefix.key;
    e.nextHopFamily = nh.family;
    e.nextHopTable = vrfTableName(ri, nh.family);
    e.nextHopKey = nh.key;
    for (const rt of def.routeTargets ?? []) {
      try {
        e.extra.push(parseRouteTarget(rt));
      } catch {
        e.error = `invalid route target ${rt}`;
        return e;
      }
    }
    for (const c of def.communities ?? []) {
      const v = parseCommunity(c);
      if (v !== undefined) e.communities.push(v);
    }
    return e;
  }

  private remove(e: Entry): void {
    for (const slot of e.installed) this.host.withdrawPath(e.table, e.prefix, 'static', slot);
    e.installed.clear();
    this.dirty.delete(e);
    this.watch.delete(e.nextHopTable, e.nextHopKey, e);
  }

  private resolve(e: Entry): Path[] {
    const dest = this.host.instance(e.ri)?.byFamily.get(e.nextHopFamily)?.find(e.nextHopKey);
    return usablePaths(dest, SKIP);
  }

  private evaluate(e: Entry): void {
    const want = new Map<string, { attrs: AttrInput; label: number }>();
    for (const p of this.resolve(e)) {
      // Two entries for one prefix via different next hops are ECMP with each other: slots name both.
      want.set(`${e.def.nextHop}@${p.peer.name}@${rdOfPath(p) ?? ''}`, {
        attrs: this.attrsOf(e, p),
        label: p.label,
      });
    }
    for (const slot of e.installed) {
      if (!want.has(slot)) this.host.withdrawPath(e.table, e.prefix, 'static', slot);
    }
    e.installed.clear();
    for (const [slot, w] of want) {
      if (this.host.addOrReplacePath(e.table, e.prefix, { source: 'static', slot, ...w }))
        e.installed.add(slot);
    }
  }

  /** The resolving path's attributes with the entry's targets and communities, and no RD of its own. */
  private attrsOf(e: Entry, p: Path): AttrInput {
    const input = p.attrs.toInput();
    delete input.rd;
    delete input.subProtocol;
    const ext = p.attrs.extCommunities.filter((c) => c.kind !== 'route-target');
    input.extCommunities = [...ext, ...e.extra];
    if (e.communities.length > 0) input.communities = e.communities;
    else delete input.communities;
    return input;
  }
}
