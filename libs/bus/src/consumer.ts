import {
  type ConfigEvent,
  Doorbell,
  type EventLog,
  type PositionStore,
  sleep,
  whenAborted,
} from '@skein/events';

export interface ConsumerOptions {
  log: EventLog;
  positions: PositionStore;
  /** The position's name in the store (one per controller, e.g. `schema`). */
  name: string;
  /** Applies a batch. Called in seq order, one batch at a time, never with a seq already committed. */
  handle(batch: ConfigEvent[]): Promise<void>;
  /** Largest batch handed to `handle` (default 1000). */
  maxBatch?: number;
  /** Called when `handle` or the log fails; the consumer then restarts from its last committed position. */
  onError?(err: Error): void;
  /** First retry delay after a failure (default 200 ms, doubling up to 10 s). */
  retryDelayMs?: number;
}

export interface RunningConsumer {
  /** Highest seq handled and committed. */
  readonly position: number;
  /** Resolves once `position` >= seq. */
  waitFor(seq: number, timeoutMs?: number): Promise<void>;
  /** Lets the batch in hand finish (and its position be committed), then stops. */
  stop(): Promise<void>;
}

/**
 * What a controller needs to follow the config log: in-order, at-least-once delivery across restarts.
 *
 * Starts after the position committed under `name`, hands batches to `handle`, commits the last seq of
 * each handled batch. Events at or below the committed position are filtered out (duplicates, a replay
 * overlapping what was applied). If `handle` throws, the batch is not committed and the consumer
 * re-subscribes from the committed position after a delay: the same events come again, so `handle` must
 * be idempotent for a batch it partly applied. A crash between applying and committing likewise
 * redelivers that batch after a restart.
 */
export async function runConsumer(opts: ConsumerOptions): Promise<RunningConsumer> {
  const abort = new AbortController();
  let position = (await opts.positions.get(opts.name))?.seq ?? 0;
  const advanced = new Doorbell();

  async function loop(): Promise<void> {
    let delay = opts.retryDelayMs ?? 200;
    while (!abort.signal.aborted) {
      const sub = opts.log.subscribe(
        position,
        async (batch) => {
          const fresh = batch.filter((e) => e.seq > position);
          if (fresh.length === 0) return;
          await opts.handle(fresh);
          const last = fresh[fresh.length - 1].seq;
          await opts.positions.commit(opts.name, last);
          position = last;
          delay = opts.retryDelayMs ?? 200;
          advanced.ring();
        },
        { maxBatch: opts.maxBatch },
      );
      try {
        await Promise.race([sub.done, whenAborted(abort.signal)]);
      } catch (err) {
        opts.onError?.(err as Error);
        await sleep(delay, abort.signal);
        delay = Math.min(delay * 2, 10_000);
      } finally {
        await sub.stop();
      }
    }
  }

  const running = loop();
  return {
    get position() {
      return position;
    },
    async waitFor(seq, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (position < seq) {
        if (Date.now() > deadline)
          throw new Error(`consumer ${opts.name} did not reach seq ${seq} (at ${position})`);
        await advanced.wait(100);
      }
    },
    async stop() {
      abort.abort();
      await running;
    },
  };
}
