import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

/**
 * The broker started for this test run by global-setup.js. Throws rather than returning nothing: a test
 * that needs Kafka must fail when there is none, never skip quietly.
 */
export function kafkaBrokers(): string[] {
  const v = process.env.SKEIN_TEST_KAFKA_BROKERS;
  if (!v) {
    throw new Error(
      'No Kafka broker for tests: SKEIN_TEST_KAFKA_BROKERS is unset. Run tests through Jest with the ' +
        'workspace config (its globalSetup starts one via scripts/kafka/start.sh), or point the variable ' +
        'at a broker (host:port[,host:port]). SKEIN_TEST_KAFKA=0 disables the harness broker.',
    );
  }
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A kafkajs client on the test broker; quiet, because kafkajs logs every retry at ERROR. */
export function testKafka(clientId = 'skein-test'): Kafka {
  return new Kafka({ brokers: kafkaBrokers(), clientId, logLevel: logLevel.NOTHING });
}

/** Topic names are unique per call so test files sharing the run's one broker never see each other. */
export function uniqueTopicName(prefix = 'test'): string {
  return `${prefix}.${Date.now().toString(36)}.${randomBytes(4).toString('hex')}`;
}

/** Creates a topic (default: a fresh unique name, one partition) and waits until it has a leader. */
export async function createTopic(name = uniqueTopicName(), partitions = 1): Promise<string> {
  const admin = testKafka('skein-test-admin').admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  return name;
}
