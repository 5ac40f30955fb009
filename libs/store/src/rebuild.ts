import { randomBytes } from 'node:crypto';
import { CONFIG_OPERS } from '@skein/events';
import { EVENTS_COMPACTED_BELOW } from './compaction';
import type { SqlClient } from './db';
import { fqKey } from './stored';

/** What rebuildStore needs of the store: one transaction at a chosen isolation level (Db satisfies it). */
export interface RebuildDb {
  tx<T>(fn: (c: SqlClient) => Promise<T>, isolation?: 'REPEATABLE READ' | 'SERIALIZABLE'): Promise<T>;
}

export interface RebuildOptions {
  /** Called after each batch (and once with 0 before the first): events replayed so far, events in the snapshot. */
  onProgress?(done: number, total: number): void;
  /** Copy the rebuilt tables into a schema of their own (RebuildReport.schema) for inspection. */
  keep?: boolean;
  /** Events per batch (default 2000). */
  batchSize?: number;
  /** Differing rows reported per table (default 10). */
  sampleLimit?: number;
}

const OBJECT_COLUMNS = [
  'uuid',
  'type',
  'fq_name',
  'fq_key',
  'parent_uuid',
  'parent_type',
  'props',
  'id_perms',
  'perms2',
  'version',
] as const;
const REF_COLUMNS = ['from_uuid', 'to_uuid', 'from_type', 'to_type', 'attr', 'relaxed', 'position'] as const;

export interface ObjectDiff {
  uuid: string;
  type: string;
  fq_name: string[];
  /** Columns whose values differ; every column when the row exists on one side only. */
  columns: string[];
  /** The live row, null when the log has an object the live table lacks. */
  live: Record<string, unknown> | null;
  /** The replayed row, null when the live table has an object the log does not explain. */
  rebuilt: Record<string, unknown> | null;
}

export interface RefDiff {
  from_uuid: string;
  from_type: string;
  to_uuid: string;
  to_type: string;
  columns: string[];
  live: Record<string, unknown> | null;
  rebuilt: Record<string, unknown> | null;
}

export interface TableComparison<D> {
  live: number;
  rebuilt: number;
  /** Live rows with no identical rebuilt row. */
  onlyLive: number;
  /** Rebuilt rows with no identical live row. */
  onlyRebuilt: number;
  /** Keys (uuid, or from_uuid+to_uuid) that differ in any way. */
  differing: number;
  /** The first differing keys, in key order. */
  samples: D[];
}

export interface RebuildReport {
  identical: boolean;
  /** Events replayed: every config_events row visible in the snapshot. */
  events: number;
  /** The highest seq replayed (0 for an empty log). */
  head: number;
  /**
   * Writer transactions in progress when the snapshot was taken. Their events and their table changes are
   * both invisible to it, so they are outside the check, not a cause of differences.
   */
  inFlight: number;
  objects: TableComparison<ObjectDiff>;
  refs: TableComparison<RefDiff>;
  /** With `keep`: the schema (`skein_rebuild_<random>`) holding the rebuilt `objects` and `refs`. */
  schema?: string;
  ms: number;
}

/** A log that cannot be replayed: compacted, or a row the replay does not understand (then `seq` names it). */
export class RebuildError extends Error {
  constructor(
    message: string,
    readonly seq?: number,
  ) {
    super(message);
    this.name = 'RebuildError';
  }
}

// Keys of an event's `object` that are not props (rest-shape.ts identity(), id_perms, perms2); `<t>_refs`
// keys are refs. No model type has a prop with one of these names or ending in `_refs`.
const NON_PROP_KEYS = ['uuid', 'fq_name', 'name', 'parent_type', 'parent_uuid', 'id_perms', 'perms2'];
const UUID_RE = `'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'`;
// Temporary tables under fixed names: the statement texts stay the same from run to run (Db may prepare
// them per connection), concurrent rebuilds on other sessions cannot collide, and ON COMMIT DROP leaves
// nothing on the pooled connection, nor anywhere after a failure (the transaction rolls back).
const OBJ = 'pg_temp.skein_rebuild_objects';
const REFS = 'pg_temp.skein_rebuild_refs';
const BATCH = 'pg_temp.skein_rebuild_batch';

/**
 * Replays the whole event log into fresh tables and compares them with the live `objects` and `refs`.
 *
 * Everything runs in one REPEATABLE READ transaction: an event row commits in the same transaction as the
 * table changes it describes, so the events visible to the snapshot are exactly those whose changes the
 * snapshot's live tables hold. Writers may keep running; a transaction still in flight is invisible on
 * both sides. (ConfigService.snapshot has to wait those out because it hands its seq to a client as a
 * resume point; here nothing crosses the snapshot.)
 *
 * The rebuilt tables are temporary; `keep` copies them into a new schema before commit.
 */
export async function rebuildStore(db: RebuildDb, opts: RebuildOptions = {}): Promise<RebuildReport> {
  const started = Date.now();
  const batchSize = opts.batchSize ?? 2000;
  const sampleLimit = opts.sampleLimit ?? 10;

  return db.tx(async (c) => {
    // The first statement fixes the snapshot for everything after it.
    const { rows: meta } = await c.query(
      `SELECT (SELECT value #>> '{}' FROM skein_meta WHERE key = $1) AS compacted,
              (SELECT count(*) FROM config_events)::bigint AS total,
              (SELECT coalesce(max(seq), 0) FROM config_events)::bigint AS head,
              cardinality(array(SELECT pg_snapshot_xip(pg_current_snapshot()))) AS in_flight`,
      [EVENTS_COMPACTED_BELOW],
    );
    const compacted = meta[0].compacted === null ? 0 : Number(meta[0].compacted);
    // A point of 0 or 1 deleted nothing: seqs start at 1.
    if (compacted > 1) {
      throw new RebuildError(
        `config_events was compacted below seq ${compacted}: the log no longer holds every change, so the store cannot be rebuilt from it`,
      );
    }
    const total = Number(meta[0].total);
    const head = Number(meta[0].head);

    await c.query(`
      CREATE TABLE ${OBJ} (
        uuid        uuid PRIMARY KEY,
        type        text NOT NULL,
        fq_name     jsonb NOT NULL,
        fq_key      text NOT NULL,
        parent_uuid uuid,
        parent_type text NOT NULL,
        props       jsonb NOT NULL,
        id_perms    jsonb NOT NULL,
        perms2      jsonb NOT NULL,
        version     bigint NOT NULL
      ) ON COMMIT DROP;
      CREATE TABLE ${REFS} (
        from_uuid uuid NOT NULL,
        to_uuid   uuid NOT NULL,
        from_type text NOT NULL,
        to_type   text NOT NULL,
        attr      jsonb,
        relaxed   boolean NOT NULL,
        position  integer NOT NULL,
        PRIMARY KEY (from_uuid, to_uuid)
      ) ON COMMIT DROP;
      CREATE TABLE ${BATCH} (uuid uuid PRIMARY KEY, seq bigint NOT NULL, oper text NOT NULL, type text NOT NULL,
                             version bigint, object jsonb) ON COMMIT DROP;
    `);
    // No foreign keys and no (type, fq_key) unique constraint: a log that breaks them must show up as a
    // difference in the report, not abort the replay.

    opts.onProgress?.(0, total);
    let done = 0;
    let after = 0;
    for (;;) {
      const { rows: b } = await c.query(
        `SELECT max(seq) AS hi, count(*)::int AS n FROM (SELECT seq FROM config_events WHERE seq > $1 ORDER BY seq LIMIT $2) x`,
        [after, batchSize],
      );
      const n = Number(b[0].n);
      if (n === 0) break;
      const hi = Number(b[0].hi);
      await checkBatch(c, after, hi);
      await applyBatch(c, after, hi);
      after = hi;
      done += n;
      opts.onProgress?.(done, total);
    }

    const objects = await compareTable<ObjectDiff>(
      c,
      {
        live: 'objects',
        rebuilt: OBJ,
        columns: OBJECT_COLUMNS,
        key: ['uuid'],
        identity: ['uuid', 'type', 'fq_name'],
      },
      sampleLimit,
    );
    const refs = await compareTable<RefDiff>(
      c,
      {
        live: 'refs',
        rebuilt: REFS,
        columns: REF_COLUMNS,
        key: ['from_uuid', 'to_uuid'],
        identity: ['from_uuid', 'from_type', 'to_uuid', 'to_type'],
      },
      sampleLimit,
    );
    let schema: string | undefined;
    if (opts.keep) {
      schema = `skein_rebuild_${randomBytes(5).toString('hex')}`;
      await c.query(`CREATE SCHEMA ${schema};
                     CREATE TABLE ${schema}.objects AS TABLE ${OBJ};
                     CREATE TABLE ${schema}.refs AS TABLE ${REFS};`);
    }
    return {
      identical: objects.differing === 0 && refs.differing === 0,
      events: done,
      head,
      inFlight: Number(meta[0].in_flight),
      objects,
      refs,
      ...(schema ? { schema } : {}),
      ms: Date.now() - started,
    };
  }, 'REPEATABLE READ');
}

/** Refuses the first event of (lo, hi] the replay cannot apply faithfully, naming its seq. */
async function checkBatch(c: SqlClient, lo: number, hi: number): Promise<void> {
  const { rows } = await c.query(
    `SELECT seq, problem FROM (
       SELECT e.seq, CASE
         WHEN e.oper <> ALL($3::text[]) THEN format('unknown oper %s', to_json(e.oper))
         WHEN jsonb_typeof(e.envelope) <> 'object' THEN 'the envelope is not a JSON object'
         WHEN e.envelope->>'oper' IS DISTINCT FROM e.oper
           THEN format('envelope.oper %s differs from the row''s oper %s', coalesce(e.envelope->'oper', 'null'), e.oper)
         WHEN e.envelope->>'type' IS DISTINCT FROM e.type
           THEN format('envelope.type %s differs from the row''s type %s', coalesce(e.envelope->'type', 'null'), e.type)
         WHEN jsonb_typeof(e.envelope->'object') IS DISTINCT FROM 'object' THEN 'envelope.object is missing or not an object'
         WHEN e.envelope->'object'->>'uuid' IS DISTINCT FROM e.uuid::text
           THEN format('envelope.object.uuid %s differs from the row''s uuid %s', coalesce(e.envelope->'object'->'uuid', 'null'), e.uuid)
         WHEN e.oper = 'DELETE' THEN NULL
         -- CASE tests its branches in order, so each cast below only sees a value of the right JSON type.
         WHEN jsonb_typeof(e.envelope->'version') IS DISTINCT FROM 'number' THEN 'envelope.version is not an integer'
         WHEN (e.envelope->>'version')::numeric <> trunc((e.envelope->>'version')::numeric) THEN 'envelope.version is not an integer'
         WHEN jsonb_typeof(e.envelope->'object'->'fq_name') IS DISTINCT FROM 'array' THEN 'object.fq_name is not a non-empty list of strings'
         WHEN jsonb_array_length(e.envelope->'object'->'fq_name') = 0
              OR EXISTS (SELECT 1 FROM jsonb_array_elements(e.envelope->'object'->'fq_name') f WHERE jsonb_typeof(f) <> 'string')
           THEN 'object.fq_name is not a non-empty list of strings'
         WHEN jsonb_typeof(e.envelope->'object'->'parent_type') IS DISTINCT FROM 'string' THEN 'object.parent_type is missing'
         WHEN e.envelope->'object' ? 'parent_uuid' AND coalesce(e.envelope->'object'->>'parent_uuid' !~ ${UUID_RE}, true)
           THEN 'object.parent_uuid is not a uuid'
         WHEN jsonb_typeof(e.envelope->'object'->'id_perms') IS DISTINCT FROM 'object' THEN 'object.id_perms is missing'
         WHEN jsonb_typeof(e.envelope->'object'->'perms2') IS DISTINCT FROM 'object' THEN 'object.perms2 is missing'
         ELSE coalesce((SELECT format('object.%s is not a list of refs', f.key) FROM jsonb_each(e.envelope->'object') f
                WHERE f.key LIKE '%\\_refs'
                  AND (jsonb_typeof(f.value) <> 'array'
                       OR EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(f.value) = 'array' THEN f.value ELSE '[]' END) r
                                   WHERE jsonb_typeof(r) <> 'object' OR coalesce(r->>'uuid' !~ ${UUID_RE}, true)
                                      OR (r ? 'relaxed' AND jsonb_typeof(r->'relaxed') <> 'boolean')))
                LIMIT 1),
           -- A target listed twice would not fit the refs key (from_uuid, to_uuid).
           (SELECT format('object lists ref %s twice', r->>'uuid') FROM jsonb_each(e.envelope->'object') f,
                   jsonb_array_elements(CASE WHEN jsonb_typeof(f.value) = 'array' THEN f.value ELSE '[]' END) r
             WHERE f.key LIKE '%\\_refs' GROUP BY r->>'uuid' HAVING count(*) > 1 LIMIT 1))
       END AS problem
       FROM config_events e WHERE e.seq > $1 AND e.seq <= $2) x
     WHERE problem IS NOT NULL ORDER BY seq LIMIT 1`,
    [lo, hi, CONFIG_OPERS],
  );
  if (rows.length) {
    const seq = Number(rows[0].seq);
    throw new RebuildError(
      `config_events seq ${seq}: ${rows[0].problem}; the log cannot be replayed past it`,
      seq,
    );
  }
}

/**
 * Applies the events of (lo, hi]. Every event carries the whole state of one object row and its outgoing
 * refs (the object after the change, or a DELETE), and touches nothing else, so applying a batch event by
 * event leaves each object as its last event in the batch says: that is what is applied, set-based.
 */
async function applyBatch(c: SqlClient, lo: number, hi: number): Promise<void> {
  await c.query(`TRUNCATE ${BATCH}`);
  const { rows: fqs } = await c.query(
    `INSERT INTO ${BATCH} (uuid, seq, oper, type, version, object)
     SELECT DISTINCT ON (e.uuid) e.uuid, e.seq, e.oper, e.type,
            CASE WHEN e.oper <> 'DELETE' THEN (e.envelope->>'version')::bigint END, e.envelope->'object'
       FROM config_events e WHERE e.seq > $1 AND e.seq <= $2
      ORDER BY e.uuid, e.seq DESC
     RETURNING uuid::text AS uuid, CASE WHEN oper = 'DELETE' THEN NULL ELSE object->'fq_name' END AS fq_name`,
    [lo, hi],
  );
  // fq_key is the writer's own digest (stored.ts), computed the same way rather than re-implemented in SQL.
  const keys = fqs.filter((r) => r.fq_name).map((r) => ({ uuid: r.uuid, fq_key: fqKey(r.fq_name) }));

  await c.query(`DELETE FROM ${REFS} r USING ${BATCH} b WHERE r.from_uuid = b.uuid`);
  await c.query(`DELETE FROM ${OBJ} o USING ${BATCH} b WHERE o.uuid = b.uuid AND b.oper = 'DELETE'`);
  await c.query(
    `INSERT INTO ${OBJ} (uuid, type, fq_name, fq_key, parent_uuid, parent_type, props, id_perms, perms2, version)
     SELECT b.uuid, b.type, b.object->'fq_name', k.fq_key, (b.object->>'parent_uuid')::uuid, b.object->>'parent_type',
            (SELECT coalesce(jsonb_object_agg(p.key, p.value), '{}'::jsonb) FROM jsonb_each(b.object) p
              WHERE p.key <> ALL($2::text[]) AND p.key NOT LIKE '%\\_refs'),
            b.object->'id_perms', b.object->'perms2', b.version
       FROM ${BATCH} b JOIN jsonb_to_recordset($1::jsonb) AS k(uuid uuid, fq_key text) ON k.uuid = b.uuid
      WHERE b.oper <> 'DELETE'
     ON CONFLICT (uuid) DO UPDATE SET type = EXCLUDED.type, fq_name = EXCLUDED.fq_name, fq_key = EXCLUDED.fq_key,
       parent_uuid = EXCLUDED.parent_uuid, parent_type = EXCLUDED.parent_type, props = EXCLUDED.props,
       id_perms = EXCLUDED.id_perms, perms2 = EXCLUDED.perms2, version = EXCLUDED.version`,
    [JSON.stringify(keys), NON_PROP_KEYS],
  );
  // `<t>_refs` with underscores back to dashes gives the target type (no type name has an underscore);
  // position is the index in that list, as refRow() numbers refs per target type. The writer stores a
  // null attr as SQL NULL (jsonb_to_recordset), so a JSON null becomes one here too.
  await c.query(
    `INSERT INTO ${REFS} (from_uuid, to_uuid, from_type, to_type, attr, relaxed, position)
     SELECT b.uuid, (r.value->>'uuid')::uuid, b.type, replace(left(f.key, -5), '_', '-'),
            nullif(r.value->'attr', 'null'::jsonb), coalesce((r.value->>'relaxed')::boolean, false), (r.n - 1)::int
       FROM ${BATCH} b, jsonb_each(b.object) f, jsonb_array_elements(f.value) WITH ORDINALITY AS r(value, n)
      WHERE b.oper <> 'DELETE' AND f.key LIKE '%\\_refs'`,
  );
}

/** The rebuilt copy of a live table; rows are matched on `key` and named in samples by `identity`. */
interface TablePair {
  live: string;
  rebuilt: string;
  columns: readonly string[];
  key: readonly string[];
  identity: readonly string[];
}

async function compareTable<D>(c: SqlClient, t: TablePair, limit: number): Promise<TableComparison<D>> {
  const cols = t.columns.join(', ');
  const differs = t.columns.map((k) => `CASE WHEN l.${k} IS DISTINCT FROM r.${k} THEN '${k}' END`).join(', ');
  const k0 = t.key[0];
  const { rows } = await c.query(
    `WITH l AS (SELECT ${cols} FROM ${t.live} EXCEPT ALL SELECT ${cols} FROM ${t.rebuilt}),
          r AS (SELECT ${cols} FROM ${t.rebuilt} EXCEPT ALL SELECT ${cols} FROM ${t.live}),
          d AS (SELECT ${t.identity.map((k) => `coalesce(l.${k}, r.${k}) AS ${k}`).join(', ')},
                       CASE WHEN l.${k0} IS NULL OR r.${k0} IS NULL THEN ARRAY[${t.columns.map((k) => `'${k}'`).join(', ')}]
                            ELSE array_remove(ARRAY[${differs}], NULL) END AS columns,
                       CASE WHEN l.${k0} IS NULL THEN NULL ELSE to_jsonb(l) END AS live,
                       CASE WHEN r.${k0} IS NULL THEN NULL ELSE to_jsonb(r) END AS rebuilt
                  FROM l FULL JOIN r ON ${t.key.map((k) => `l.${k} = r.${k}`).join(' AND ')})
     SELECT (SELECT count(*) FROM ${t.live})::int AS live_n, (SELECT count(*) FROM ${t.rebuilt})::int AS rebuilt_n,
            (SELECT count(*) FROM l)::int AS only_live, (SELECT count(*) FROM r)::int AS only_rebuilt,
            (SELECT count(*) FROM d)::int AS differing,
            (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY ${t.key.map((k) => `x.${k}`).join(', ')}), '[]')
               FROM (SELECT * FROM d ORDER BY ${t.key.join(', ')} LIMIT $1) x) AS samples`,
    [limit],
  );
  const r = rows[0];
  return {
    live: r.live_n,
    rebuilt: r.rebuilt_n,
    onlyLive: r.only_live,
    onlyRebuilt: r.only_rebuilt,
    differing: r.differing,
    samples: r.samples,
  };
}

/** A human summary of a report: "identical", or the counts and the first differing rows. */
export function formatRebuildReport(r: RebuildReport): string {
  const head = `${r.events} events replayed (head seq ${r.head})`;
  if (r.identical) return `identical: ${head}; ${r.objects.live} objects, ${r.refs.live} refs`;
  const lines = [`DIFFERENT: ${head}`];
  const table = (name: string, t: TableComparison<ObjectDiff | RefDiff>) => {
    lines.push(
      `${name}: ${t.differing} differing (live ${t.live}, rebuilt ${t.rebuilt}; ${t.onlyLive} live rows not reproduced, ${t.onlyRebuilt} rebuilt rows not live)`,
    );
    for (const d of t.samples) {
      const what =
        'uuid' in d
          ? `${d.type} ${d.uuid} ${JSON.stringify(d.fq_name)}`
          : `${d.from_type} ${d.from_uuid} → ${d.to_type} ${d.to_uuid}`;
      const side = !d.live
        ? 'only in the log'
        : !d.rebuilt
          ? 'only live'
          : `differs in ${d.columns.join(', ')}`;
      lines.push(`  ${what}: ${side}`);
      if (d.live && d.rebuilt) {
        for (const k of d.columns) {
          lines.push(`    ${k}: live ${JSON.stringify(d.live[k])}`);
          lines.push(`    ${' '.repeat(k.length)}  rebuilt ${JSON.stringify(d.rebuilt[k])}`);
        }
      }
    }
  };
  if (r.objects.differing) table('objects', r.objects);
  if (r.refs.differing) table('refs', r.refs);
  if (r.schema) lines.push(`rebuilt tables kept in schema ${r.schema}`);
  return lines.join('\n');
}
