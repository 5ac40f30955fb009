import { formatExtCommunity, parseRouteTarget, type ExtCommunity } from '@skein/bgp';
import type { AttrSet } from './attrs';
import type { Peer } from './peer';
import type { ServiceChainDef } from './service-chain';
import type { StaticRouteDef } from './static-routes';
import { Table } from './table';
import { MASTER_TABLES, VRF_TABLES, vrfTableName, type XmppFamily } from './tables';

/**
 * A routing instance as configuration gives it (schema's RI object, routing.md A2/A3/B4). Route targets are
 * in any form `parseRouteTarget` reads; an RT ref with attr null goes in both lists.
 */
export interface RoutingInstanceDef {
  name: string;
  /** The parent VN's fq name. */
  vn?: string;
  /** The parent VN's `virtual_network_network_id`: the origin-vn of exported routes. */
  vnIndex?: number;
  /** The persisted index for originated RDs; allocated (lowest free >= 1) when absent. */
  index?: number;
  importTargets?: readonly string[];
  exportTargets?: readonly string[];
  /** `routing_instance_refs`: a connection exists when either end names the other. */
  connections?: readonly string[];
  /** `static_route_entries` (routing.md A7). */
  staticRoutes?: readonly StaticRouteDef[];
  /** `service_chain_information` / `ipv6_service_chain_information` of a service RI (A6). */
  serviceChains?: readonly ServiceChainDef[];
}

/** Canonical B8 text of a route target (`target:64512:8000001`); throws RangeError on anything else. */
export function canonicalRouteTarget(text: string): string {
  return formatExtCommunity(parseRouteTarget(text));
}

export class RoutingInstance {
  vn: string | undefined;
  vnIndex = 0;
  index = 0;
  /** Configured import targets (attr null or import). */
  configuredImports = new Set<string>();
  exportTargets = new Set<string>();
  /** The export targets as ext communities, added to every exported path. */
  exportCommunities: readonly ExtCommunity[] = [];
  /** Names this RI's own config connects to. */
  declaredConnections = new Set<string>();
  /** Effective connections (either end), kept up to date by the Rib. */
  readonly connections = new Set<string>();
  /** Configured imports plus the export targets of every connected RI (B4). */
  importTargets = new Set<string>();
  readonly tables: Table[] = [];
  readonly byFamily = new Map<XmppFamily, Table>();
  /** Agents with an active subscription, by name. */
  readonly subscribers = new Map<string, Peer>();
  /** Subscribers that want routes back (not `no-ribout`); the RI's VRF tables have receivers while > 0. */
  ribOutSubscribers = 0;
  /** Export attributes per source attribute set; replaced when the export targets or VN index change. */
  exportCache = new WeakMap<AttrSet, AttrSet>();

  constructor(
    readonly name: string,
    readonly isMaster: boolean,
  ) {
    if (isMaster) {
      for (const [tableName, spec] of Object.entries(MASTER_TABLES)) {
        const t = new Table(tableName, spec.kind, this, spec.xmppFamily, spec.bgpFamily);
        this.tables.push(t);
        if (spec.kind === 'master' && spec.xmppFamily) this.byFamily.set(spec.xmppFamily, t);
      }
    } else {
      for (const family of Object.keys(VRF_TABLES) as XmppFamily[]) {
        const t = new Table(vrfTableName(name, family), 'vrf', this, family, undefined);
        this.tables.push(t);
        this.byFamily.set(family, t);
      }
    }
  }

  table(name: string): Table | undefined {
    return this.tables.find((t) => t.name === name);
  }

  /** Applies a definition; returns whether export-side values (targets, VN index) changed. */
  apply(def: RoutingInstanceDef): { exportChanged: boolean } {
    const exportTargets = new Set((def.exportTargets ?? []).map(canonicalRouteTarget));
    const vnIndex = def.vnIndex ?? 0;
    const exportChanged = !sameSet(exportTargets, this.exportTargets) || vnIndex !== this.vnIndex;
    this.vn = def.vn;
    this.vnIndex = vnIndex;
    this.exportTargets = exportTargets;
    this.exportCommunities = [...exportTargets].map(parseRouteTarget);
    this.configuredImports = new Set((def.importTargets ?? []).map(canonicalRouteTarget));
    this.declaredConnections = new Set((def.connections ?? []).filter((c) => c !== this.name));
    if (exportChanged) this.exportCache = new WeakMap();
    return { exportChanged };
  }
}

export function sameSet<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}
