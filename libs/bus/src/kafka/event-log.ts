import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import {
  type BatchHandler,
  type ConfigEvent,
  type EventLog,
  EventLogOutOfRangeError,
  type EventSubscription,
  type SubscribeOptions,
  Topics,
  startSubscription,
  whenAborted,
} from '@skein/events';
import { OffsetSearch, type SearchStep } from './offset-search';
import { ensureConfigTopic, ephemeralGroupId, messageSeq, partitionOffsets, readLastSeq } from './topic';

export interface KafkaEventLogOptions {
  kafka: Kafka;
  topic?: string;
  /**
   * How long an idle fetch waits on the broker (default 200 ms). New messages end the wait at once, so
   * this bounds only how long stop() can take and how often an idle subscription asks.
   */
  maxWaitTimeMs?: number;
}

/**
 * The config event log read from Kafka `config.events` (one partition).
 *
 * Seq to offset: `subscribe(afterSeq)` searches the partition for the first offset whose seq is above
 * afterSeq (OffsetSearch: seqs never decrease along offsets, and are nearly dense, so one or two fetches
 * usually suffice). Nothing about offsets is stored anywhere: positions stay plain seqs, the same for this
 * log and the Postgres tail, so a consumer can switch between them.
 *
 * Each subscription is a kafkajs consumer in a throwaway group (kafkajs has no group-less consumer); it
 * commits nothing to Kafka and re-seeks to its own next offset whenever the group (re)joins. Duplicates
 * (a seq at or below the last delivered one) are dropped.
 */
export class KafkaEventLog implements EventLog {
  readonly topic: string;
  private readonly kafka: Kafka;
  private readonly maxWaitTimeMs: number;
  private admin?: Promise<Admin>;
  private readonly subs = new Set<EventSubscription>();
  private head = { high: -1, seq: 0 };

  constructor(opts: KafkaEventLogOptions) {
    this.kafka = opts.kafka;
    this.topic = opts.topic ?? Topics.configEvents;
    this.maxWaitTimeMs = opts.maxWaitTimeMs ?? 200;
  }

  private getAdmin(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      await ensureConfigTopic(admin, this.topic);
      return admin;
    })();
    return this.admin;
  }

  async headSeq(): Promise<number> {
    const admin = await this.getAdmin();
    const { high } = await partitionOffsets(admin, this.topic);
    if (high !== this.head.high)
      this.head = { high, seq: (await readLastSeq(this.kafka, admin, this.topic)).seq };
    return this.head.seq;
  }

  subscribe(afterSeq: number, onBatch: BatchHandler, options: SubscribeOptions = {}): EventSubscription {
    const max = options.maxBatch ?? 1000;
    const topic = this.topic;
    const sub = startSubscription(afterSeq, async ({ signal, delivered }) => {
      const admin = await this.getAdmin();
      const { low, high } = await partitionOffsets(admin, topic);
      let last = afterSeq;
      // The offset to read from when the group (re)joins: a probe while searching, then the next
      // undelivered message.
      let search: OffsetSearch | undefined;
      let nextOffset: number;
      let rangeChecked = low === 0;
      const begin: SearchStep =
        afterSeq <= 0 ? { found: low } : (search = new OffsetSearch(afterSeq, low, high)).start();
      if ('probe' in begin) nextOffset = begin.probe;
      else {
        nextOffset = begin.found;
        search = undefined;
      }

      let fail!: (e: unknown) => void;
      const failed = new Promise<never>((_, reject) => (fail = reject));
      failed.catch(() => {});
      let broken = false;
      const consumer: Consumer = this.kafka.consumer({
        groupId: ephemeralGroupId('events'),
        maxWaitTimeInMs: this.maxWaitTimeMs,
        allowAutoTopicCreation: false,
      });
      const seek = (offset: number) => consumer.seek({ topic, partition: 0, offset: String(offset) });
      consumer.on(consumer.events.GROUP_JOIN, () => seek(nextOffset));
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) fail(payload.error);
      });

      const deliver = async (messages: KafkaMessage[]) => {
        if (!rangeChecked && messages.length > 0) {
          rangeChecked = true;
          const first = messageSeq(messages[0]);
          // Only a guess when the first kept seq is missing for another reason (rolled back): Kafka
          // cannot tell a hole in seqs from a truncated log.
          if (Number(messages[0].offset) === low && first > afterSeq + 1) {
            throw new EventLogOutOfRangeError(afterSeq, first);
          }
        }
        let batch: ConfigEvent[] = [];
        let batchEnd = 0;
        const flush = async () => {
          if (batch.length > 0) {
            await onBatch(batch);
            last = batch[batch.length - 1].seq;
            delivered(last);
            batch = [];
          }
          nextOffset = batchEnd;
        };
        for (const m of messages) {
          if (signal.aborted) return;
          const seq = messageSeq(m);
          if (seq > (batch.length ? batch[batch.length - 1].seq : last)) {
            batch.push(JSON.parse(m.value!.toString()) as ConfigEvent);
          }
          batchEnd = Number(m.offset) + 1;
          if (batch.length >= max) await flush();
        }
        await flush();
      };

      try {
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, isStale, resolveOffset, heartbeat }) => {
            if (broken || signal.aborted || isStale() || batch.messages.length === 0) return;
            let messages = batch.messages;
            try {
              if (search) {
                const step = search.observe(
                  messages.map((m) => ({ offset: Number(m.offset), seq: messageSeq(m) })),
                );
                if ('probe' in step || step.index === undefined) {
                  if ('found' in step) search = undefined;
                  nextOffset = 'probe' in step ? step.probe : step.found;
                  seek(nextOffset);
                  return;
                }
                search = undefined;
                messages = messages.slice(step.index);
              }
              await deliver(messages);
            } catch (e) {
              broken = true;
              fail(e);
              return;
            }
            if (!signal.aborted) resolveOffset(messages[messages.length - 1].offset);
            await heartbeat().catch(() => {});
          },
        });
        await Promise.race([failed, whenAborted(signal)]);
      } finally {
        this.subs.delete(sub);
        await consumer.disconnect().catch(() => {});
      }
    });
    this.subs.add(sub);
    return sub;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subs].map((s) => s.stop()));
    if (this.admin) await (await this.admin.catch(() => undefined))?.disconnect();
    this.admin = undefined;
  }
}
