import type { FullObject, LinkedObject, StoredObject } from '@skein/store';
import { backRefField, childField, refField } from '@skein/model';

export interface ShapeOptions {
  /** `<scheme>://<host>`; hrefs are omitted when undefined (event payloads). */
  base?: string;
  fields?: Set<string>;
  excludeBackRefs?: boolean;
  excludeChildren?: boolean;
  excludeHrefs?: boolean;
  /** Event payloads also carry the relaxed flag of refs (so a replay reproduces the refs table). */
  events?: boolean;
  /** Drops refs, back-refs and children the caller may not read. */
  visible?: (l: { uuid: string; perms2: any; user_visible: boolean }) => boolean;
}

export const hrefOf = (base: string, type: string, uuid: string) => `${base}/${type}/${uuid}`;

/** The identity part every shape carries, whatever `fields` asks for. */
function identity(o: StoredObject, base: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {
    uuid: o.uuid,
    fq_name: o.fq_name,
    name: o.fq_name[o.fq_name.length - 1],
    parent_type: o.parent_type,
  };
  if (o.parent_uuid) {
    out.parent_uuid = o.parent_uuid;
    if (base) out.parent_href = hrefOf(base, o.parent_type, o.parent_uuid);
  }
  if (base) out.href = hrefOf(base, o.type, o.uuid);
  return out;
}

/** The VNC REST representation of an object (config-api.md §3.3 GET). */
export function restShape(o: FullObject, opts: ShapeOptions = {}): Record<string, unknown> {
  const base = opts.excludeHrefs ? undefined : opts.base;
  const want = (f: string) => !opts.fields || opts.fields.has(f);
  const out = identity(o, base);
  if (want('id_perms')) out.id_perms = o.id_perms;
  if (want('perms2')) out.perms2 = o.perms2;
  for (const [k, v] of Object.entries(o.props)) if (v !== undefined && want(k)) out[k] = v;

  for (const r of o.refs) {
    const f = refField(r.to_type);
    if (!want(f)) continue;
    const item: Record<string, unknown> = { to: r.to_fq_name, uuid: r.to_uuid };
    if (base) item.href = hrefOf(base, r.to_type, r.to_uuid);
    item.attr = r.attr ?? null;
    if (opts.events && r.relaxed) item.relaxed = true;
    ((out[f] as unknown[]) ??= []).push(item);
  }
  const links = (list: LinkedObject[] | undefined, field: (t: string) => string, withAttr: boolean) => {
    for (const l of list ?? []) {
      const f = field(l.type);
      if (!want(f)) continue;
      if (opts.visible && !opts.visible(l)) continue;
      const item: Record<string, unknown> = { to: l.fq_name, uuid: l.uuid };
      if (base) item.href = hrefOf(base, l.type, l.uuid);
      if (withAttr) item.attr = l.attr ?? null;
      ((out[f] as unknown[]) ??= []).push(item);
    }
  };
  if (!opts.excludeBackRefs) links(o.back_refs, backRefField, true);
  if (!opts.excludeChildren) links(o.children, childField, false);
  return out;
}

/** The object as events carry it: after the change, no back-refs, children or hrefs. */
export function eventShape(o: StoredObject): Record<string, unknown> {
  return restShape({ ...o, back_refs: undefined, children: undefined }, { events: true });
}
