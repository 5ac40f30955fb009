import pg from 'pg';
import {
  type BatchHandler,
  type ConfigEvent,
  Doorbell,
  type EventLog,
  type EventSubscription,
  type SubscribeOptions,
  sleep,
  startSubscription,
} from '@skein/events';
import { PgEventReader, type RawEvent, type TailCursor } from './event-reader';
import { PgNotifyListener } from './notify-listener';
import { isConnectionError } from './connection-errors';

export interface PgTailOptions {
  /** Where config_events lives. Used for the LISTEN connection, and for reads unless `pool` is given. */
  connection: string | pg.ClientConfig;
  /** A pool to read with (the caller's); otherwise the log makes a small one of its own. */
  pool?: pg.Pool;
  /** Rows per read (default 1000). */
  batchSize?: number;
  /** Fallback poll when no notification comes (default 200 ms). */
  pollIntervalMs?: number;
  onError?: (err: Error) => void;
}

/** How long a tail waits before re-checking an unsettled hole: short first, since most holes are a
 *  transaction that is just committing, then backing off for one that is slow or rolled back. */
const HOLE_WAIT_MS = [1, 2, 5, 10, 20, 50, 100];

/**
 * The config event log read straight from Postgres (all-in-one mode, and the relay's source): the ordered
 * tail of `config_events` (PgEventReader), woken by NOTIFY and polling as a fallback.
 */
export class PgTailEventLog implements EventLog {
  private readonly pool: pg.Pool;
  private readonly ownPool: boolean;
  private readonly listener: PgNotifyListener;
  private readonly reader: PgEventReader;
  private readonly subs = new Set<EventSubscription>();
  private readonly pollMs: number;

  constructor(private readonly opts: PgTailOptions) {
    const conn =
      typeof opts.connection === 'string' ? { connectionString: opts.connection } : opts.connection;
    this.ownPool = !opts.pool;
    this.pool = opts.pool ?? new pg.Pool({ ...conn, max: 4 });
    if (this.ownPool) {
      // Idle clients report through the pool; a client already being removed (close()) only through its own
      // listener, and an unlistened 'error' event would crash the process.
      this.pool.on('error', (err) => opts.onError?.(err));
      this.pool.on('connect', (c) => c.on('error', (err) => opts.onError?.(err)));
    }
    this.listener = new PgNotifyListener(opts.connection, undefined, opts.onError);
    this.reader = new PgEventReader(this.pool, opts.batchSize ?? 1000);
    this.pollMs = opts.pollIntervalMs ?? 200;
  }

  subscribe(afterSeq: number, onBatch: BatchHandler, options: SubscribeOptions = {}): EventSubscription {
    return this.subscribeRaw(
      afterSeq,
      (raw) => onBatch(raw.map((r) => JSON.parse(r.json) as ConfigEvent)),
      options,
    );
  }

  /** Like subscribe, with each event as its JSON text (no parse): what the relay forwards. */
  subscribeRaw(
    afterSeq: number,
    onBatch: (batch: RawEvent[]) => Promise<void>,
    options: SubscribeOptions = {},
  ): EventSubscription {
    const max = options.maxBatch ?? this.opts.batchSize ?? 1000;
    const sub = startSubscription(afterSeq, async ({ signal, delivered }) => {
      const bell = new Doorbell();
      const unlisten = this.listener.add(bell);
      const cursor: TailCursor = this.reader.cursor(afterSeq);
      let holeWaits = 0;
      let backoff = 0;
      try {
        while (!signal.aborted) {
          let read: Awaited<ReturnType<PgEventReader['read']>>;
          try {
            read = await this.reader.read(cursor, max);
            backoff = 0;
          } catch (err) {
            // The database went away (restart, terminated backend): wait and read again from the cursor, which
            // only moves past delivered events, so nothing is skipped or repeated. Other errors end the
            // subscription as before.
            if (!isConnectionError(err) || signal.aborted) throw err;
            this.opts.onError?.(err as Error);
            backoff = Math.min(backoff ? backoff * 2 : 100, 5000);
            await sleep(backoff, signal);
            continue;
          }
          const { events, full } = read;
          if (events.length > 0) {
            await onBatch(events);
            delivered(cursor.last);
          }
          if (full) continue;
          if (cursor.hole) {
            await bell.wait(HOLE_WAIT_MS[Math.min(holeWaits++, HOLE_WAIT_MS.length - 1)], signal);
          } else {
            holeWaits = 0;
            // A notification that arrived while reading or handling is remembered by the bell, so this
            // returns at once when there is more.
            await bell.wait(this.pollMs, signal);
          }
        }
      } finally {
        unlisten();
        this.subs.delete(sub);
      }
    });
    this.subs.add(sub);
    return sub;
  }

  async headSeq(): Promise<number> {
    const { rows } = await this.pool.query(`SELECT coalesce(max(seq), 0) AS seq FROM config_events`);
    return Number(rows[0].seq);
  }

  async close(): Promise<void> {
    await Promise.all([...this.subs].map((s) => s.stop()));
    await this.listener.close();
    if (this.ownPool) await this.pool.end();
  }
}
