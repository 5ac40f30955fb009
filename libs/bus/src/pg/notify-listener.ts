import pg from 'pg';
import { Doorbell, sleep, whenAborted } from '@skein/events';

export const CONFIG_EVENTS_CHANNEL = 'config_events';

/**
 * One LISTEN connection shared by the subscriptions of a PgTailEventLog, ringing their doorbells on each
 * notification.
 * Losing the connection loses notifications, so after a reconnect every doorbell is rung once; between
 * the two, the tails' polling fallback covers.
 */
export class PgNotifyListener {
  private readonly bells = new Set<Doorbell>();
  private readonly abort = new AbortController();
  private running?: Promise<void>;

  constructor(
    private readonly connection: string | pg.ClientConfig,
    private readonly channel = CONFIG_EVENTS_CHANNEL,
    private readonly onError: (err: Error) => void = () => {},
  ) {}

  /** Registers a doorbell; returns its removal. Starts listening on first use. */
  add(bell: Doorbell): () => void {
    this.bells.add(bell);
    this.running ??= this.run();
    return () => this.bells.delete(bell);
  }

  private ringAll(): void {
    for (const b of this.bells) b.ring();
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (!this.abort.signal.aborted) {
      const client = new pg.Client(this.connection);
      const lost = new Promise<void>((resolve) => {
        client.on('error', (err) => {
          this.onError(err);
          resolve();
        });
        client.on('end', () => resolve());
      });
      client.on('notification', () => this.ringAll());
      try {
        await client.connect();
        await client.query(`LISTEN ${this.channel}`);
        backoff = 100;
        this.ringAll();
        await Promise.race([lost, whenAborted(this.abort.signal)]);
      } catch (err) {
        this.onError(err as Error);
      } finally {
        await client.end().catch(() => {});
      }
      await sleep(backoff, this.abort.signal);
      backoff = Math.min(backoff * 2, 5000);
    }
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.running;
  }
}
