import type { Family } from '@skein/bgp';
import { comparePaths, ecmpEqual, type CompareContext } from './best-path';
import type { Path } from './path';
import type { RoutingInstance } from './routing-instance';
import { BROADCAST_MAC, type TableKind, type XmppFamily } from './tables';

/**
 * The paths a destination hands on: its ECMP set (best first), or for an EVPN broadcast entry every
 * feasible path. One path is held as itself and only real ECMP allocates an array, because the common
 * destination has one path and every change takes a snapshot of the old set.
 */
export type PathSet = Path | readonly Path[] | null;

export function setSize(s: PathSet): number {
  return s === null ? 0 : Array.isArray(s) ? s.length : 1;
}

export function setAt(s: PathSet, i: number): Path {
  return Array.isArray(s) ? (s as readonly Path[])[i]! : (s as Path);
}

export function setHas(s: PathSet, p: Path): boolean {
  if (s === null) return false;
  if (!Array.isArray(s)) return s === p;
  return (s as readonly Path[]).includes(p);
}

export function sameSet(a: PathSet, b: PathSet): boolean {
  if (a === b) return true;
  const n = setSize(a);
  if (n !== setSize(b)) return false;
  for (let i = 0; i < n; i++) if (setAt(a, i) !== setAt(b, i)) return false;
  return true;
}

/** Same paths as far as any receiver can tell (same sources, attributes, labels and flags, in order). */
export function sameSetContent(a: PathSet, b: PathSet): boolean {
  if (a === b) return true;
  const n = setSize(a);
  if (n !== setSize(b)) return false;
  for (let i = 0; i < n; i++) {
    const x = setAt(a, i);
    const y = setAt(b, i);
    if (x !== y && (x.peer !== y.peer || !x.sameView(y))) return false;
  }
  return true;
}

/**
 * Keys are built by concatenation (`${rd}:${prefix}`), which V8 keeps as a tree of cons strings holding every
 * piece alive: about 200 bytes a key instead of about 50. `normalize()` is the identity on these ASCII keys
 * and returns them as one flat string, cheaply; a stored key is made flat once, when its destination is
 * created.
 */
export function compactKey(key: string): string {
  return key.normalize();
}

export class Destination {
  head: Path | null = null;
  /** The leading `usable` paths form the PathSet; 0 when the best path is infeasible or there is none. */
  usable = 0;

  constructor(
    readonly key: string,
    readonly table: Table,
  ) {}

  /** Snapshot of the usable set; stays valid after later changes because paths are immutable. */
  pathSet(): PathSet {
    const n = this.usable;
    if (n === 0) return null;
    if (n === 1) return this.head;
    const out = new Array<Path>(n);
    let p = this.head;
    for (let i = 0; i < n; i++, p = p!.next) out[i] = p!;
    return out;
  }

  inUsableSet(path: Path): boolean {
    let p = this.head;
    for (let i = 0; i < this.usable; i++, p = p!.next) if (p === path) return true;
    return false;
  }

  *paths(): IterableIterator<Path> {
    for (let p = this.head; p !== null; p = p.next) yield p;
  }

  get pathCount(): number {
    let n = 0;
    for (let p = this.head; p !== null; p = p.next) n++;
    return n;
  }
}

/**
 * Prefixes to destinations, each with its paths in best-first order. Keys are compact strings (a prefix, an
 * XMPP EVPN item id, or `@skein/bgp`'s `nlriKey`). The table knows ordering only; what a change means for
 * replication and advertisement is the Rib's business.
 */
export class Table {
  readonly map = new Map<string, Destination>();
  /** Destinations changed since the last settle, with their PathSet before the first change. */
  readonly dirty = new Map<Destination, PathSet>();
  deleted = false;
  /** Paths in this table (primary and copies), for introspect. */
  pathCount = 0;

  constructor(
    readonly name: string,
    readonly kind: TableKind,
    readonly ri: RoutingInstance,
    readonly xmppFamily: XmppFamily | undefined,
    readonly bgpFamily: Family | undefined,
  ) {}

  get size(): number {
    return this.map.size;
  }

  find(key: string): Destination | undefined {
    return this.map.get(key);
  }

  locate(key: string): Destination {
    let d = this.map.get(key);
    if (d === undefined) {
      const flat = compactKey(key);
      d = new Destination(flat, this);
      this.map.set(flat, d);
    }
    return d;
  }

  /** The path of `dest` in the same slot as `like` (same source, same source destination). */
  findSlot(dest: Destination, like: Path): Path | null {
    for (let p = dest.head; p !== null; p = p.next) if (p.sameSlot(like)) return p;
    return null;
  }

  findPeerPath(dest: Destination, match: (p: Path) => boolean): Path | null {
    for (let p = dest.head; p !== null; p = p.next) if (match(p)) return p;
    return null;
  }

  /** Puts `path` into `dest`, replacing the path in the same slot; returns the replaced one. */
  insert(dest: Destination, path: Path, ctx: CompareContext): Path | null {
    const replaced = this.findSlot(dest, path);
    if (replaced !== null) this.unlink(dest, replaced);
    path.dest = dest;
    // Stable: a path goes after every path it ties with, so the older one keeps winning ties.
    if (dest.head === null || comparePaths(path, dest.head, ctx) < 0) {
      path.next = dest.head;
      dest.head = path;
    } else {
      let prev = dest.head;
      while (prev.next !== null && comparePaths(path, prev.next, ctx) >= 0) prev = prev.next;
      path.next = prev.next;
      prev.next = path;
    }
    this.pathCount++;
    this.recount(dest, ctx);
    return replaced;
  }

  /** Takes `path` out of `dest`; an empty destination leaves the table. */
  remove(dest: Destination, path: Path, ctx: CompareContext): void {
    this.unlink(dest, path);
    if (dest.head === null) {
      dest.usable = 0;
      if (this.map.get(dest.key) === dest) this.map.delete(dest.key);
    } else {
      this.recount(dest, ctx);
    }
  }

  private unlink(dest: Destination, path: Path): void {
    if (dest.head === path) dest.head = path.next;
    else {
      let prev = dest.head;
      while (prev !== null && prev.next !== path) prev = prev.next;
      if (prev === null) return;
      prev.next = path.next;
    }
    path.next = null;
    this.pathCount--;
  }

  private recount(dest: Destination, ctx: CompareContext): void {
    const best = dest.head;
    if (best === null || !best.feasible) {
      dest.usable = 0;
      return;
    }
    let n = 1;
    if (this.isBroadcast(dest)) {
      for (let p = best.next; p !== null && p.feasible; p = p.next) n++;
    } else {
      for (let p = best.next; p !== null && ecmpEqual(best, p, ctx); p = p.next) n++;
    }
    dest.usable = n;
  }

  /** An EVPN broadcast entry: every agent's path counts (it builds the olist), not just the best. */
  isBroadcast(dest: Destination): boolean {
    return this.xmppFamily === 'evpn' && dest.key.includes(BROADCAST_MAC);
  }
}
