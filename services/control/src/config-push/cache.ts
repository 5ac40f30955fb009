import type { ConfigEvent } from '@skein/events';

export interface CachedRef {
  uuid: string;
  attr: unknown;
}

/** One config object as the /config push needs it: identity, own properties, refs and parent. */
export interface CachedObject {
  uuid: string;
  type: string;
  fq: readonly string[];
  /** `fq_name` joined with `:`, the IF-MAP identifier the agent sees. */
  name: string;
  /** `<type>\t<name>`: unique per object at any one time, stable across delete + re-create. */
  key: string;
  parentUuid: string | undefined;
  refs: CachedRef[];
  /** Everything but identity, parent and refs: what goes into `<node>`'s property elements. */
  props: Record<string, unknown>;
  /** Compare-key of `props` (they include `uuid`, so a re-created object differs). */
  sig: string;
}

/** Fields that are identity or structure (sent as `<name>` and links), never as node properties. */
const NOT_PROPS = new Set(['fq_name', 'name', 'parent_type', 'parent_uuid', 'parent_href', 'href']);

function isRefField(k: string): boolean {
  return k.endsWith('_refs');
}

function refsOf(o: Record<string, unknown>): CachedRef[] {
  const out: CachedRef[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (!isRefField(k) || k.endsWith('_back_refs') || !Array.isArray(v)) continue;
    for (const r of v as Array<Record<string, unknown> | null>) {
      if (r !== null && typeof r === 'object' && typeof r['uuid'] === 'string')
        out.push({ uuid: r['uuid'], attr: r['attr'] ?? null });
    }
  }
  return out;
}

function addTo(index: Map<string, Map<string, Set<string>>>, key: string, type: string, uuid: string): void {
  let byType = index.get(key);
  if (byType === undefined) index.set(key, (byType = new Map()));
  let s = byType.get(type);
  if (s === undefined) byType.set(type, (s = new Set()));
  s.add(uuid);
}

function removeFrom(
  index: Map<string, Map<string, Set<string>>>,
  key: string,
  type: string,
  uuid: string,
): void {
  const byType = index.get(key);
  const s = byType?.get(type);
  if (s === undefined) return;
  s.delete(uuid);
  if (s.size === 0) byType!.delete(type);
  if (byType!.size === 0) index.delete(key);
}

const EMPTY: ReadonlySet<string> = new Set();

/** See `ConfigCache.apply`. */
export interface Touched {
  written: Set<string>;
  /** A ref to `uuid` from an object of `type` appeared or went away. */
  holders: Array<{ uuid: string; type: string }>;
  /** A child of `type` under `uuid` appeared or went away. */
  children: Array<{ uuid: string; type: string }>;
}

/**
 * Every config object, kept from the same event stream the routing view reads. The routing view keeps only
 * what routing needs; the push needs the whole graph, including the reverse directions (children of a
 * parent, holders of a ref) that events do not carry, so both are indexed here.
 */
export class ConfigCache {
  private readonly byUuid = new Map<string, CachedObject>();
  private readonly byKey = new Map<string, string>();
  /** parent uuid → child type → child uuids. */
  private readonly childIndex = new Map<string, Map<string, Set<string>>>();
  /** ref target uuid → holder type → holder uuids. */
  private readonly backrefIndex = new Map<string, Map<string, Set<string>>>();

  get size(): number {
    return this.byUuid.size;
  }

  get(uuid: string): CachedObject | undefined {
    return this.byUuid.get(uuid);
  }

  byName(type: string, name: string): CachedObject | undefined {
    const uuid = this.byKey.get(`${type}\t${name}`);
    return uuid === undefined ? undefined : this.byUuid.get(uuid);
  }

  children(uuid: string, type: string): ReadonlySet<string> {
    return this.childIndex.get(uuid)?.get(type) ?? EMPTY;
  }

  holders(uuid: string, type: string): ReadonlySet<string> {
    return this.backrefIndex.get(uuid)?.get(type) ?? EMPTY;
  }

  /**
   * Applies a batch and says what it touched: the objects written (their props or own links changed), and
   * for every link added or removed on the far side — a ref's target, a child's parent — which end and
   * what kind of object joined or left it. Whatever an agent can newly reach, or no longer reach, hangs off
   * one of these, which is what lets the push recompute only the agents concerned.
   */
  apply(batch: readonly ConfigEvent[]): Touched {
    const t: Touched = { written: new Set(), holders: [], children: [] };
    const far = (o: CachedObject) => {
      if (o.parentUuid !== undefined) t.children.push({ uuid: o.parentUuid, type: o.type });
      for (const r of o.refs) t.holders.push({ uuid: r.uuid, type: o.type });
    };
    for (const e of batch) {
      t.written.add(e.uuid);
      const old = this.byUuid.get(e.uuid);
      if (old !== undefined) {
        this.unindex(old);
        far(old);
      }
      if (e.oper === 'DELETE') continue;
      const o = this.objectOf(e);
      this.index(o);
      far(o);
    }
    return t;
  }

  private objectOf(e: ConfigEvent): CachedObject {
    const src = e.object;
    const props: Record<string, unknown> = { uuid: e.uuid };
    for (const [k, v] of Object.entries(src)) {
      if (NOT_PROPS.has(k) || isRefField(k) || k === 'uuid' || v === undefined) continue;
      props[k] = v;
    }
    const name = e.fq_name.join(':');
    const parent = src['parent_uuid'];
    return {
      uuid: e.uuid,
      type: e.type,
      fq: e.fq_name,
      name,
      key: `${e.type}\t${name}`,
      parentUuid: typeof parent === 'string' && parent !== '' ? parent : undefined,
      refs: refsOf(src),
      props,
      sig: JSON.stringify(props),
    };
  }

  private index(o: CachedObject): void {
    this.byUuid.set(o.uuid, o);
    this.byKey.set(o.key, o.uuid);
    if (o.parentUuid !== undefined) addTo(this.childIndex, o.parentUuid, o.type, o.uuid);
    for (const r of o.refs) addTo(this.backrefIndex, r.uuid, o.type, o.uuid);
  }

  private unindex(o: CachedObject): void {
    this.byUuid.delete(o.uuid);
    if (this.byKey.get(o.key) === o.uuid) this.byKey.delete(o.key);
    if (o.parentUuid !== undefined) removeFrom(this.childIndex, o.parentUuid, o.type, o.uuid);
    for (const r of o.refs) removeFrom(this.backrefIndex, r.uuid, o.type, o.uuid);
  }
}
