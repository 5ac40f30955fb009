import type { ConfigOper } from '@skein/events';
import type { SqlClient } from './db';
import type { StoredObject } from './stored';
import { fqKey } from './stored';

export interface RefRow {
  from_uuid: string;
  from_type: string;
  to_uuid: string;
  to_type: string;
  attr: unknown;
  relaxed: boolean;
  position: number;
}

/** An event as the writer builds it; seq and ts are assigned by the store at insert. */
export interface EventDraft {
  oper: ConfigOper;
  type: string;
  uuid: string;
  envelope: Record<string, unknown>;
}

/**
 * Everything one API transaction changes, flushed as a few set-based statements at the end so a write
 * costs a constant number of round trips whatever the number of implicit objects and refs.
 */
export class ChangeSet {
  readonly inserts: StoredObject[] = [];
  readonly updates: StoredObject[] = [];
  /** Deleted objects, children before parents. */
  readonly deletes: string[] = [];
  readonly refUpserts: RefRow[] = [];
  readonly refDeletes: { from_uuid: string; to_uuid: string }[] = [];
  readonly events: EventDraft[] = [];

  get empty(): boolean {
    return this.events.length === 0;
  }

  /**
   * Applies the changes in ONE statement (data-modifying CTEs), returning the last event seq (0 when nothing
   * was emitted). Foreign keys are checked at the end of the statement, so a ref may point at an object
   * inserted by the same statement, and an object may go together with the refs to it.
   */
  async flush(c: SqlClient, commit = false): Promise<number> {
    const seqs = await this.flushAll(c, commit);
    return seqs.length ? seqs[seqs.length - 1] : 0;
  }

  /** Several transactions' changes as one (a batch of requests committed together); events keep their order. */
  static merge(sets: ChangeSet[]): ChangeSet {
    const m = new ChangeSet();
    for (const s of sets) {
      m.inserts.push(...s.inserts);
      m.updates.push(...s.updates);
      m.deletes.push(...s.deletes);
      m.refUpserts.push(...s.refUpserts);
      m.refDeletes.push(...s.refDeletes);
      m.events.push(...s.events);
    }
    return m;
  }

  /** Like flush, returning the seq of every event in the order the events were added. */
  async flushAll(c: SqlClient, commit = false): Promise<number[]> {
    const parts: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}::jsonb`;
    };
    const deleted = new Set(this.deletes);
    // A ref row goes once: either with its deleted holder or on its own.
    const refDeletes = this.refDeletes.filter((r) => !deleted.has(r.from_uuid));
    if (refDeletes.length) {
      parts.push(`rd AS (DELETE FROM refs r USING jsonb_to_recordset(${p(JSON.stringify(refDeletes))}) AS x(from_uuid uuid, to_uuid uuid)
          WHERE r.from_uuid = x.from_uuid AND r.to_uuid = x.to_uuid RETURNING 1)`);
    }
    if (this.deletes.length) {
      const list = p(JSON.stringify(this.deletes));
      parts.push(
        `od_refs AS (DELETE FROM refs WHERE from_uuid IN (SELECT jsonb_array_elements_text(${list})::uuid) RETURNING 1)`,
      );
      parts.push(
        `od AS (DELETE FROM objects WHERE uuid IN (SELECT jsonb_array_elements_text(${list})::uuid) RETURNING 1)`,
      );
    }
    if (this.inserts.length) {
      parts.push(`oi AS (INSERT INTO objects (uuid, type, fq_name, fq_key, parent_uuid, parent_type, props, id_perms, perms2, version)
         SELECT x.uuid, x.type, x.fq_name, x.fq_key, x.parent_uuid, x.parent_type, x.props, x.id_perms, x.perms2, x.version
           FROM jsonb_to_recordset(${p(JSON.stringify(this.inserts.map((o) => ({ ...o, refs: undefined, fq_key: fqKey(o.fq_name) }))))}) AS x(uuid uuid, type text, fq_name jsonb, fq_key text, parent_uuid uuid,
                parent_type text, props jsonb, id_perms jsonb, perms2 jsonb, version bigint) RETURNING 1)`);
    }
    if (this.updates.length) {
      const rows = this.updates
        .filter((o) => !deleted.has(o.uuid))
        .map((o) => ({
          uuid: o.uuid,
          props: o.props,
          id_perms: o.id_perms,
          perms2: o.perms2,
          version: o.version,
        }));
      if (rows.length) {
        parts.push(`ou AS (UPDATE objects o SET props = x.props, id_perms = x.id_perms, perms2 = x.perms2, version = x.version
           FROM jsonb_to_recordset(${p(JSON.stringify(rows))}) AS x(uuid uuid, props jsonb, id_perms jsonb, perms2 jsonb, version bigint)
          WHERE o.uuid = x.uuid RETURNING 1)`);
      }
    }
    const upserts = dedupeRefs(this.refUpserts.filter((r) => !deleted.has(r.from_uuid)));
    if (upserts.length) {
      parts.push(`ru AS (INSERT INTO refs (from_uuid, from_type, to_uuid, to_type, attr, relaxed, position)
         SELECT x.from_uuid, x.from_type, x.to_uuid, x.to_type, x.attr, x.relaxed, x.position
           FROM jsonb_to_recordset(${p(JSON.stringify(upserts))}) AS x(from_uuid uuid, from_type text, to_uuid uuid, to_type text, attr jsonb,
                relaxed boolean, position int)
         ON CONFLICT (from_uuid, to_uuid) DO UPDATE SET attr = EXCLUDED.attr, relaxed = EXCLUDED.relaxed, position = EXCLUDED.position RETURNING 1)`);
    }
    if (this.events.length) {
      // nextval runs in the outer query over the ordered subquery, so seqs follow the order events were added.
      // ts is taken at the flush, just before COMMIT, rather than at BEGIN: it is the event's time for lag
      // measurements downstream.
      parts.push(`ev AS (INSERT INTO config_events (seq, ts, oper, type, uuid, envelope)
       SELECT nextval('config_events_seq'), clock_timestamp(), e.oper, e.type, e.uuid, e.envelope FROM (
         SELECT x.oper, x.type, x.uuid, x.envelope FROM jsonb_array_elements(${p(JSON.stringify(this.events))}) WITH ORDINALITY AS a(v, n),
                jsonb_to_record(a.v) AS x(oper text, type text, uuid uuid, envelope jsonb)
          ORDER BY a.n) e
       RETURNING seq)`);
    }
    if (!parts.length) return [];
    const tail = this.events.length ? 'SELECT seq FROM ev ORDER BY seq' : 'SELECT 0 AS seq WHERE false';
    const text = `WITH ${parts.join(',\n')}\n${tail}`;
    const { rows } = await (commit && c.queryAndCommit
      ? c.queryAndCommit(text, params)
      : c.query(text, params));
    return rows.map((r: any) => Number(r.seq));
  }
}

/** The last write of a ref row wins (a row may be queued twice when several steps touch one object). */
function dedupeRefs(rows: RefRow[]): RefRow[] {
  const byKey = new Map<string, RefRow>();
  for (const r of rows) byKey.set(`${r.from_uuid}/${r.to_uuid}`, r);
  return [...byKey.values()];
}
