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
  oper: 'CREATE' | 'UPDATE' | 'DELETE' | 'REF_ADD' | 'REF_DELETE' | 'PROP_COLLECTION';
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

  /** Applies the changes; returns the last event seq (0 when nothing was emitted). */
  async flush(c: SqlClient): Promise<number> {
    if (this.refDeletes.length) {
      await c.query(
        `DELETE FROM refs r USING jsonb_to_recordset($1::jsonb) AS x(from_uuid uuid, to_uuid uuid)
          WHERE r.from_uuid = x.from_uuid AND r.to_uuid = x.to_uuid`,
        [JSON.stringify(this.refDeletes)],
      );
    }
    if (this.deletes.length) {
      await c.query(`DELETE FROM refs WHERE from_uuid = ANY($1::uuid[])`, [this.deletes]);
      await c.query(`DELETE FROM objects WHERE uuid = ANY($1::uuid[])`, [this.deletes]);
    }
    if (this.inserts.length) {
      await c.query(
        `INSERT INTO objects (uuid, type, fq_name, fq_key, parent_uuid, parent_type, props, id_perms, perms2, version)
         SELECT x.uuid, x.type, x.fq_name, x.fq_key, x.parent_uuid, x.parent_type, x.props, x.id_perms, x.perms2, x.version
           FROM jsonb_to_recordset($1::jsonb) AS x(uuid uuid, type text, fq_name jsonb, fq_key text, parent_uuid uuid,
                parent_type text, props jsonb, id_perms jsonb, perms2 jsonb, version bigint)`,
        [JSON.stringify(this.inserts.map((o) => ({ ...o, refs: undefined, fq_key: fqKey(o.fq_name) })))],
      );
    }
    if (this.updates.length) {
      await c.query(
        `UPDATE objects o SET props = x.props, id_perms = x.id_perms, perms2 = x.perms2, version = x.version
           FROM jsonb_to_recordset($1::jsonb) AS x(uuid uuid, props jsonb, id_perms jsonb, perms2 jsonb, version bigint)
          WHERE o.uuid = x.uuid`,
        [JSON.stringify(this.updates.map((o) => ({ uuid: o.uuid, props: o.props, id_perms: o.id_perms, perms2: o.perms2, version: o.version })))],
      );
    }
    if (this.refUpserts.length) {
      await c.query(
        `INSERT INTO refs (from_uuid, from_type, to_uuid, to_type, attr, relaxed, position)
         SELECT x.from_uuid, x.from_type, x.to_uuid, x.to_type, x.attr, x.relaxed, x.position
           FROM jsonb_to_recordset($1::jsonb) AS x(from_uuid uuid, from_type text, to_uuid uuid, to_type text, attr jsonb,
                relaxed boolean, position int)
         ON CONFLICT (from_uuid, to_uuid) DO UPDATE SET attr = EXCLUDED.attr, relaxed = EXCLUDED.relaxed, position = EXCLUDED.position`,
        [JSON.stringify(this.refUpserts)],
      );
    }
    if (!this.events.length) return 0;
    // nextval runs in the outer query over the ordered subquery, so seqs follow the order events were added.
    const { rows } = await c.query(
      `INSERT INTO config_events (seq, oper, type, uuid, envelope)
       SELECT nextval('config_events_seq'), e.oper, e.type, e.uuid, e.envelope FROM (
         SELECT x.oper, x.type, x.uuid, x.envelope FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS a(v, n),
                jsonb_to_record(a.v) AS x(oper text, type text, uuid uuid, envelope jsonb)
          ORDER BY a.n) e
       RETURNING seq`,
      [JSON.stringify(this.events)],
    );
    let last = 0;
    for (const r of rows) last = Math.max(last, Number(r.seq));
    return last;
  }
}
