import ipaddr from 'ipaddr.js';
import type { AsPathSegment } from '@skein/bgp';
import { INFEASIBLE, infeasibleReason, type Path } from './path';
import { originatedRd, splitVpnKey } from './rd';
import type { Rib } from './rib';
import { rdOfPath } from './nlri-keys';
import type { RoutingInstance } from './routing-instance';
import type { PeerKind } from './peer';
import { formatCommunity } from './xmpp-attrs';
import type { Destination, Table } from './table';

/**
 * Part E introspect views, as plain JSON-ready objects. Field names are the spec's (snake_case); the
 * introspect HTTP layer only adds paging and serialises.
 */

export interface PathView {
  peer: string;
  source: PeerKind;
  next_hop: string;
  label: number;
  rd: string | null;
  local_pref: number | null;
  med: number | null;
  origin: 'igp' | 'egp' | 'incomplete';
  as_path: string;
  communities: string[];
  ext_communities: string[];
  best: boolean;
  ecmp: boolean;
  stale: boolean;
  infeasible_reason: string | null;
  /** Where a copy was originally learned or originated; null on primary paths. */
  primary_table: string | null;
}

const ORIGIN_TEXT = ['igp', 'egp', 'incomplete'] as const;

export function formatAsPath(segments: readonly AsPathSegment[] | undefined): string {
  if (segments === undefined) return '';
  return segments
    .map((s) =>
      s.type === 'sequence'
        ? s.asns.join(' ')
        : s.type === 'set'
          ? `{${s.asns.join(' ')}}`
          : `(${s.asns.join(' ')})`,
    )
    .join(' ');
}

export function describePath(path: Path, dest: Destination | null = path.dest): PathView {
  const a = path.attrs;
  let best = false;
  let ecmp = false;
  if (dest !== null) {
    best = dest.head === path && dest.usable > 0;
    ecmp = dest.inUsableSet(path);
  }
  const origin = path.primary !== null ? path.origin : null;
  return {
    peer: path.peer.name,
    source: path.peer.kind,
    next_hop: a.nextHop,
    label: path.label,
    rd: rdOfPath(path, dest) ?? null,
    local_pref: a.localPref ?? null,
    med: a.med ?? null,
    origin: ORIGIN_TEXT[a.origin],
    as_path: formatAsPath(a.asPath),
    communities: a.communities.map(formatCommunity),
    ext_communities: [...a.extText],
    best,
    ecmp,
    stale: path.stale,
    infeasible_reason: (path.flags & INFEASIBLE) !== 0 ? (infeasibleReason(path.flags) ?? null) : null,
    primary_table: origin !== null && origin.dest !== null ? origin.dest.table.name : null,
  };
}

export interface RoutesQuery {
  table: string;
  prefix?: string;
  /** With `prefix`: every route within it. */
  longer?: boolean;
  peer?: string;
  source?: PeerKind;
  limit?: number;
  /** The last prefix of the previous page. */
  marker?: string;
}

export interface RoutesView {
  table: string;
  routes: { prefix: string; paths: PathView[] }[];
  /** Pass as `marker` for the next page; absent on the last. */
  next_marker?: string;
}

/** The IP prefix inside a key, for `longer` matching (VPN keys carry an RD before it). */
function prefixOfKey(table: Table, key: string): string {
  const f = table.bgpFamily;
  if (f === 'inet-vpn' || f === 'inet6-vpn') return splitVpnKey(key).prefix;
  return key;
}

function within(outer: [ipaddr.IPv4 | ipaddr.IPv6, number], key: string): boolean {
  try {
    const [addr, len] = ipaddr.parseCIDR(key);
    return addr.kind() === outer[0].kind() && len >= outer[1] && addr.match(outer);
  } catch {
    return false;
  }
}

export function routesView(rib: Rib, q: RoutesQuery): RoutesView {
  const table = rib.table(q.table);
  const out: RoutesView = { table: q.table, routes: [] };
  if (table === undefined) return out;
  const limit = q.limit ?? 1000;
  let outer: [ipaddr.IPv4 | ipaddr.IPv6, number] | undefined;
  if (q.prefix !== undefined && q.longer) {
    try {
      outer = ipaddr.parseCIDR(prefixOfKey(table, q.prefix));
    } catch {
      return out;
    }
  }
  const candidates: Iterable<Destination> =
    q.prefix !== undefined && !q.longer
      ? [table.find(q.prefix)].filter((d): d is Destination => d !== undefined)
      : table.map.values();
  let skipping = q.marker !== undefined;
  for (const dest of candidates) {
    if (skipping) {
      if (dest.key === q.marker) skipping = false;
      continue;
    }
    if (outer !== undefined && !within(outer, prefixOfKey(table, dest.key))) continue;
    const paths: PathView[] = [];
    for (const p of dest.paths()) {
      if (q.peer !== undefined && p.peer.name !== q.peer) continue;
      if (q.source !== undefined && p.peer.kind !== q.source) continue;
      paths.push(describePath(p, dest));
    }
    if (paths.length === 0) continue;
    if (out.routes.length === limit) {
      out.next_marker = out.routes[out.routes.length - 1]!.prefix;
      break;
    }
    out.routes.push({ prefix: dest.key, paths });
  }
  return out;
}

export interface RoutingInstanceView {
  name: string;
  index: number;
  rd: string | null;
  vn: string | null;
  vn_index: number;
  import_targets: string[];
  export_targets: string[];
  connections: string[];
  subscribers: string[];
  tables: Record<string, { prefixes: number; paths: number }>;
}

export function routingInstanceView(rib: Rib, ri: RoutingInstance): RoutingInstanceView {
  const tables: RoutingInstanceView['tables'] = {};
  for (const t of ri.tables) tables[t.name] = { prefixes: t.size, paths: t.pathCount };
  return {
    name: ri.name,
    index: ri.index,
    rd: ri.isMaster ? null : (originatedRd(rib.routerId, ri.index) ?? null),
    vn: ri.vn ?? null,
    vn_index: ri.vnIndex,
    import_targets: [...ri.importTargets].sort(),
    export_targets: [...ri.exportTargets].sort(),
    connections: [...ri.connections].sort(),
    subscribers: [...ri.subscribers.keys()].sort(),
    tables,
  };
}

export interface RouteTargetView {
  rt: string;
  import_tables: string[];
  export_tables: string[];
  interested_peers: string[];
  /** Subscribed RIs importing it: the control node announces its membership route while > 0. */
  local_importers: number;
}

export function routeTargetsView(rib: Rib, rt?: string): RouteTargetView[] {
  const out: RouteTargetView[] = [];
  for (const g of rib.rts.groups.values()) {
    if (rt !== undefined && g.rt !== rt) continue;
    const tablesOf = (ris: Iterable<RoutingInstance>) =>
      [...ris].flatMap((ri) => ri.tables.filter((t) => t.kind === 'vrf').map((t) => t.name)).sort();
    out.push({
      rt: g.rt,
      import_tables: tablesOf(g.importers),
      export_tables: tablesOf(g.exporters),
      interested_peers: [...g.interested].map((p) => p.name).sort(),
      local_importers: g.localRefs,
    });
  }
  return out.sort((a, b) => (a.rt < b.rt ? -1 : a.rt > b.rt ? 1 : 0));
}
