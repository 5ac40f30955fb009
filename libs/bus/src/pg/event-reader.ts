/**
 * The ordered tail of `config_events`.
 *
 * Seqs come from a sequence inside the writing transactions and commits are not serialised, so seq 10 can
 * become visible before seq 9. A reader that just followed `seq > last` would skip 9 for good. This one
 * delivers only the contiguous prefix of what it sees, and decides about a hole g below a visible row h
 * like this (the lead's rule, see README.md for the argument and its assumption):
 *
 *   The row h and the in-progress xids (pg_snapshot_xip) come from one snapshot S. g's writer obtained its
 *   xid before it allocated g, and g < h was allocated before h committed, i.e. before S. So at S that
 *   transaction had committed (then g would be visible, unless it never inserted g), was in progress (its
 *   xid is in xip(S)) or had aborted. Once no xid of xip(S) is in progress any more, a fresh read shows g
 *   if it will ever exist; if it does not, g (and every other missing seq below h) is a permanent hole.
 *
 * While waiting, every poll re-reads, so g is delivered as soon as its transaction commits, without
 * waiting for unrelated transactions of xip(S) to end. Only transactions of this database are waited for
 * (see IN_PROGRESS_SQL); a rolled-back g is settled once the write transactions of this database that
 * were open at S have ended.
 */

/** Anything that runs a query: a pool, a client. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
}

/** An event as read: its seq and the full envelope as JSON text (what the relay publishes unchanged). */
export interface RawEvent {
  seq: number;
  json: string;
}

/** Where a tail stands. Owned by one reading loop; `read()` advances it. */
export interface TailCursor {
  /** Last seq delivered. */
  last: number;
  /** Every seq below this is settled: visible now or never going to be. */
  settledBelow: number;
  /** A hole at `last + 1` that is not settled yet. */
  hole?: PendingHole;
}

export interface PendingHole {
  /** The visible seq above the hole when it was found; the wait settles everything below it. */
  below: number;
  /** Xids that were in progress in that snapshot and still were at the last check (xid8 as text). */
  xids: string[];
  /** When the hole was first seen (ms), for diagnostics. */
  since: number;
}

export interface TailRead {
  events: RawEvent[];
  /** The read hit its row limit: more may be readable at once. */
  full: boolean;
}

// One statement, hence one snapshot for both the rows and the in-progress xids: in READ COMMITTED each
// statement takes a snapshot and pg_current_snapshot() returns that statement's. This is what the
// REPEATABLE READ transaction in the design buys, in one round trip instead of four.
// tx_id from the column is only a fallback: a writer's envelope value wins. seq and ts always come from
// the row.
const READ_SQL = `
  WITH snap AS (SELECT array(SELECT x::text FROM pg_snapshot_xip(pg_current_snapshot()) x) AS xip)
  SELECT snap.xip, t.seq, t.event
    FROM snap
    LEFT JOIN LATERAL (
          SELECT e.seq,
                 (jsonb_build_object('tx_id', e.tx_id::text) || e.envelope ||
                  jsonb_build_object('seq', e.seq,
                                     'ts', to_char(e.ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')))::text
                   AS event
            FROM config_events e
           WHERE e.seq > $1
           ORDER BY e.seq
           LIMIT $2) t ON true
   ORDER BY t.seq`;

// The snapshot's xip spans the whole cluster, so the wait would also cover transactions of other databases
// on the same server (other tenants, other test databases). A hole's writer is a backend of this database,
// so only such xids are kept. Checking membership now rather than at the snapshot is still exact: a
// writer still in progress is still connected here, showing its xid as backend_xid; one no longer there
// has finished, which is what the wait is for anyway. (32-bit comparison: an epoch alias only lengthens
// the wait.)
const IN_PROGRESS_SQL = `
  SELECT coalesce(array_agg(x::text), '{}') AS xids
    FROM unnest($1::xid8[]) x
   WHERE pg_xact_status(x) = 'in progress'
     AND EXISTS (SELECT 1 FROM pg_stat_activity a
                  WHERE a.datname = current_database() AND a.backend_xid = x::xid)`;

export class PgEventReader {
  constructor(
    private readonly db: Queryable,
    private readonly batchSize = 1000,
  ) {}

  cursor(afterSeq: number): TailCursor {
    return { last: afterSeq, settledBelow: 0 };
  }

  /** The next deliverable events after `cursor.last`, in order (possibly none); advances the cursor. */
  async read(cursor: TailCursor, limit = this.batchSize): Promise<TailRead> {
    if (cursor.hole) {
      // Must run before the re-read below: "nobody in progress" has to be true before its snapshot.
      const { rows } = await this.db.query(IN_PROGRESS_SQL, [cursor.hole.xids]);
      const running: string[] = rows[0].xids;
      if (running.length === 0) {
        cursor.settledBelow = Math.max(cursor.settledBelow, cursor.hole.below);
        cursor.hole = undefined;
      } else {
        cursor.hole.xids = running;
      }
    }

    // One row per event (a text[] of JSON documents would be slow to parse); with no event, one row of
    // nulls that still carries the snapshot's xids.
    const { rows } = await this.db.query(READ_SQL, [cursor.last, limit]);
    const xip: string[] = rows[0].xip;
    const seqs: number[] = rows[0].seq === null ? [] : rows.map((r) => Number(r.seq));
    const texts: string[] = rows.map((r) => r.event);

    const events: RawEvent[] = [];
    let expected = cursor.last + 1;
    for (let i = 0; i < seqs.length; i++) {
      const seq = seqs[i];
      const firstUnsettled = Math.max(expected, cursor.settledBelow);
      if (seq > firstUnsettled) {
        // An unsettled hole. Keep waiting on the xids of the snapshot that first showed a hole here,
        // unless that wait was about an older hole, already passed.
        if (!cursor.hole || firstUnsettled >= cursor.hole.below) {
          cursor.hole = { below: seq, xids: xip, since: Date.now() };
        }
        break;
      }
      events.push({ seq, json: texts[i] });
      cursor.last = seq;
      expected = seq + 1;
    }
    if (cursor.hole && cursor.last + 1 >= cursor.hole.below) cursor.hole = undefined;
    return { events, full: seqs.length === limit && events.length === seqs.length };
  }
}
