import type { RouteEventSink, RouteRecord } from './route-events';

export type RouteListener = (records: readonly RouteRecord[]) => void;

/**
 * The one stream of route and session changes (routing.md B1): the `control.routes` sink and live watchers
 * (gRPC `Routes.Watch`) read the same records, so what a watcher sees is what Kafka gets.
 */
export class RouteFeed {
  private readonly listeners = new Set<RouteListener>();

  constructor(
    private readonly sink: RouteEventSink | undefined,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** Whether anyone reads the records (building them for nobody is wasted work on large bursts). */
  get active(): boolean {
    return this.sink !== undefined || this.listeners.size > 0;
  }

  publish(records: readonly RouteRecord[]): void {
    if (records.length === 0) return;
    this.sink?.publish(records);
    for (const l of this.listeners) {
      // A broken watcher must not stop routing or starve the others.
      try {
        l(records);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  /** Returns the unsubscribe function. */
  subscribe(l: RouteListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.sink?.close();
  }
}
