import type { ConfigEvent } from './envelope';

/**
 * The ordered config event stream, as every consumer sees it, whatever carries it (the `config_events`
 * table tailed in Postgres, or the Kafka topic `config.events`).
 *
 * Contract, per subscription:
 * - every event with seq > `afterSeq` that is (or becomes) committed is delivered, exactly once, in strictly
 *   increasing seq order; seqs may have holes (rolled-back transactions);
 * - delivery is live: once caught up, the subscription waits for new events;
 * - batches are handed over one at a time: the next `onBatch` call starts after the previous one resolved,
 *   so a slow handler slows reading down instead of queueing;
 * - `stop()` ends it after the batch in hand (if any) was handled.
 *
 * Across subscriptions (restarts) delivery is at-least-once: a consumer resumes from the seq it committed
 * (see PositionStore and runConsumer in @skein/bus).
 */
export interface EventLog {
  subscribe(afterSeq: number, onBatch: BatchHandler, options?: SubscribeOptions): EventSubscription;
  /** The highest seq in the log now (0 when empty). A subscription from 0 reaches it eventually. */
  headSeq(): Promise<number>;
  /** Stops every subscription and releases connections. */
  close(): Promise<void>;
}

export type BatchHandler = (batch: ConfigEvent[]) => Promise<void>;

export interface SubscribeOptions {
  /** Upper bound on a batch's length. Implementations default to about 1000. */
  maxBatch?: number;
}

export interface EventSubscription {
  /** Resolves once stopped; does not reject (see `done`). */
  stop(): Promise<void>;
  /**
   * Settles when the subscription ends: resolves after `stop()`, rejects with the cause when it failed
   * (the handler threw, or the log became unreadable). A failed subscription delivers nothing more.
   */
  readonly done: Promise<void>;
  /** The seq of the last event handed to a handler that resolved (the `afterSeq` it started from before). */
  readonly lastSeq: number;
}

/** A consumer's committed position: every event with seq <= `seq` has been applied. */
export interface CommittedPosition {
  name: string;
  seq: number;
  updatedAt: Date;
}

/** Where consumers keep their committed positions (Postgres `consumer_positions` in production). */
export interface PositionStore {
  get(name: string): Promise<CommittedPosition | undefined>;
  /** Moves `name` forward to `seq`. Never backwards: a late commit from a stale instance cannot rewind it. */
  commit(name: string, seq: number): Promise<void>;
  /** Sets `name` to `seq`, backwards too (an operator asking for a replay). */
  reset(name: string, seq: number): Promise<void>;
}

/** The requested position is older than what the log still holds (Kafka retention, compaction). */
export class EventLogOutOfRangeError extends Error {
  readonly code = 'OUT_OF_RANGE';
  constructor(
    readonly afterSeq: number,
    readonly firstAvailableSeq: number,
  ) {
    super(`events after seq ${afterSeq} are no longer in the log (first available: ${firstAvailableSeq})`);
    this.name = 'EventLogOutOfRangeError';
  }
}
