import { badRequest, getType } from '@skein/model';
import type { ListFilter } from '@skein/store';
import type { ListParams } from '../engine/config-service';
import { isUuid } from '../engine/names';

const flag = (v: unknown) => v !== undefined && v !== 'false' && v !== 'False' && v !== '0';
const str = (v: unknown): string | undefined => (Array.isArray(v) ? String(v[v.length - 1]) : v === undefined ? undefined : String(v));
const uuids = (v: unknown, field: string): string[] | undefined => {
  const s = Array.isArray(v) ? v.join(',') : str(v);
  if (s === undefined || s === '') return undefined;
  const list = s.split(',').map((x) => x.trim()).filter(Boolean);
  for (const u of list) if (!isUuid(u)) throw badRequest(`Invalid uuid ${JSON.stringify(u)} in ${field}`, { field }, 'INVALID_UUID');
  return list;
};

/** `filters=k==v,k2==v2`: values JSON-decoded when valid; a repeated key means OR. */
export function parseFilters(s: string | undefined): ListFilter[] | undefined {
  if (s === undefined || s === '') return undefined;
  const byField = new Map<string, unknown[]>();
  for (const part of s.split(',')) {
    const i = part.indexOf('==');
    if (i <= 0) throw badRequest(`Invalid filter ${JSON.stringify(part)}: expected field==value`, { field: 'filters' });
    const field = part.slice(0, i).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(field)) throw badRequest(`Invalid filter field ${JSON.stringify(field)}`, { field: 'filters' });
    const raw = part.slice(i + 2);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // TF accepts bare strings
    }
    const list = byField.get(field) ?? [];
    list.push(value);
    byField.set(field, list);
  }
  return [...byField].map(([field, values]) => ({ field, values }));
}

/** List parameters from a GET query or a list-bulk-collection body (config-api.md §3.3). */
export function parseListParams(type: string, q: Record<string, unknown>): ListParams {
  const p: ListParams = { type };
  p.parentUuids = uuids(q.parent_id, 'parent_id');
  const pfq = str(q.parent_fq_name_str);
  if (pfq) p.parentFqName = pfq.split(':');
  const pt = str(q.parent_type);
  if (pt) {
    if (!getType(pt)) throw badRequest(`Unknown parent_type ${pt}`, { field: 'parent_type' });
    p.parentType = pt;
  }
  p.backRefUuids = uuids(q.back_ref_id, 'back_ref_id');
  p.objUuids = uuids(q.obj_uuids, 'obj_uuids');
  const fqs: unknown[] | undefined = Array.isArray(q.fq_names) ? (q.fq_names as unknown[]) : str(q.fq_names)?.split(',');
  if (fqs && fqs.length && fqs[0] !== '') p.fqNames = fqs.map((f) => (Array.isArray(f) ? f.map(String) : String(f).split(':')));
  p.detail = flag(q.detail);
  p.count = flag(q.count);
  p.shared = flag(q.shared);
  p.excludeHrefs = flag(q.exclude_hrefs);
  p.excludeBackRefs = flag(q.exclude_back_refs);
  p.excludeChildren = flag(q.exclude_children);
  const fields = Array.isArray(q.fields) ? q.fields.join(',') : str(q.fields);
  if (fields) p.fields = fields.split(',').map((f) => f.trim()).filter(Boolean);
  p.filters = parseFilters(Array.isArray(q.filters) ? q.filters.join(',') : str(q.filters));
  const limit = str(q.page_limit);
  if (limit !== undefined) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n <= 0) throw badRequest('page_limit must be a positive integer', { field: 'page_limit' });
    p.pageLimit = n;
    const marker = str(q.page_marker);
    if (marker && marker !== 'None') {
      if (!isUuid(marker)) throw badRequest('page_marker must be a uuid', { field: 'page_marker' }, 'INVALID_UUID');
      p.pageMarker = marker;
    }
  }
  return p;
}
