import { badRequest, forbidden, validateValue, type RefDef } from '@skein/model';
import { fqLookupKey, lookupObjects, type Identified, type SqlClient, type StoredRef } from '@skein/store';
import type { Identity } from '../auth/identity';
import { can, PERM_X } from '../auth/identity';
import { checkUuid } from './names';

export interface RefInput {
  field: string;
  target: string;
  def: RefDef;
  items: { uuid?: string; to?: string[]; attr?: unknown; path: string }[];
}

/** Syntax of one `<t>_refs` value; resolution is separate so all refs of a request resolve in one query. */
export function parseRefField(field: string, target: string, def: RefDef, value: unknown): RefInput {
  if (value === null) value = [];
  if (!Array.isArray(value)) throw badRequest(`${field} must be a list`, { field }, 'INVALID_FIELD');
  const items = value.map((raw, i) => {
    const path = `${field}[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw badRequest(`${path} must be an object with "to" or "uuid"`, { field: path }, 'INVALID_FIELD');
    }
    const r = raw as Record<string, unknown>;
    for (const k of Object.keys(r)) {
      if (!['to', 'uuid', 'href', 'attr'].includes(k))
        throw badRequest(`Unknown field: ${path}.${k}`, { field: `${path}.${k}` }, 'UNKNOWN_FIELD');
    }
    const item: RefInput['items'][number] = { path };
    if (r.uuid !== undefined && r.uuid !== null) item.uuid = checkUuid(r.uuid, `${path}.uuid`);
    if (r.to !== undefined && r.to !== null) {
      if (!Array.isArray(r.to) || r.to.length === 0 || r.to.some((e) => typeof e !== 'string')) {
        throw badRequest(`${path}.to must be an fq_name`, { field: `${path}.to` }, 'INVALID_FIELD');
      }
      item.to = r.to as string[];
    }
    if (!item.uuid && !item.to)
      throw badRequest(`${path} needs "to" or "uuid"`, { field: path }, 'INVALID_FIELD');
    if (def.attr) {
      item.attr =
        r.attr === undefined || r.attr === null
          ? null
          : validateValue({ kind: 'struct', name: def.attr }, r.attr, `${path}.attr`);
    } else {
      item.attr = null;
    }
    return item;
  });
  return { field, target, def, items };
}

/**
 * Resolves parsed ref fields to stored refs: every target must exist with the right type (400), appear once
 * (400), and be referenceable by the caller (X, 403).
 */
/** What a set of ref fields needs looked up (so a caller can fold it into its own lookup query). */
export function refLookups(inputs: RefInput[]) {
  return {
    uuids: inputs.flatMap((f) => f.items.filter((i) => i.uuid).map((i) => i.uuid!)),
    fqs: inputs.flatMap((f) =>
      f.items.filter((i) => i.to && !i.uuid).map((i) => ({ type: f.target, fq_name: i.to! })),
    ),
  };
}

export async function resolveRefs(
  c: SqlClient,
  inputs: RefInput[],
  who: Identity | undefined,
  found?: { byUuid: Map<string, Identified>; byFq: Map<string, Identified> },
): Promise<Map<string, StoredRef[]>> {
  let byUuid = found?.byUuid;
  let byFq = found?.byFq;
  if (!byUuid || !byFq) {
    const { uuids, fqs } = refLookups(inputs);
    ({ byUuid, byFq } = await lookupObjects(c, fqs, uuids));
  }
  const out = new Map<string, StoredRef[]>();
  for (const f of inputs) {
    const seen = new Set<string>();
    const refs: StoredRef[] = [];
    for (const item of f.items) {
      const hit = item.uuid ? byUuid!.get(item.uuid) : byFq!.get(fqLookupKey(f.target, item.to!));
      if (!hit || hit.type !== f.target) {
        const what = item.uuid ?? JSON.stringify(item.to);
        throw badRequest(
          `Unknown reference ${f.target} ${what} in ${item.path}`,
          { field: item.path, type: f.target },
          'UNKNOWN_REF',
        );
      }
      if (item.uuid && item.to && JSON.stringify(item.to) !== JSON.stringify(hit.fq_name)) {
        throw badRequest(
          `${item.path}: "to" and "uuid" name different objects`,
          { field: item.path },
          'UNKNOWN_REF',
        );
      }
      if (seen.has(hit.uuid))
        throw badRequest(
          `${item.path}: ${f.target} ${hit.uuid} is listed twice`,
          { field: item.path },
          'INVALID_FIELD',
        );
      seen.add(hit.uuid);
      if (who && !can(who, hit.perms2, PERM_X)) {
        throw forbidden(`Permission denied to reference ${f.target} ${hit.uuid}`, {
          uuid: hit.uuid,
          type: f.target,
        });
      }
      refs.push({
        to_uuid: hit.uuid,
        to_type: hit.type,
        to_fq_name: hit.fq_name,
        attr: item.attr ?? null,
        relaxed: false,
      });
    }
    out.set(f.field, refs);
  }
  return out;
}
