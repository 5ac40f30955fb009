import type { SqlClient } from './db';

export interface ListFilter {
  field: string;
  /** Alternatives (a repeated key means OR); compared as JSON values. */
  values: unknown[];
}

/** Who may see what, for callers that are not admin. */
export interface ListVisibility {
  /** Caller's project without dashes. */
  project?: string;
  /** `tenant:<project>` and `domain:<domain>` share keys naming the caller. */
  shareKeys: string[];
  /** Include objects shared with the caller (shares or global_access ≥ R). */
  shared: boolean;
}

export interface ListQuery {
  type: string;
  parentUuids?: string[];
  backRefUuids?: string[];
  /** obj_uuids and fq_names select the union of the two sets (as TF does). */
  objUuids?: string[];
  fqKeys?: string[];
  filters?: ListFilter[];
  visibility?: ListVisibility;
  marker?: string;
  limit?: number;
}

const COLUMN_FIELDS: Record<string, string> = {
  uuid: 'to_jsonb(o.uuid::text)',
  fq_name: 'o.fq_name',
  parent_type: 'to_jsonb(o.parent_type)',
  parent_uuid: 'to_jsonb(o.parent_uuid::text)',
  id_perms: 'o.id_perms',
  perms2: 'o.perms2',
};

function where(q: ListQuery, params: unknown[]): string {
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const conds = [`o.type = ${p(q.type)}`];
  if (q.parentUuids) conds.push(`o.parent_uuid = ANY(${p(q.parentUuids)}::uuid[])`);
  if (q.backRefUuids)
    conds.push(
      `o.uuid IN (SELECT r.from_uuid FROM refs r WHERE r.to_uuid = ANY(${p(q.backRefUuids)}::uuid[]))`,
    );
  const ids: string[] = [];
  if (q.objUuids) ids.push(`o.uuid = ANY(${p(q.objUuids)}::uuid[])`);
  if (q.fqKeys) ids.push(`o.fq_key = ANY(${p(q.fqKeys)}::text[])`);
  if (ids.length) conds.push(`(${ids.join(' OR ')})`);
  for (const f of q.filters ?? []) {
    const col = COLUMN_FIELDS[f.field] ?? `(o.props -> ${p(f.field)})`;
    conds.push(`${col} = ANY(${p(f.values.map((v) => JSON.stringify(v)))}::jsonb[])`);
  }
  const v = q.visibility;
  if (v) {
    const visible = [`o.perms2->>'owner' = ${p(v.project ?? '')}`];
    if (v.shared) {
      visible.push(`((o.perms2->>'global_access')::int & 4) = 4`);
      visible.push(`EXISTS (SELECT 1 FROM jsonb_array_elements(o.perms2->'share') s
                     WHERE s->>'tenant' = ANY(${p(v.shareKeys)}::text[]) AND ((s->>'tenant_access')::int & 4) = 4)`);
    }
    conds.push(`(${visible.join(' OR ')})`);
    conds.push(`coalesce((o.id_perms->>'user_visible')::boolean, true)`);
  }
  if (q.marker) conds.push(`o.uuid > ${p(q.marker)}::uuid`);
  return conds.join(' AND ');
}

/** Matching uuids and fq_names, ordered by uuid, at most `limit`. */
export async function listObjects(
  c: SqlClient,
  q: ListQuery,
): Promise<{ uuid: string; fq_name: string[] }[]> {
  const params: unknown[] = [];
  const sql = `SELECT o.uuid::text AS uuid, o.fq_name FROM objects o WHERE ${where(q, params)} ORDER BY o.uuid${
    q.limit ? ` LIMIT ${Math.floor(q.limit)}` : ''
  }`;
  return (await c.query(sql, params)).rows;
}

export async function countObjects(c: SqlClient, q: ListQuery): Promise<number> {
  const params: unknown[] = [];
  const { rows } = await c.query(
    `SELECT count(*)::bigint AS n FROM objects o WHERE ${where({ ...q, marker: undefined }, params)}`,
    params,
  );
  return Number(rows[0].n);
}
