import type { ConfigEvent } from './envelope';
import type {
  BatchHandler,
  CommittedPosition,
  EventLog,
  EventSubscription,
  PositionStore,
  SubscribeOptions,
} from './event-log';
import { Doorbell, startSubscription } from './subscription';

/**
 * An EventLog in memory, for controller unit tests. Like the Kafka topic it is an append-only list that
 * may hold duplicates (same seq again); subscriptions drop anything at or below what they delivered.
 */
export class InMemoryEventLog implements EventLog {
  private readonly entries: ConfigEvent[] = [];
  private readonly bells = new Set<Doorbell>();
  private readonly subs = new Set<EventSubscription>();

  /** Appends in the given order. Seqs must not decrease except for duplicates of already appended ones. */
  append(...events: ConfigEvent[]): void {
    this.entries.push(...events);
    for (const b of this.bells) b.ring();
  }

  async headSeq(): Promise<number> {
    return this.entries.reduce((m, e) => Math.max(m, e.seq), 0);
  }

  subscribe(afterSeq: number, onBatch: BatchHandler, options: SubscribeOptions = {}): EventSubscription {
    const max = options.maxBatch ?? 1000;
    const bell = new Doorbell();
    this.bells.add(bell);
    const sub = startSubscription(afterSeq, async ({ signal, delivered }) => {
      let last = afterSeq;
      let index = 0;
      try {
        while (!signal.aborted) {
          const batch: ConfigEvent[] = [];
          while (index < this.entries.length && batch.length < max) {
            const e = this.entries[index++];
            if (e.seq > last && e.seq > (batch.at(-1)?.seq ?? -Infinity)) batch.push(e);
          }
          if (batch.length === 0) {
            await bell.wait(60_000, signal);
            continue;
          }
          await onBatch(batch);
          last = batch[batch.length - 1].seq;
          delivered(last);
        }
      } finally {
        this.bells.delete(bell);
        this.subs.delete(sub);
      }
    });
    this.subs.add(sub);
    return sub;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subs].map((s) => s.stop()));
  }
}

export class InMemoryPositionStore implements PositionStore {
  private readonly positions = new Map<string, CommittedPosition>();

  async get(name: string): Promise<CommittedPosition | undefined> {
    const p = this.positions.get(name);
    return p && { ...p };
  }

  async commit(name: string, seq: number): Promise<void> {
    const cur = this.positions.get(name);
    if (!cur || seq > cur.seq) this.positions.set(name, { name, seq, updatedAt: new Date() });
  }

  async reset(name: string, seq: number): Promise<void> {
    this.positions.set(name, { name, seq, updatedAt: new Date() });
  }
}
