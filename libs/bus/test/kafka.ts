import type { Kafka } from 'kafkajs';
import { ephemeralGroupId, messageSeq, partitionOffsets } from '../src/kafka/topic';

export async function partitionOffsetsFor(kafka: Kafka, topic: string) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await partitionOffsets(admin, topic);
  } finally {
    await admin.disconnect();
  }
}

/** Every message of partition 0 as the topic holds it (no dedupe): seqs in offset order. */
export async function readRawSeqs(kafka: Kafka, topic: string, timeoutMs = 30_000): Promise<number[]> {
  const { low, high } = await partitionOffsetsFor(kafka, topic);
  const seqs: number[] = [];
  if (high <= low) return seqs;
  const consumer = kafka.consumer({ groupId: ephemeralGroupId('raw-read'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  try {
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          seqs.push(messageSeq(m));
          if (Number(m.offset) >= high - 1) done();
        }
      },
    });
    let t: NodeJS.Timeout | undefined;
    await Promise.race([
      finished,
      new Promise(
        (_, reject) => (t = setTimeout(() => reject(new Error(`raw read of ${topic} timed out`)), timeoutMs)),
      ),
    ]);
    clearTimeout(t);
  } finally {
    await consumer.disconnect();
  }
  return seqs;
}
