import { canonicalIp, formatPrefix, parseIp, parsePrefix, type IpPrefix } from '@skein/xmpp';
import type { OriginatedPath } from './rib';
import type { Path } from './path';
import type { PeerKind } from './peer';
import { rdOfPath } from './nlri-keys';
import type { RoutingInstance } from './routing-instance';
import { setAt, setSize, type Destination, type Table } from './table';
import type { XmppFamily } from './tables';

/**
 * What static routes (A7) and service chains (A6) need from the Rib. They only add and withdraw originated
 * paths; the Rib tells them which VRF destinations changed and when to re-evaluate.
 */
export interface DerivedRouteHost {
  readonly asn: number;
  instance(name: string): RoutingInstance | undefined;
  addOrReplacePath(table: string, key: string, path: OriginatedPath): boolean;
  withdrawPath(table: string, key: string, source: OriginatedPath['source'], slot?: string): void;
}

/** Something derived from VRF routes: told of every changed VRF destination, re-evaluated later in `flush`. */
export interface RouteWatcher {
  readonly pending: boolean;
  routeChanged(table: Table, dest: Destination): void;
  flush(): void;
}

/** A prefix as VRF tables key it (`10.1.0.0/16`, host bits cleared), with its family; undefined if invalid. */
export function routePrefix(text: string): { key: string; family: XmppFamily; prefix: IpPrefix } | undefined {
  const version = text.includes(':') ? 6 : 4;
  const prefix = parsePrefix(text.trim(), version);
  if (prefix === undefined) return undefined;
  return { key: formatPrefix(prefix), family: version === 4 ? 'inet' : 'inet6', prefix };
}

/** The host route of an address (`10.1.1.5/32`, `fd00::5/128`) and its family; undefined if not an address. */
export function hostRoute(address: string): { key: string; family: XmppFamily; address: string } | undefined {
  const ip = parseIp(address.trim());
  if (ip === undefined) return undefined;
  const text = canonicalIp(address.trim(), ip.version)!;
  return ip.version === 4
    ? { key: `${text}/32`, family: 'inet', address: text }
    : { key: `${text}/128`, family: 'inet6', address: text };
}

/** `outer` contains `inner` (same family, at least as long, same leading bits). */
export function prefixContains(outer: IpPrefix, inner: IpPrefix): boolean {
  if (outer.address.version !== inner.address.version || inner.length < outer.length) return false;
  const a = outer.address.bytes;
  const b = inner.address.bytes;
  const whole = outer.length >> 3;
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false;
  const rest = outer.length & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (a[whole]! & mask) === (b[whole]! & mask);
}

/**
 * The usable (ECMP) paths of a destination except those from the given sources: a derived route never
 * resolves through a route of its own kind, so two of them cannot keep each other alive.
 */
export function usablePaths(dest: Destination | undefined, skip: readonly PeerKind[]): Path[] {
  if (dest === undefined) return [];
  const set = dest.pathSet();
  const out: Path[] = [];
  for (let i = 0; i < setSize(set); i++) {
    const p = setAt(set, i);
    if (!skip.includes(p.peer.kind)) out.push(p);
  }
  return out;
}

/** Next hop, label and RD of a path, for introspect. */
export function nextHopView(p: Path): { next_hop: string; label: number; rd: string | null; peer: string } {
  return { next_hop: p.attrs.nextHop, label: p.label, rd: rdOfPath(p) ?? null, peer: p.peer.name };
}

/** `m[k]` gains `v` (a set made on first use). */
export function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  let s = m.get(k);
  if (s === undefined) m.set(k, (s = new Set()));
  s.add(v);
}

/** `m[k]` loses `v`; an emptied set leaves the map. */
export function removeFrom<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  const s = m.get(k);
  if (s === undefined) return;
  s.delete(v);
  if (s.size === 0) m.delete(k);
}

/** Who depends on single routes (a next hop's host route, a chain's connected route): table → key → watchers. */
export class RouteWatch<T> {
  private readonly byTable = new Map<string, Map<string, Set<T>>>();

  get(table: string, key: string): ReadonlySet<T> | undefined {
    return this.byTable.get(table)?.get(key);
  }

  add(table: string, key: string, item: T): void {
    let m = this.byTable.get(table);
    if (m === undefined) this.byTable.set(table, (m = new Map()));
    addTo(m, key, item);
  }

  delete(table: string, key: string, item: T): void {
    const m = this.byTable.get(table);
    if (m === undefined) return;
    removeFrom(m, key, item);
    if (m.size === 0) this.byTable.delete(table);
  }
}

/**
 * Keeps the derived items of one routing instance in step with its configured definitions: items whose
 * definition is unchanged (same JSON) are kept as they are, the others are removed, new ones are made and
 * `start`ed unless invalid. Returns the RI's items in definition order.
 */
export function reconcileDefs<D, T extends { id: string; error?: string }>(
  old: readonly T[],
  defs: readonly D[],
  make: (def: D, id: string) => T,
  start: (item: T) => void,
  remove: (item: T) => void,
): T[] {
  const ids = new Set(defs.map((d) => JSON.stringify(d)));
  const kept = new Map<string, T>();
  for (const x of old) {
    if (ids.has(x.id) && !kept.has(x.id)) kept.set(x.id, x);
    else remove(x);
  }
  const next: T[] = [];
  for (const def of defs) {
    const id = JSON.stringify(def);
    const have = kept.get(id);
    if (have !== undefined) {
      kept.delete(id);
      next.push(have);
      continue;
    }
    const x = make(def, id);
    next.push(x);
    if (x.error === undefined) start(x);
  }
  return next;
}
