import { badRequest, badStringReason, checkJsonDocument, getType, own } from '@skein/model';
import type { ListFilter } from '@skein/store';
import type { ListParams } from '../engine/config-service';
import { isUuid } from '../engine/names';

/**
 * A boolean query parameter: absent is false; TF's clients send `true`/`True`/`false`/`False` (TF compares
 * `.lower() == 'true'`), and a bare `?exclude_hrefs` (TF tests presence for the exclude_* flags) is true.
 * Anything else is a 400 rather than a silent false (`detail=maybe` listed no details).
 */
export function queryFlag(v: unknown, field: string): boolean {
  if (v === undefined) return false;
  const s = typeof v === 'string' ? v.toLowerCase() : undefined;
  if (s === 'true' || s === '') return true;
  if (s === 'false') return false;
  throw badRequest(`${field} must be true or false`, { field });
}

/** Parameters that hold one value: given twice (or as `k[x]=`), one of them would be dropped silently. */
const SCALAR_KEYS = [
  'parent_fq_name_str',
  'parent_type',
  'detail',
  'count',
  'shared',
  'exclude_hrefs',
  'exclude_back_refs',
  'exclude_children',
  'page_limit',
  'page_marker',
];
/** Parameters whose repeats are joined (`parent_id=a&parent_id=b` lists both). */
const LIST_KEYS = ['parent_id', 'back_ref_id', 'obj_uuids', 'fq_names', 'fields', 'filters'];
const KNOWN_KEYS = new Set([...SCALAR_KEYS, ...LIST_KEYS]);

/** The largest page_limit: Postgres' LIMIT takes a bigint, and a page of 2^31-1 objects is already all of them. */
export const MAX_PAGE_LIMIT = 2_147_483_647;

/**
 * Every key we read has the shape we read: a bracketed form of one (`parent_id[x]`) or a repeated
 * single-valued one would otherwise drop a filter and list more than was asked. Other keys are ignored, as
 * TF's API server does (clients add cache busters and keys of newer releases).
 */
function checkQueryShape(q: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(q)) {
    if (!KNOWN_KEYS.has(k)) {
      const base = /^([^[\]]+)\[/.exec(k)?.[1];
      if (base !== undefined && KNOWN_KEYS.has(base))
        throw badRequest(`${base} must be a plain value, not ${JSON.stringify(k)}`, { field: base });
      continue;
    }
    // Filter values and names reach Postgres as text/jsonb, which refuse these (a 500 quoting it before).
    const why = [v]
      .flat(2)
      .map((x) => (typeof x === 'string' ? badStringReason(x) : undefined))
      .find(Boolean);
    if (why) throw badRequest(`Invalid value for ${k}: ${why}`, { field: k });
    if (v === undefined || typeof v === 'string' || typeof v === 'number') continue;
    if (
      Array.isArray(v) &&
      LIST_KEYS.includes(k) &&
      v.every((x) => typeof x === 'string' || (k === 'fq_names' && Array.isArray(x)))
    )
      continue;
    if (Array.isArray(v) && SCALAR_KEYS.includes(k))
      throw badRequest(`${k} given more than once`, { field: k });
    throw badRequest(`${k} must be a plain value`, { field: k });
  }
}

const str = (v: unknown): string | undefined => (v === undefined ? undefined : String(v));
const uuids = (v: unknown, field: string): string[] | undefined => {
  const s = Array.isArray(v) ? v.join(',') : str(v);
  if (s === undefined || s === '') return undefined;
  const list = s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  for (const u of list)
    if (!isUuid(u))
      throw badRequest(`Invalid uuid ${JSON.stringify(u)} in ${field}`, { field }, 'INVALID_UUID');
  return list;
};

/** Object columns a filter may name besides the type's properties (libs/store list.ts COLUMN_FIELDS). */
const FILTER_COLUMNS = ['uuid', 'fq_name', 'parent_type', 'parent_uuid', 'id_perms', 'perms2'];

/**
 * `filters=k==v,k2==v2`: values JSON-decoded when valid; a repeated key means OR. With `type`, each field must be
 * one of its properties or object columns (a 400 naming it, not an empty list or a database error).
 */
export function parseFilters(s: string | undefined, type?: string): ListFilter[] | undefined {
  if (s === undefined || s === '') return undefined;
  const byField = new Map<string, unknown[]>();
  for (const part of s.split(',')) {
    const i = part.indexOf('==');
    if (i <= 0)
      throw badRequest(`Invalid filter ${JSON.stringify(part)}: expected field==value`, { field: 'filters' });
    const field = part.slice(0, i).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(field))
      throw badRequest(`Invalid filter field ${JSON.stringify(field)}`, { field: 'filters' });
    if (type !== undefined && !FILTER_COLUMNS.includes(field) && !own(getType(type)?.props ?? {}, field)) {
      throw badRequest(`Unknown filter field ${JSON.stringify(field)} for ${type}`, { field: 'filters' });
    }
    const raw = part.slice(i + 2);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // TF accepts bare strings
    }
    checkJsonDocument(value, `filters.${field}`);
    const list = byField.get(field) ?? [];
    list.push(value);
    byField.set(field, list);
  }
  return [...byField].map(([field, values]) => ({ field, values }));
}

/** List parameters from a GET query or a list-bulk-collection body (config-api.md §3.3). */
export function parseListParams(type: string, q: Record<string, unknown>): ListParams {
  checkQueryShape(q);
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
  const fqs: unknown[] | undefined = Array.isArray(q.fq_names)
    ? (q.fq_names as unknown[])
    : str(q.fq_names)?.split(',');
  if (fqs && fqs.length && fqs[0] !== '')
    p.fqNames = fqs.map((f) => (Array.isArray(f) ? f.map(String) : String(f).split(':')));
  p.detail = queryFlag(q.detail, 'detail');
  p.count = queryFlag(q.count, 'count');
  p.shared = queryFlag(q.shared, 'shared');
  p.excludeHrefs = queryFlag(q.exclude_hrefs, 'exclude_hrefs');
  p.excludeBackRefs = queryFlag(q.exclude_back_refs, 'exclude_back_refs');
  p.excludeChildren = queryFlag(q.exclude_children, 'exclude_children');
  const fields = Array.isArray(q.fields) ? q.fields.join(',') : str(q.fields);
  if (fields)
    p.fields = fields
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
  p.filters = parseFilters(Array.isArray(q.filters) ? q.filters.join(',') : str(q.filters), type);
  const limit = str(q.page_limit);
  if (limit !== undefined) {
    const n = /^[0-9]{1,10}$/.test(limit) ? Number(limit) : NaN;
    if (!(n >= 1 && n <= MAX_PAGE_LIMIT))
      throw badRequest(`page_limit must be an integer 1..${MAX_PAGE_LIMIT}`, { field: 'page_limit' });
    p.pageLimit = n;
    const marker = str(q.page_marker);
    if (marker && marker !== 'None') {
      if (!isUuid(marker))
        throw badRequest('page_marker must be a uuid', { field: 'page_marker' }, 'INVALID_UUID');
      p.pageMarker = marker;
    }
  }
  return p;
}
