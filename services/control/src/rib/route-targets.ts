import type { AttrSet } from './attrs';
import type { VpnPath } from './path';
import type { Peer } from './peer';
import type { RoutingInstance } from './routing-instance';

/**
 * Everything keyed by one route target: which RIs import and export it, which VPN attribute sets carry it
 * (and through them every VPN path with it), which peers want it, and how many subscribed RIs make the
 * control node announce its membership route. Config and interest changes walk only the paths of the
 * targets they touch, never a whole VPN table.
 */
export class RtGroup {
  readonly importers = new Set<RoutingInstance>();
  readonly exporters = new Set<RoutingInstance>();
  readonly attrSets = new Set<AttrSet>();
  /** BGP peers whose exact membership routes name this target. */
  readonly interested = new Set<Peer>();
  /** RIs with at least one subscribed agent that import this target (B5). */
  localRefs = 0;

  constructor(readonly rt: string) {}

  get empty(): boolean {
    return (
      this.importers.size === 0 &&
      this.exporters.size === 0 &&
      this.attrSets.size === 0 &&
      this.interested.size === 0 &&
      this.localRefs === 0
    );
  }

  /** Every VPN path carrying this target. */
  *paths(): IterableIterator<VpnPath> {
    for (const attrs of this.attrSets) for (let p = attrs.vpnHead; p !== null; p = p.attrNext) yield p;
  }
}

export class RtIndex {
  readonly groups = new Map<string, RtGroup>();

  get(rt: string): RtGroup | undefined {
    return this.groups.get(rt);
  }

  locate(rt: string): RtGroup {
    let g = this.groups.get(rt);
    if (g === undefined) {
      g = new RtGroup(rt);
      this.groups.set(rt, g);
    }
    return g;
  }

  prune(rt: string): void {
    const g = this.groups.get(rt);
    if (g !== undefined && g.empty) this.groups.delete(rt);
  }

  /** A VPN path joins the index through its attribute set (one link per path, none per target). */
  link(path: VpnPath): void {
    const attrs = path.attrs;
    const head = attrs.vpnHead;
    path.attrPrev = null;
    path.attrNext = head;
    if (head !== null) head.attrPrev = path;
    attrs.vpnHead = path;
    if (head === null) for (const rt of attrs.routeTargets) this.locate(rt).attrSets.add(attrs);
  }

  unlink(path: VpnPath): void {
    const attrs = path.attrs;
    if (path.attrPrev !== null) path.attrPrev.attrNext = path.attrNext;
    else if (attrs.vpnHead === path) attrs.vpnHead = path.attrNext;
    else return;
    if (path.attrNext !== null) path.attrNext.attrPrev = path.attrPrev;
    path.attrPrev = path.attrNext = null;
    if (attrs.vpnHead === null) {
      for (const rt of attrs.routeTargets) {
        this.groups.get(rt)?.attrSets.delete(attrs);
        this.prune(rt);
      }
    }
  }

  /** RIs importing any of `rts`; the group's own set when there is one target (do not mutate). */
  importersOf(rts: readonly string[]): ReadonlySet<RoutingInstance> {
    if (rts.length === 1) return this.groups.get(rts[0]!)?.importers ?? NONE;
    if (rts.length === 0) return NONE;
    const out = new Set<RoutingInstance>();
    for (const rt of rts) {
      const g = this.groups.get(rt);
      if (g !== undefined) for (const ri of g.importers) out.add(ri);
    }
    return out;
  }
}

const NONE: ReadonlySet<RoutingInstance> = new Set();
