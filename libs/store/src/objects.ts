import type { SqlClient } from './db';
import type { LinkedObject, Perms2, StoredObject, StoredRef } from './stored';
import { fqKey } from './stored';

const OBJ_COLS =
  'o.uuid::text AS uuid, o.type, o.fq_name, o.parent_uuid::text AS parent_uuid, o.parent_type, o.props, o.id_perms, o.perms2, o.version';
const REFS_COL = `(SELECT coalesce(json_agg(json_build_array(r.to_uuid, r.to_type, t.fq_name, r.attr, r.relaxed) ORDER BY r.to_type, r.position), '[]')
     FROM refs r JOIN objects t ON t.uuid = r.to_uuid WHERE r.from_uuid = o.uuid) AS refs`;
const LINK = (alias: string) =>
  `json_build_array(${alias}.uuid, ${alias}.type, ${alias}.fq_name, ${alias}.perms2, coalesce((${alias}.id_perms->>'user_visible')::boolean, true)`;
const BACKREFS_COL = `(SELECT coalesce(json_agg(${LINK('s')}, r.attr) ORDER BY s.uuid), '[]')
     FROM refs r JOIN objects s ON s.uuid = r.from_uuid WHERE r.to_uuid = o.uuid AND r.from_type <> r.to_type) AS back_refs`;
const CHILDREN_COL = `(SELECT coalesce(json_agg(${LINK('c')}) ORDER BY c.uuid), '[]')
     FROM objects c WHERE c.parent_uuid = o.uuid) AS children`;

export interface FullObject extends StoredObject {
  back_refs?: LinkedObject[];
  children?: LinkedObject[];
}

function toStored(row: any): FullObject {
  const obj: FullObject = {
    uuid: row.uuid,
    type: row.type,
    fq_name: row.fq_name,
    parent_uuid: row.parent_uuid,
    parent_type: row.parent_type,
    props: row.props,
    id_perms: row.id_perms,
    perms2: row.perms2,
    version: Number(row.version),
    refs: (row.refs ?? []).map((r: any[]): StoredRef => ({
      to_uuid: r[0],
      to_type: r[1],
      to_fq_name: r[2],
      attr: r[3],
      relaxed: r[4],
    })),
  };
  const link = (l: any[]): LinkedObject => ({
    uuid: l[0],
    type: l[1],
    fq_name: l[2],
    perms2: l[3],
    user_visible: l[4],
    attr: l[5],
  });
  if (row.back_refs) obj.back_refs = row.back_refs.map(link);
  if (row.children) obj.children = row.children.map(link);
  return obj;
}

export interface LoadOptions {
  forUpdate?: boolean;
  backRefs?: boolean;
  children?: boolean;
}

/** Objects with their outgoing refs (and optionally back-refs and children), one round trip. */
export async function loadObjects(
  c: SqlClient,
  uuids: string[],
  opts: LoadOptions = {},
): Promise<FullObject[]> {
  if (uuids.length === 0) return [];
  const cols = [OBJ_COLS, REFS_COL];
  if (opts.backRefs) cols.push(BACKREFS_COL);
  if (opts.children) cols.push(CHILDREN_COL);
  const sql = `SELECT ${cols.join(', ')} FROM objects o WHERE o.uuid = ANY($1::uuid[]) ORDER BY o.uuid${
    opts.forUpdate ? ' FOR UPDATE OF o' : ''
  }`;
  const { rows } = await c.query(sql, [uuids]);
  return rows.map(toStored);
}

export async function loadObject(
  c: SqlClient,
  uuid: string,
  opts: LoadOptions = {},
): Promise<FullObject | undefined> {
  return (await loadObjects(c, [uuid], opts))[0];
}

/**
 * One object and the highest event seq, read by a single statement (so on one snapshot, in one round trip):
 * what a REST GET needs.
 */
export async function loadObjectAtHead(
  c: SqlClient,
  uuid: string,
  opts: LoadOptions = {},
): Promise<{ obj?: FullObject; head: number }> {
  const cols = [OBJ_COLS, REFS_COL];
  if (opts.backRefs) cols.push(BACKREFS_COL);
  if (opts.children) cols.push(CHILDREN_COL);
  const { rows } = await c.query(
    `SELECT h.head, x.* FROM (SELECT coalesce(max(seq), 0) AS head FROM config_events) h
       LEFT JOIN (SELECT ${cols.join(', ')} FROM objects o WHERE o.uuid = $1::uuid) x ON true`,
    [uuid],
  );
  const row = rows[0];
  return { obj: row.uuid ? toStored(row) : undefined, head: Number(row.head) };
}

export interface Identified {
  uuid: string;
  type: string;
  fq_name: string[];
  perms2: Perms2;
  user_visible: boolean;
  /** Projects only: their quota (config-api.md §5), so a create needs no second query for it. */
  quota?: Record<string, number> | null;
}

/**
 * Everything a create needs to look up, in one statement: objects by (type, fq_name) (keyed as
 * fqLookupKey) and by uuid.
 */
export async function lookupObjects(
  c: SqlClient,
  fqs: { type: string; fq_name: readonly string[] }[],
  uuids: string[],
): Promise<{ byFq: Map<string, Identified>; byUuid: Map<string, Identified> }> {
  const byFq = new Map<string, Identified>();
  const byUuid = new Map<string, Identified>();
  if (!fqs.length && !uuids.length) return { byFq, byUuid };
  const cols = `o.uuid::text AS uuid, o.type, o.fq_name, o.perms2, o.fq_key,
            coalesce((o.id_perms->>'user_visible')::boolean, true) AS user_visible,
            CASE WHEN o.type = 'project' THEN o.props->'quota' END AS quota`;
  // Two index lookups glued together; an OR of the two conditions would scan the table.
  const { rows } = await c.query(
    `SELECT ${cols} FROM objects o JOIN unnest($1::text[], $2::text[]) AS k(type, fq_key) ON o.type = k.type AND o.fq_key = k.fq_key
     UNION ALL
     SELECT ${cols} FROM objects o WHERE o.uuid = ANY($3::uuid[])`,
    [fqs.map((f) => f.type), fqs.map((f) => fqKey(f.fq_name)), uuids],
  );
  for (const r of rows) {
    byFq.set(`${r.type}\u0000${r.fq_key}`, r);
    byUuid.set(r.uuid, r);
  }
  return { byFq, byUuid };
}

/** Type and identity of objects by uuid (for ref resolution and id-to-fqname). */
export async function identify(c: SqlClient, uuids: string[]): Promise<Map<string, Identified>> {
  const out = new Map<string, Identified>();
  if (uuids.length === 0) return out;
  const { rows } = await c.query(
    `SELECT uuid::text AS uuid, type, fq_name, perms2, coalesce((id_perms->>'user_visible')::boolean, true) AS user_visible
       FROM objects WHERE uuid = ANY($1::uuid[])`,
    [uuids],
  );
  for (const r of rows) out.set(r.uuid, r);
  return out;
}

/** Resolves (type, fq_name) pairs to identities; absent ones are missing from the map (key: type + fq key). */
export async function resolveFqNames(
  c: SqlClient,
  items: { type: string; fq_name: readonly string[] }[],
): Promise<Map<string, Identified>> {
  const out = new Map<string, Identified>();
  if (items.length === 0) return out;
  const keys = items.map((i) => fqKey(i.fq_name));
  const { rows } = await c.query(
    `SELECT o.uuid::text AS uuid, o.type, o.fq_name, o.perms2, o.fq_key,
            coalesce((o.id_perms->>'user_visible')::boolean, true) AS user_visible
       FROM objects o JOIN unnest($1::text[], $2::text[]) AS k(type, fq_key) ON o.type = k.type AND o.fq_key = k.fq_key`,
    [items.map((i) => i.type), keys],
  );
  for (const r of rows) out.set(`${r.type}\u0000${r.fq_key}`, r);
  return out;
}

export const fqLookupKey = (type: string, fq: readonly string[]) => `${type}\u0000${fqKey(fq)}`;

export async function findByFqName(
  c: SqlClient,
  type: string,
  fq: readonly string[],
): Promise<Identified | undefined> {
  return (await resolveFqNames(c, [{ type, fq_name: fq }])).get(fqLookupKey(type, fq));
}

/** The head of the event log as this snapshot sees it. */
export async function headSeq(c: SqlClient): Promise<number> {
  const { rows } = await c.query(`SELECT coalesce(max(seq), 0) AS seq FROM config_events`);
  return Number(rows[0].seq);
}
