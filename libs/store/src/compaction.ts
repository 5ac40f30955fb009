import type { Db, SqlClient } from './db';
import { headSeq } from './objects';

/** skein_meta key holding the compaction point: config_events rows below it may be gone. */
export const EVENTS_COMPACTED_BELOW = 'events_compacted_below';

/** Every event with seq < the returned value may have been deleted (0: nothing was ever compacted). */
export async function compactedBelow(c: SqlClient): Promise<number> {
  const { rows } = await c.query(`SELECT value FROM skein_meta WHERE key = $1`, [EVENTS_COMPACTED_BELOW]);
  return rows.length ? Number(rows[0].value) : 0;
}

export interface CompactionResult {
  /** The compaction point after this call. */
  compactedBelow: number;
  /** Rows deleted by this call. */
  deleted: number;
}

/**
 * Deletes config_events rows with seq < belowSeq and records the compaction point, for readers that must
 * tell a compacted range from rolled-back holes (the log's tail cannot).
 *
 * The point never moves back, and never past the newest event: the head row stays, because the head seq is
 * max(seq) and readers (ListReply.as_of_seq, X-Skein-Seq) must not see it go backwards.
 *
 * Callers choose belowSeq; events not yet consumed (the Kafka relay's position, lagging consumers) are gone
 * for them too.
 */
export async function compactEvents(db: Db, belowSeq: number): Promise<CompactionResult> {
  if (!Number.isSafeInteger(belowSeq) || belowSeq < 0)
    throw new RangeError(`belowSeq must be a non-negative integer, got ${belowSeq}`);
  return db.tx(async (c) => {
    const target = Math.min(belowSeq, await headSeq(c));
    // The upsert locks the key's row, so concurrent compactions take turns.
    const { rows } = await c.query(
      `INSERT INTO skein_meta (key, value) VALUES ($1, to_jsonb($2::bigint))
       ON CONFLICT (key) DO UPDATE SET value = to_jsonb(greatest((skein_meta.value #>> '{}')::bigint, $2::bigint))
       RETURNING (value #>> '{}')::bigint AS below`,
      [EVENTS_COMPACTED_BELOW, target],
    );
    const below = Number(rows[0].below);
    const del = await c.query(`DELETE FROM config_events WHERE seq < $1`, [below]);
    return { compactedBelow: below, deleted: del.rowCount ?? 0 };
  });
}
