import { AdvertiseReason, agentPaths, agentVerdict, bgpVerdict } from './advertise';
import { decide } from './best-path';
import { rdOfKey, vpnKeyOfVrfPath, vrfKeyOfVpnKey } from './nlri-keys';
import type { Path } from './path';
import type { Peer } from './peer';
import type { Rib } from './rib';
import { exportable } from './vpn';
import { describePath, type PathView } from './views';
import type { Destination, Table } from './table';

/**
 * `GET /explain?peer=&table=&prefix=` (Part E): whether a route goes to a peer or agent, and the first reason
 * it does not, with the values compared. A VRF route asked about for a BGP peer is followed to the VPN
 * route it is exported as, because that is what the peer receives.
 */
export interface Explanation {
  advertised: boolean;
  reason: AdvertiseReason;
  detail: Record<string, unknown>;
  path: PathView | null;
}

export interface ExplainOptions {
  /** Ask about the path learned from this peer/agent rather than the best one. */
  path?: string;
}

function verdict(
  reason: AdvertiseReason,
  detail: Record<string, unknown>,
  path: Path | null,
  dest: Destination | null,
): Explanation {
  return {
    advertised: reason === AdvertiseReason.Advertised,
    reason,
    detail,
    path: path === null ? null : describePath(path, dest),
  };
}

export function explain(
  rib: Rib,
  peerName: string,
  tableName: string,
  prefix: string,
  opts: ExplainOptions = {},
): Explanation {
  const peer = rib.peer(peerName);
  if (peer === undefined)
    return verdict(
      AdvertiseReason.SessionDown,
      { peer: peerName, message: 'no such peer or agent' },
      null,
      null,
    );
  const table = rib.table(tableName);
  if (table === undefined)
    return verdict(AdvertiseReason.NoRoute, { table: tableName, message: 'no such table' }, null, null);
  return peer.kind === 'xmpp'
    ? explainAgent(rib, peer, table, prefix, opts)
    : explainBgp(rib, peer, table, prefix, opts);
}

type Selection = { path: Path } | { answer: Explanation } | null;

/** The path `opts.path` names, or the answer NOT_BEST when it is outside the set that is sent. */
function selected(rib: Rib, dest: Destination, opts: ExplainOptions, inSet: (p: Path) => boolean): Selection {
  if (opts.path === undefined) return null;
  let chosen: Path | null = null;
  for (const p of dest.paths()) if (chosen === null && p.peer.name === opts.path) chosen = p;
  if (chosen === null)
    return {
      answer: verdict(
        AdvertiseReason.NoRoute,
        { path: opts.path, message: 'no path from that source' },
        null,
        dest,
      ),
    };
  if (inSet(chosen)) return { path: chosen };
  return { answer: notBest(rib, dest, chosen) };
}

function notBest(rib: Rib, dest: Destination, path: Path): Explanation {
  const best = dest.head!;
  const d = decide(best, path, rib.compare);
  return verdict(
    AdvertiseReason.NotBest,
    { best: best.peer.name, deciding_rule: d.reason, table: dest.table.name },
    path,
    dest,
  );
}

function explainAgent(
  rib: Rib,
  agent: Peer,
  table: Table,
  prefix: string,
  opts: ExplainOptions,
): Explanation {
  const dest = table.find(prefix);
  if (dest === undefined) {
    const pre = agentVerdict(agent, table, null, null);
    if (pre !== AdvertiseReason.NoRoute) return verdict(pre, preDetail(agent, table), null, null);
    return (
      notImported(rib, table, prefix) ??
      verdict(AdvertiseReason.NoRoute, { table: table.name, prefix }, null, null)
    );
  }
  const set = dest.pathSet();
  const sel = selected(rib, dest, opts, (p) => dest.inUsableSet(p));
  if (sel !== null && 'answer' in sel) return sel.answer;
  const reason = agentVerdict(agent, table, dest.head, set);
  const detail: Record<string, unknown> = preDetail(agent, table);
  if (reason === AdvertiseReason.LearnedFromPeer) detail.learned_from = agent.name;
  if (reason === AdvertiseReason.Advertised)
    detail.next_hops = agentPaths(agent, set).map((p) => p.attrs.nextHop);
  return verdict(reason, detail, sel?.path ?? dest.head, dest);
}

function explainBgp(rib: Rib, peer: Peer, table: Table, prefix: string, opts: ExplainOptions): Explanation {
  const dest = table.find(prefix);
  if (table.kind === 'vrf') {
    // Peers get VRF routes as the VPN routes they are exported as.
    if (dest === undefined)
      return (
        notImported(rib, table, prefix) ??
        verdict(AdvertiseReason.NoRoute, { table: table.name, prefix }, null, null)
      );
    const sel = selected(rib, dest, opts, (p) => dest.inUsableSet(p));
    if (sel !== null && 'answer' in sel) return sel.answer;
    const p = sel?.path ?? dest.head!;
    if (!p.feasible) return verdict(bgpVerdict(peer, table, p, rib.speaker), { table: table.name }, p, dest);
    if (!exportable(p)) {
      const src = p.origin;
      const detail = {
        message: 'an imported copy is not exported again',
        source: src.dest?.table.name,
        source_peer: src.peer.name,
      };
      if (src.peer === peer) return verdict(AdvertiseReason.LearnedFromPeer, detail, p, dest);
      return src.dest !== null
        ? explainBgp(rib, peer, src.dest.table, src.dest.key, {})
        : verdict(AdvertiseReason.NoRoute, detail, p, dest);
    }
    const vpn = rib.vpnTableOf(table.xmppFamily!);
    const key = vpnKeyOfVrfPath(table.xmppFamily!, dest.key, p.attrs.rd!, p.label, p.attrs);
    const inner = explainBgp(rib, peer, vpn, key, {});
    return { ...inner, detail: { ...inner.detail, vpn_table: vpn.name, vpn_prefix: key } };
  }
  if (dest === undefined) {
    const pre = bgpVerdict(peer, table, null, rib.speaker);
    if (pre !== AdvertiseReason.NoRoute) return verdict(pre, bgpDetail(peer, table, null), null, null);
    return (
      notExported(rib, table, prefix) ??
      verdict(AdvertiseReason.NoRoute, { table: table.name, prefix }, null, null)
    );
  }
  const sel = selected(rib, dest, opts, (p) => p === dest.head);
  if (sel !== null && 'answer' in sel) return sel.answer;
  const reason = bgpVerdict(peer, table, dest.head, rib.speaker);
  return verdict(reason, bgpDetail(peer, table, dest.head), dest.head, dest);
}

function preDetail(agent: Peer, table: Table): Record<string, unknown> {
  const sub = agent.subscriptions.get(table.ri.name);
  return {
    table: table.name,
    subscribed: sub?.active ?? false,
    no_ribout: sub?.noRibout ?? false,
    session_up: agent.up,
  };
}

function bgpDetail(peer: Peer, table: Table, best: Path | null): Record<string, unknown> {
  const detail: Record<string, unknown> = {
    table: table.name,
    family: table.bgpFamily ?? null,
    negotiated_families: [...peer.families],
  };
  if (best !== null) {
    detail.learned_from = best.peer.name;
    detail.route_targets = [...best.attrs.routeTargets];
    if (peer.families.has('route-target')) {
      detail.peer_interest = [...peer.rtExact.keys()].sort();
      detail.peer_default_interest = peer.rtDefault > 0;
    }
    detail.as_path = best.attrs.asPath?.flatMap((s) => s.asns) ?? [];
    detail.peer_asn = peer.asn;
    detail.ibgp = peer.ibgp;
  }
  return detail;
}

/** NO_ROUTE in a VRF that some other RI has: NOT_IMPORTED, with the targets compared. */
function notImported(rib: Rib, table: Table, prefix: string): Explanation | undefined {
  if (table.kind !== 'vrf') return undefined;
  for (const ri of rib.routingInstances()) {
    if (ri === table.ri) continue;
    const other = ri.byFamily.get(table.xmppFamily!);
    const dest = other?.find(prefix);
    if (other === undefined || dest === undefined || other.kind !== 'vrf') continue;
    const p = dest.head;
    if (p === null || !exportable(p)) continue;
    return verdict(
      AdvertiseReason.NotImported,
      {
        source: other.name,
        route_targets: [...ri.exportTargets].sort(),
        import_targets: [...table.ri.importTargets].sort(),
      },
      p,
      dest,
    );
  }
  const vpn = rib.vpnTableOf(table.xmppFamily!);
  if (table.xmppFamily === 'evpn') return undefined;
  // Routes learned over BGP: a scan of the VPN table (introspect only, never on the routing path).
  const suffix = `:${prefix}`;
  for (const dest of vpn.map.values()) {
    if (!dest.key.endsWith(suffix) || dest.head === null) continue;
    return verdict(
      AdvertiseReason.NotImported,
      {
        source: vpn.name,
        route_targets: [...dest.head.attrs.routeTargets],
        import_targets: [...table.ri.importTargets].sort(),
      },
      dest.head,
      dest,
    );
  }
  return undefined;
}

/** NO_ROUTE for a VPN key whose VRF path exists but is outside the ECMP set: NOT_BEST. */
function notExported(rib: Rib, vpn: Table, key: string): Explanation | undefined {
  if (vpn.kind !== 'vpn' || vpn.bgpFamily === undefined) return undefined;
  const rd = rdOfKey(vpn.bgpFamily, key);
  const vrfKey = vrfKeyOfVpnKey(vpn.bgpFamily, key);
  if (rd === undefined || vrfKey === undefined) return undefined;
  for (const ri of rib.routingInstances()) {
    for (const t of ri.tables) {
      if (t.kind !== 'vrf' || rib.vpnTableOf(t.xmppFamily!) !== vpn) continue;
      const dest = t.find(vrfKey);
      if (dest === undefined) continue;
      for (const p of dest.paths()) {
        if (exportable(p) && p.attrs.rd === rd && !dest.inUsableSet(p)) return notBest(rib, dest, p);
      }
    }
  }
  return undefined;
}
