import { ChangeSet, headSeq, type Db, type StoredObject } from '@skein/store';
import type { WriteResult } from './config-service';
import { WriteTx, type RequestContext } from './write-tx';

interface Job {
  ctx: RequestContext;
  fn: (w: WriteTx) => Promise<unknown>;
  resolve: (r: WriteResult<any>) => void;
  reject: (e: unknown) => void;
}

export interface BatcherOptions {
  /** Requests per shared transaction. */
  maxBatch?: number;
  /** Transactions (connections) in flight at once; requests queue behind them and form the next batches. */
  maxInFlight?: number;
}

/**
 * Group commit for creates: requests that arrive while earlier ones are being written share one
 * transaction on one pipelined connection. Their statements interleave and leave in shared socket writes,
 * their changes are flushed by one statement, and one COMMIT makes them durable together — on these machines
 * the per-statement and per-commit costs, not the work, bound the write rate.
 *
 * A batch is all or nothing: if any request in it fails, or two of them changed the same existing object,
 * the transaction is rolled back and every request of the batch runs again on its own (so a failing request
 * gets exactly the answer it would have had alone, and the others still succeed). Under light load a
 * request finds a free slot and runs alone at once, so batching adds no latency.
 */
export class WriteBatcher {
  private readonly queue: Job[] = [];
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  /** Batches committed together, and batches that fell back to one transaction per request. */
  readonly stats = { batches: 0, batched: 0, fallbacks: 0 };

  constructor(
    private readonly db: Db,
    private readonly single: <T>(
      ctx: RequestContext,
      fn: (w: WriteTx) => Promise<T>,
    ) => Promise<WriteResult<T>>,
    private readonly prepare: (w: WriteTx) => void,
    opts: BatcherOptions = {},
  ) {
    this.maxBatch = opts.maxBatch ?? 32;
    this.maxInFlight = opts.maxInFlight ?? 4;
  }

  /** Requests waiting for a free slot. */
  get queued(): number {
    return this.queue.length;
  }

  run<T>(ctx: RequestContext, fn: (w: WriteTx) => Promise<T>): Promise<WriteResult<T>> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ctx, fn, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.execute(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async execute(batch: Job[]): Promise<void> {
    if (batch.length === 1) return this.alone(batch[0]);
    let results: WriteResult<unknown>[] | undefined;
    try {
      results = await this.db.tx(async (c) => {
        const txs = batch.map((j) => {
          const w = new WriteTx(c, j.ctx);
          this.prepare(w);
          return w;
        });
        const settled = await Promise.allSettled(batch.map((j, i) => j.fn(txs[i])));
        if (settled.some((s) => s.status === 'rejected') || overlapping(txs)) throw new BatchAbandoned();
        const seqs = await ChangeSet.merge(txs.map((w) => w.cs)).flushAll(c, true);
        const head = seqs.length ? 0 : await headSeq(c);
        let k = 0;
        return settled.map((s, i) => {
          k += txs[i].cs.events.length;
          return {
            value: (s as PromiseFulfilledResult<unknown>).value,
            seq: txs[i].cs.events.length ? seqs[k - 1] : head || seqs[seqs.length - 1],
          };
        });
      });
    } catch {
      results = undefined;
    }
    if (results) {
      this.stats.batches++;
      this.stats.batched += batch.length;
      batch.forEach((j, i) => j.resolve(results![i]));
      return;
    }
    this.stats.fallbacks++;
    await Promise.all(batch.map((j) => this.alone(j)));
  }

  private async alone(j: Job): Promise<void> {
    try {
      j.resolve(await this.single(j.ctx, j.fn));
    } catch (e) {
      j.reject(e);
    }
  }
}

class BatchAbandoned extends Error {}

/** Two requests of a batch changed (or one changed and one deleted) the same existing object. */
function overlapping(txs: WriteTx[]): boolean {
  const seen = new Set<string>();
  for (const w of txs) {
    const mine = new Set<string>([...w.cs.updates.map((o: StoredObject) => o.uuid), ...w.cs.deletes]);
    for (const u of mine) {
      if (seen.has(u)) return true;
    }
    for (const u of mine) seen.add(u);
  }
  return false;
}
