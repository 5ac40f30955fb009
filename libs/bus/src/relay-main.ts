#!/usr/bin/env node
/**
 * The relay as its own process:
 *
 *   DATABASE_URL=postgres://... KAFKA_BROKERS=127.0.0.1:9092 node libs/bus/dist/relay-main.js
 *
 * (after `npx tsc -b libs/bus`), or straight from the sources with `node libs/bus/bin/relay-dev.js`.
 * Optional: SKEIN_RELAY_TOPIC (default config.events), SKEIN_RELAY_BATCH (rows per batch).
 * SIGTERM/SIGINT stop it cleanly; SIGKILL is safe too (the next start resumes from the topic's tail).
 * Logs are JSON lines on stderr.
 */
import { Kafka, logLevel } from 'kafkajs';
import { Relay, type RelayLogger } from './relay';

function line(level: string, msg: string, fields?: Record<string, unknown>) {
  process.stderr.write(JSON.stringify({ t: new Date().toISOString(), level, msg, ...fields }) + '\n');
}

export async function main(env = process.env): Promise<Relay> {
  const db = env.DATABASE_URL;
  const brokers = env.KAFKA_BROKERS;
  if (!db || !brokers) {
    line('error', 'DATABASE_URL and KAFKA_BROKERS are required');
    process.exit(2);
  }
  const logger: RelayLogger = { info: (m, f) => line('info', m, f), error: (m, f) => line('error', m, f) };
  const relay = new Relay({
    connection: db,
    kafka: new Kafka({ clientId: 'skein-relay', brokers: brokers.split(','), logLevel: logLevel.NOTHING }),
    topic: env.SKEIN_RELAY_TOPIC || undefined,
    batchSize: env.SKEIN_RELAY_BATCH ? Number(env.SKEIN_RELAY_BATCH) : undefined,
    logger,
  });
  await relay.start();
  let stopping = false;
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.on(sig, () => {
      if (stopping) return;
      stopping = true;
      line('info', 'relay stopping', { signal: sig, ...relay.status });
      relay.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  return relay;
}

if (require.main === module) void main();
