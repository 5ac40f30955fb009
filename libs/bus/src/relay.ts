import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Admin, Kafka, Message, Producer } from 'kafkajs';
import { Doorbell, type EventSubscription, SEQ_HEADER, Topics, sleep, whenAborted } from '@skein/events';
import type { RawEvent } from './pg/event-reader';
import { PgTailEventLog } from './pg/tail-event-log';
import { ensureConfigTopic, readLastSeq } from './kafka/topic';

export interface RelayLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface RelayOptions {
  /** The database holding config_events. */
  connection: string | pg.ClientConfig;
  kafka: Kafka;
  /** Default `config.events`. */
  topic?: string;
  /** Rows read per batch (default 1000). */
  batchSize?: number;
  /** Upper bound on one produce request's payload (default 1 MiB); a batch is split to fit. */
  maxRequestBytes?: number;
  /** Fallback poll of config_events when no NOTIFY arrives (default 200 ms). */
  pollIntervalMs?: number;
  /** Advisory lock key electing the one active relay among API replicas. */
  lockKey?: bigint;
  logger?: RelayLogger;
  /** Called after each acknowledged produce request (metrics). */
  onPublished?: (info: { lastSeq: number; count: number; ms: number }) => void;
}

export interface RelayStatus {
  leader: boolean;
  /** Highest seq known to be in the topic (published by this relay, or found there at takeover). */
  lastSeq: number;
  /** Events this relay instance published. */
  published: number;
}

/** "skein" + "relay" as a 64-bit key: arbitrary, fixed, unlikely to collide with other advisory locks. */
export const RELAY_LOCK_KEY = 0x736b65696e72656cn;

class RelayStopped extends Error {}

const silent: RelayLogger = { info() {}, error() {} };

/**
 * Publishes config_events to Kafka `config.events` in seq order: the outbox relay.
 *
 * Recovery is crash-only: every (re)start, and every failure, goes through the same path: take the
 * leadership lock, read the seq of the topic's last message, and publish everything after it, in order,
 * from the ordered Postgres tail. A relay killed at any point therefore leaves neither a gap nor a
 * reordering; a batch whose produce request landed but whose acknowledgement was lost is found at the
 * tail and not sent again. Within one producer session, kafkajs's idempotent producer drops retried
 * duplicates. Consumers still tolerate duplicates (same seq again) as the contract says.
 *
 * One relay publishes at a time: replicas contend for a session-level Postgres advisory lock; the others
 * wait as standbys. Message: no key, partition 0, value = the envelope JSON (with seq), header `seq`.
 */
export class Relay {
  private readonly topic: string;
  private readonly log: PgTailEventLog;
  private readonly logger: RelayLogger;
  private readonly abort = new AbortController();
  private running?: Promise<void>;
  private state: RelayStatus = { leader: false, lastSeq: 0, published: 0 };
  private readonly advanced = new Doorbell();

  constructor(private readonly opts: RelayOptions) {
    this.topic = opts.topic ?? Topics.configEvents;
    this.logger = opts.logger ?? silent;
    this.log = new PgTailEventLog({
      connection: opts.connection,
      batchSize: opts.batchSize ?? 1000,
      pollIntervalMs: opts.pollIntervalMs,
      onError: (err) => this.logger.error('postgres connection error', { error: err.message }),
    });
  }

  get status(): RelayStatus {
    return { ...this.state };
  }

  /** Starts relaying in the background (as leader, or as standby until the lock is free). */
  async start(): Promise<void> {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    await this.log.close();
  }

  /** Resolves once an event with seq >= `seq` is known to be in the topic. */
  async waitForSeq(seq: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.state.lastSeq < seq) {
      if (Date.now() > deadline) throw new Error(`relay did not reach seq ${seq} (at ${this.state.lastSeq})`);
      await this.advanced.wait(100);
    }
  }

  private advance(seq: number, count: number): void {
    this.state.lastSeq = seq;
    this.state.published += count;
    this.advanced.ring();
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    let backoff = 200;
    while (!signal.aborted) {
      try {
        await this.lead(signal);
        backoff = 200;
      } catch (err) {
        if (err instanceof RelayStopped) break;
        this.logger.error('relay failed; resuming from the topic tail', { error: (err as Error).message });
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  /** One leadership term: from taking the lock to losing it, failing, or being stopped. */
  private async lead(signal: AbortSignal): Promise<void> {
    const conn =
      typeof this.opts.connection === 'string'
        ? { connectionString: this.opts.connection }
        : this.opts.connection;
    const lock = new pg.Client({ ...conn, keepAlive: true });
    let lockLost!: (e: Error) => void;
    const lost = new Promise<never>((_, reject) => (lockLost = reject));
    lost.catch(() => {});
    lock.on('error', (e) => lockLost(new Error(`lost the relay lock connection: ${e.message}`)));
    lock.on('end', () => lockLost(new Error('lost the relay lock connection')));
    let producer: Producer | undefined;
    let admin: Admin | undefined;
    let sub: EventSubscription | undefined;
    // Setup steps can retry for a long time (kafkajs connects with backoff): stop() must not wait for them.
    const step = <T>(p: Promise<T>): Promise<T> =>
      Promise.race([
        p,
        lost,
        whenAborted(signal).then(() => {
          throw new RelayStopped();
        }),
      ]);
    try {
      await step(lock.connect());
      const key = String(this.opts.lockKey ?? RELAY_LOCK_KEY);
      let announced = false;
      for (;;) {
        const { rows } = await step(lock.query('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key]));
        if (rows[0].ok) break;
        if (!announced) this.logger.info('relay standing by: another relay holds the lock');
        announced = true;
        await Promise.race([sleep(1000, signal), lost]);
        if (signal.aborted) return;
      }

      admin = this.opts.kafka.admin();
      await step(admin.connect());
      await step(ensureConfigTopic(admin, this.topic));
      producer = this.opts.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // Bounded, unlike kafkajs's idempotent default (retry forever): a send that keeps failing ends
        // the term, and the next one re-reads the tail, which is safe at any point.
        retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 3000 },
      });
      await step(producer.connect());
      const { seq: tail } = await step(readLastSeq(this.opts.kafka, admin, this.topic));
      this.state = { ...this.state, leader: true, lastSeq: tail };
      this.logger.info('relay leading', { topic: this.topic, resumeAfter: tail });

      const p = producer;
      sub = this.log.subscribeRaw(tail, (events) => this.publish(p, events), {
        maxBatch: this.opts.batchSize ?? 1000,
      });
      await Promise.race([sub.done, lost, whenAborted(signal)]);
    } finally {
      this.state.leader = false;
      await sub?.stop();
      await producer?.disconnect().catch(() => {});
      await admin?.disconnect().catch(() => {});
      // Ending the session releases the advisory lock.
      lock.removeAllListeners('end');
      await lock.end().catch(() => {});
    }
  }

  private async publish(producer: Producer, events: RawEvent[]): Promise<void> {
    const limit = this.opts.maxRequestBytes ?? 1024 * 1024;
    let chunk: Message[] = [];
    let bytes = 0;
    let chunkLast = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      const t0 = performance.now();
      await producer.send({ topic: this.topic, acks: -1, messages: chunk });
      this.advance(chunkLast, chunk.length);
      this.opts.onPublished?.({ lastSeq: chunkLast, count: chunk.length, ms: performance.now() - t0 });
      chunk = [];
      bytes = 0;
    };
    for (const e of events) {
      // Record overhead is a few dozen bytes; 64 keeps the estimate on the safe side.
      const size = Buffer.byteLength(e.json) + 64;
      if (chunk.length > 0 && bytes + size > limit) await flush();
      chunk.push({ partition: 0, value: e.json, headers: { [SEQ_HEADER]: String(e.seq) } });
      bytes += size;
      chunkLast = e.seq;
    }
    await flush();
  }
}
