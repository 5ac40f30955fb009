import type { Kafka, Producer } from 'kafkajs';
import { SEQ_HEADER } from '@skein/events';
import { createTopic, testKafka } from '@skein/testing';
import { eventLogFeatures, recorder, testEvent } from '../../../events/src/testing/event-log.features';
import { KafkaEventLog } from './event-log';

let kafka: Kafka;
let producer: Producer;

beforeAll(async () => {
  kafka = testKafka('event-log-spec');
  producer = kafka.producer({ idempotent: true });
  await producer.connect();
});
afterAll(() => producer.disconnect());

/** What the relay puts on the topic for an event. */
function message(seq: number) {
  return { value: JSON.stringify(testEvent(seq)), headers: { [SEQ_HEADER]: String(seq) } };
}

async function produce(topic: string, seqs: number[]) {
  if (seqs.length)
    await producer.send({ topic, acks: -1, messages: seqs.map((s) => ({ partition: 0, ...message(s) })) });
}

function kafkaFixture() {
  return {
    async setup() {
      const topic = await createTopic();
      const log = new KafkaEventLog({ kafka, topic });
      let next = 1;
      return {
        log,
        async append(count: number) {
          const seqs = Array.from({ length: count }, () => next++);
          await produce(topic, seqs);
          return seqs;
        },
        rollback: async (count: number) => void (next += count),
        duplicate: (seqs: number[]) => produce(topic, seqs),
        teardown: () => log.close(),
      };
    },
  };
}

eventLogFeatures('Kafka config.events', kafkaFixture());

describe('KafkaEventLog: finding where a seq starts', () => {
  it('resumes after a seq deep in a topic with holes and repeats, in few fetches', async () => {
    const topic = await createTopic();
    // 5,000 events, every 7th seq rolled back, a repeated run every 1,000 (a relay resending a batch
    // after a crash leaves the same seqs again, in order).
    const seqs: number[] = [];
    for (let s = 1; seqs.length < 5000; s++) if (s % 7 !== 0) seqs.push(s);
    for (let i = 0; i < seqs.length; i += 1000) {
      const chunk = seqs.slice(i, i + 1000);
      await produce(topic, chunk);
      await produce(topic, chunk.slice(-3));
    }
    const log = new KafkaEventLog({ kafka, topic });
    try {
      for (const after of [0, 1, 6, 7, 2500, 4999, seqs[seqs.length - 2]]) {
        const want = seqs.filter((s) => s > after);
        const t0 = Date.now();
        const r = recorder(log, after);
        await r.until(want.length);
        await r.sub.stop();
        expect(r.seqs()).toEqual(want);
        expect(Date.now() - t0).toBeLessThan(5000);
      }
      expect(await log.headSeq()).toBe(seqs[seqs.length - 1]);
    } finally {
      await log.close();
    }
  });
});
