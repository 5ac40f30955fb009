import { randomBytes } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { SEQ_HEADER } from '@skein/events';

/**
 * Envelopes carry the object before and after a change (a config object may be about 1 MB), and Kafka's
 * size limit applies to a whole record batch, so the topic allows large ones.
 */
export const CONFIG_TOPIC_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Creates the config event topic (one partition: offset order is seq order) unless it exists. */
export async function ensureConfigTopic(admin: Admin, topic: string): Promise<void> {
  const existing = await admin.listTopics();
  if (existing.includes(topic)) return;
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic,
        numPartitions: 1,
        configEntries: [
          { name: 'max.message.bytes', value: String(CONFIG_TOPIC_MAX_MESSAGE_BYTES) },
          // The topic is the config history consumers replay from: never delete by age or size.
          { name: 'retention.ms', value: '-1' },
          { name: 'retention.bytes', value: '-1' },
        ],
      },
    ],
  });
}

/** The seq of a config event message: header `seq`, falling back to the JSON value. */
export function messageSeq(m: KafkaMessage): number {
  const h = m.headers?.[SEQ_HEADER];
  const text = Array.isArray(h) ? h[0] : h;
  if (text !== undefined && text !== null) return Number(text.toString());
  if (m.value) {
    const seq = JSON.parse(m.value.toString()).seq;
    if (typeof seq === 'number') return seq;
  }
  throw new Error(`message at offset ${m.offset} carries no seq`);
}

export async function partitionOffsets(admin: Admin, topic: string): Promise<{ low: number; high: number }> {
  const offsets = await admin.fetchTopicOffsets(topic);
  const p = offsets.find((o) => o.partition === 0);
  if (!p) throw new Error(`topic ${topic} has no partition 0`);
  return { low: Number(p.low), high: Number(p.high) };
}

/** A throwaway consumer group name: Skein keeps positions in Postgres, never in Kafka groups. */
export function ephemeralGroupId(purpose: string): string {
  return `skein.${purpose}.${randomBytes(6).toString('hex')}`;
}

/**
 * The messages of partition 0 from `offset` on, as one fetch returns them (at least one message when the
 * offset is below the high watermark). kafkajs has no group-less consumer, so this joins a throwaway group
 * and seeks; about a group join's worth of latency.
 */
export async function readMessagesAt(
  kafka: Kafka,
  topic: string,
  offset: number,
  timeoutMs = 30_000,
): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: ephemeralGroupId('probe'), maxWaitTimeInMs: 100 });
  let resolve!: (m: KafkaMessage[]) => void;
  const got = new Promise<KafkaMessage[]>((r) => (resolve = r));
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    consumer.on(consumer.events.GROUP_JOIN, () =>
      consumer.seek({ topic, partition: 0, offset: String(offset) }),
    );
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, isStale }) => {
        const first = batch.messages[0];
        if (!isStale() && first && Number(first.offset) >= offset) resolve(batch.messages);
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no message at ${topic}@${offset} in ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([got, timeout]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await consumer.disconnect().catch(() => {});
  }
}

/** The highest seq in the topic (0 when empty), from its last message. */
export async function readLastSeq(
  kafka: Kafka,
  admin: Admin,
  topic: string,
): Promise<{ seq: number; high: number }> {
  const { low, high } = await partitionOffsets(admin, topic);
  if (high <= low) return { seq: 0, high };
  const messages = await readMessagesAt(kafka, topic, high - 1);
  return { seq: Math.max(...messages.map(messageSeq)), high };
}
