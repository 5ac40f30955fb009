import { PMSI_INGRESS_REPLICATION, type Family } from '@skein/bgp';
import type { AttrPool, AttrSet } from './attrs';
import { evpnLabelField, vpnKeyOfVrfPath, vrfKeyOfVpnKey } from './nlri-keys';
import { Path, PathFlag, VpnPath } from './path';
import type { RoutingInstance } from './routing-instance';
import type { RtIndex } from './route-targets';
import { setAt, setHas, setSize, type Destination, type PathSet, type Table } from './table';
import type { XmppFamily } from './tables';
import { originVnCommunity } from './xmpp-attrs';

/**
 * Replication between VRFs and the VPN tables (routing.md B4):
 * - VRF → VPN: the best path and every path ECMP-equal to it, with the path's RD, the RI's export targets
 *   added and origin-vn = the RI's VN index when absent. Copies are never exported again.
 * - VPN → VRF: the same set of a VPN destination goes into every RI whose import targets meet the path's
 *   targets, except the RI it came from. Without origin-vn, an RI exporting one of the targets lends its VN.
 *
 * Pure bookkeeping over tables: the host (the Rib) applies each insert and removal, which may cascade back
 * here (an imported path can push a local path out of the ECMP set, withdrawing its export).
 */
export interface ReplicationHost {
  readonly pool: AttrPool;
  readonly rts: RtIndex;
  readonly asn: number;
  vpnTableOf(family: XmppFamily): Table;
  putPath(table: Table, key: string, path: Path): void;
  dropPath(table: Table, dest: Destination, path: Path): void;
}

const XMPP_FAMILY_OF_VPN: Partial<Record<Family, XmppFamily>> = {
  'inet-vpn': 'inet',
  'inet6-vpn': 'inet6',
  'e-vpn': 'evpn',
};

/** VRF paths that are exported: learned from an agent or originated here, never copies. */
export function exportable(p: Path): boolean {
  return (p.flags & PathFlag.Replicated) === 0 && p.attrs.rd !== undefined;
}

/** The RI a copy in a VPN table was exported from; undefined for routes learned over BGP. */
export function sourceInstance(p: Path): RoutingInstance | undefined {
  const primary = p.primary;
  return primary !== null && primary.dest !== null ? primary.dest.table.ri : undefined;
}

export class Replicator {
  /** Import attributes per VPN attribute set (origin-vn lent by an exporting RI); cleared on RI changes. */
  private importCache = new WeakMap<AttrSet, AttrSet>();

  constructor(private readonly host: ReplicationHost) {}

  /** Config changed who exports what: origin-vn assignments may differ now. */
  instancesChanged(): void {
    this.importCache = new WeakMap();
  }

  // ----- VRF → VPN -------------------------------------------------------------------------------------

  exportChange(table: Table, dest: Destination, before: PathSet, after: PathSet): void {
    const family = table.xmppFamily!;
    const vpn = this.host.vpnTableOf(family);
    const nBefore = setSize(before);
    const nAfter = setSize(after);
    for (let i = 0; i < nBefore; i++) {
      const p = setAt(before, i);
      if (!exportable(p) || setHas(after, p)) continue;
      const key = vpnKeyOfVrfPath(family, dest.key, p.attrs.rd!, p.label, p.attrs);
      let replaced = false;
      for (let j = 0; j < nAfter && !replaced; j++) {
        const q = setAt(after, j);
        replaced =
          q.peer === p.peer &&
          exportable(q) &&
          vpnKeyOfVrfPath(family, dest.key, q.attrs.rd!, q.label, q.attrs) === key;
      }
      if (!replaced) this.unexport(vpn, key, p);
    }
    for (let j = 0; j < nAfter; j++) {
      const q = setAt(after, j);
      if (exportable(q) && !setHas(before, q)) this.exportPath(table.ri, vpn, family, dest, q);
    }
  }

  /** Re-exports every exported path of an RI (its export targets or VN index changed). */
  reexportInstance(ri: RoutingInstance): void {
    for (const table of ri.tables) {
      if (table.kind !== 'vrf') continue;
      const vpn = this.host.vpnTableOf(table.xmppFamily!);
      for (const dest of [...table.map.values()]) {
        const set = dest.pathSet();
        for (let i = 0; i < setSize(set); i++) {
          const p = setAt(set, i);
          if (exportable(p)) this.exportPath(ri, vpn, table.xmppFamily!, dest, p);
        }
      }
    }
  }

  private exportPath(ri: RoutingInstance, vpn: Table, family: XmppFamily, dest: Destination, q: Path): void {
    const key = vpnKeyOfVrfPath(family, dest.key, q.attrs.rd!, q.label, q.attrs);
    const attrs = this.exportAttrs(ri, q, dest.table.isBroadcast(dest));
    this.host.putPath(vpn, key, new VpnPath(q.peer, attrs, q.label, q.flags | PathFlag.Replicated, q));
  }

  private unexport(vpn: Table, key: string, p: Path): void {
    const vdest = vpn.find(key);
    if (vdest === undefined) return;
    const copy = vpn.findPeerPath(
      vdest,
      (x) => x.peer === p.peer && x.primary !== null && x.primary.dest === p.dest,
    );
    if (copy !== null) this.host.dropPath(vpn, vdest, copy);
  }

  /** Export attributes, retained: the RI's export targets and (when absent) its VN as origin-vn. */
  private exportAttrs(ri: RoutingInstance, q: Path, broadcast: boolean): AttrSet {
    const pool = this.host.pool;
    if (!broadcast) {
      const cached = ri.exportCache.get(q.attrs);
      if (cached !== undefined) return pool.retain(cached);
    }
    const extra = [...ri.exportCommunities];
    if (q.attrs.originVn === undefined && ri.vnIndex > 0)
      extra.push(originVnCommunity(this.host.asn, ri.vnIndex));
    // A BUM membership carries its replication label in a PMSI tunnel attribute (RFC 7432 §11.2).
    const set = pool.derive(q.attrs, extra, (input) => {
      if (broadcast) {
        input.pmsiTunnel = {
          flags: 0,
          tunnelType: PMSI_INGRESS_REPLICATION,
          label: evpnLabelField(q.label, q.attrs),
          tunnelId: q.attrs.nextHop,
        };
      }
    });
    if (!broadcast) ri.exportCache.set(q.attrs, set);
    return set;
  }

  // ----- VPN → VRF -------------------------------------------------------------------------------------

  importChange(vpn: Table, dest: Destination, before: PathSet, after: PathSet): void {
    const family = XMPP_FAMILY_OF_VPN[vpn.bgpFamily!];
    const vrfKey = family === undefined ? undefined : vrfKeyOfVpnKey(vpn.bgpFamily!, dest.key);
    if (family === undefined || vrfKey === undefined) return;
    const nBefore = setSize(before);
    const nAfter = setSize(after);
    for (let i = 0; i < nBefore; i++) {
      const p = setAt(before, i);
      if (setHas(after, p)) continue;
      let successor: Path | null = null;
      for (let j = 0; j < nAfter && successor === null; j++) {
        const q = setAt(after, j);
        if (q.sameSlot(p)) successor = q;
      }
      const keep = successor === null ? null : this.targets(successor);
      for (const ri of this.targets(p))
        if (keep === null || !keep.has(ri)) this.removeImport(ri, family, vrfKey, p);
    }
    for (let j = 0; j < nAfter; j++) {
      const q = setAt(after, j);
      if (setHas(before, q)) continue;
      for (const ri of this.targets(q)) this.importInto(ri, family, vrfKey, q);
    }
  }

  /** An RI's import targets changed: bring in or take out the VPN paths of exactly those targets. */
  importTargetsChanged(ri: RoutingInstance, added: readonly string[], removed: readonly string[]): void {
    for (const rt of added) {
      const g = this.host.rts.get(rt);
      if (g === undefined) continue;
      // Collected first: importing can withdraw exports, which edits the lists being walked.
      for (const p of [...g.paths()]) {
        if (!p.dest!.inUsableSet(p) || sourceInstance(p) === ri) continue;
        const family = XMPP_FAMILY_OF_VPN[p.dest!.table.bgpFamily!];
        const vrfKey = family && vrfKeyOfVpnKey(p.dest!.table.bgpFamily!, p.dest!.key);
        if (family !== undefined && vrfKey !== undefined) this.importInto(ri, family, vrfKey, p);
      }
    }
    for (const rt of removed) {
      const g = this.host.rts.get(rt);
      if (g === undefined) continue;
      for (const p of [...g.paths()]) {
        if (p.attrs.routeTargets.some((t) => ri.importTargets.has(t))) continue;
        const family = XMPP_FAMILY_OF_VPN[p.dest!.table.bgpFamily!];
        const vrfKey = family && vrfKeyOfVpnKey(p.dest!.table.bgpFamily!, p.dest!.key);
        if (family !== undefined && vrfKey !== undefined) this.removeImport(ri, family, vrfKey, p);
      }
    }
  }

  /** RIs a VPN path goes to: importers of any of its targets, minus the RI it was exported from. */
  targets(p: Path): ReadonlySet<RoutingInstance> {
    const importers = this.host.rts.importersOf(p.attrs.routeTargets);
    const src = sourceInstance(p);
    if (src === undefined || !importers.has(src)) return importers;
    const out = new Set(importers);
    out.delete(src);
    return out;
  }

  private importInto(ri: RoutingInstance, family: XmppFamily, vrfKey: string, q: Path): void {
    const table = ri.byFamily.get(family);
    if (table === undefined || table.kind !== 'vrf') return;
    const dest = table.find(vrfKey);
    if (dest !== undefined) {
      const existing = table.findPeerPath(dest, (x) => x.primary === q);
      if (existing !== null) return;
    }
    this.host.putPath(
      table,
      vrfKey,
      new Path(q.peer, this.importAttrs(q), q.label, q.flags | PathFlag.Replicated, q),
    );
  }

  private removeImport(ri: RoutingInstance, family: XmppFamily, vrfKey: string, p: Path): void {
    const table = ri.byFamily.get(family);
    const dest = table?.find(vrfKey);
    if (table === undefined || dest === undefined) return;
    const copy = table.findPeerPath(
      dest,
      (x) => x.peer === p.peer && x.primary !== null && x.primary.dest === p.dest,
    );
    if (copy !== null) this.host.dropPath(table, dest, copy);
  }

  /** Attributes of an imported copy, retained: the VPN path's own, or with origin-vn from an exporting RI. */
  private importAttrs(q: Path): AttrSet {
    const pool = this.host.pool;
    const a = q.attrs;
    if (a.originVn !== undefined) return pool.retain(a);
    const cached = this.importCache.get(a);
    if (cached !== undefined) return pool.retain(cached);
    let lender: RoutingInstance | undefined;
    for (const rt of a.routeTargets) {
      const g = this.host.rts.get(rt);
      if (g === undefined) continue;
      for (const ri of g.exporters) {
        if (
          ri.vnIndex > 0 &&
          (lender === undefined ||
            ri.vnIndex < lender.vnIndex ||
            (ri.vnIndex === lender.vnIndex && ri.name < lender.name))
        ) {
          lender = ri;
        }
      }
    }
    const set =
      lender === undefined
        ? pool.retain(a)
        : pool.derive(a, [originVnCommunity(this.host.asn, lender.vnIndex)]);
    this.importCache.set(a, set);
    return set;
  }
}
