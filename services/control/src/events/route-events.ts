import type { Kafka, Producer } from 'kafkajs';
import { Topics } from '@skein/events';
import type { PathEvent } from '../rib';
import { describePath } from '../rib';

/** One `control.routes` record: key = routing instance (session events: the peer or agent name). */
export interface RouteRecord {
  key: string;
  value: Record<string, unknown>;
}

/** Where route and session changes go (routing.md B1). Publishing must never block routing. */
export interface RouteEventSink {
  publish(records: readonly RouteRecord[]): void;
  close(): Promise<void>;
}

export function pathRecords(events: readonly PathEvent[], ts: string): RouteRecord[] {
  return events.map((e) => ({
    key: e.ri,
    value: {
      kind: 'route',
      op: e.op,
      ts,
      ri: e.ri,
      table: e.table,
      prefix: e.prefix,
      peer: e.peer,
      source: e.source,
      path: describePath(e.path, e.op === 'delete' ? null : e.path.dest),
    },
  }));
}

export function sessionRecord(
  name: string,
  type: 'bgp' | 'xmpp',
  state: 'up' | 'down',
  detail: Record<string, unknown>,
  ts: string,
): RouteRecord {
  return { key: name, value: { kind: 'session', ts, name, type, state, ...detail } };
}

/**
 * Sends records to Kafka in order, one `send` at a time; records produced while one is in flight are
 * batched into the next. A broker outage drops records after logging: routing state is not held back by
 * its audit trail.
 */
export class KafkaRouteEventSink implements RouteEventSink {
  private readonly producer: Producer;
  private connected: Promise<void> | undefined;
  private queue: RouteRecord[] = [];
  private sending: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    private readonly onError: (err: Error) => void,
    private readonly topic: string = Topics.controlRoutes,
  ) {
    this.producer = kafka.producer({ allowAutoTopicCreation: true });
  }

  publish(records: readonly RouteRecord[]): void {
    if (records.length === 0) return;
    for (const r of records) this.queue.push(r); // not push(...records): a big flush overflows the stack
    this.sending ??= this.drain();
  }

  private async drain(): Promise<void> {
    try {
      this.connected ??= this.producer.connect();
      await this.connected;
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        await this.producer.send({
          topic: this.topic,
          messages: batch.map((r) => ({ key: r.key, value: JSON.stringify(r.value) })),
        });
      }
    } catch (err) {
      this.queue = [];
      this.connected = undefined;
      this.onError(err as Error);
    } finally {
      this.sending = undefined;
    }
  }

  async close(): Promise<void> {
    await this.sending;
    if (this.connected) await this.producer.disconnect().catch(() => undefined);
  }
}

/** Keeps records in memory (tests, and the all-in-one without Kafka when asked to). */
export class MemoryRouteEventSink implements RouteEventSink {
  readonly records: RouteRecord[] = [];
  publish(records: readonly RouteRecord[]): void {
    for (const r of records) this.records.push(r);
  }
  async close(): Promise<void> {}
}
