import { runConsumer, type RunningConsumer } from '@skein/bus';
import type { CommittedPosition, ConfigEvent, EventLog, PositionStore } from '@skein/events';

/**
 * The control node's state is memory only, so it must replay the whole log on every start: the position
 * store it is given only records progress (lag monitoring), it is never read back.
 */
class ReplayFromStart implements PositionStore {
  constructor(private readonly inner: PositionStore | undefined) {}
  async get(): Promise<CommittedPosition | undefined> {
    return undefined;
  }
  async commit(name: string, seq: number): Promise<void> {
    await this.inner?.commit(name, seq).catch(() => undefined);
  }
  async reset(name: string, seq: number): Promise<void> {
    await this.inner?.reset(name, seq).catch(() => undefined);
  }
}

export interface ConfigFeedOptions {
  log: EventLog;
  positions?: PositionStore;
  name: string;
  apply(batch: ConfigEvent[]): void;
  onError?(err: Error): void;
}

/** Follows `config.events` (Postgres tail or Kafka) from seq 0 and hands each batch to `apply`. */
export function startConfigFeed(o: ConfigFeedOptions): Promise<RunningConsumer> {
  return runConsumer({
    log: o.log,
    positions: new ReplayFromStart(o.positions),
    name: `control:${o.name}`,
    handle: async (batch) => o.apply(batch),
    onError: o.onError,
  });
}
