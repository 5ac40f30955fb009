import type { EventSubscription } from './event-log';

/**
 * The plumbing every EventLog subscription shares: a read loop that runs until stopped or failed, a `done`
 * promise, and a stop that waits for the loop. `loop` must return soon after `signal` aborts (use
 * `sleep(ms, signal)` for its waits).
 */
export function startSubscription(
  afterSeq: number,
  loop: (ctx: { signal: AbortSignal; delivered(seq: number): void }) => Promise<void>,
): EventSubscription {
  const abort = new AbortController();
  let lastSeq = afterSeq;
  const done = (async () => {
    // Start on the next tick so the caller can attach to `done` before anything can fail.
    await Promise.resolve();
    await loop({ signal: abort.signal, delivered: (seq) => (lastSeq = seq) });
  })();
  // A subscription that fails while nobody awaits `done` must not crash the process as an unhandled
  // rejection; the error stays observable through `done`.
  done.catch(() => {});
  return {
    done,
    get lastSeq() {
      return lastSeq;
    },
    async stop() {
      abort.abort();
      await done.catch(() => {});
    },
  };
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * A wake-up for read loops: `ring()` from whoever learns of new data (a NOTIFY, an append), `wait()` in
 * the loop. Rings while nobody waits are remembered, so a ring between a read and the wait is not lost.
 */
export class Doorbell {
  private rung = false;
  private waiters: Array<() => void> = [];

  ring(): void {
    this.rung = true;
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves on a ring (possibly one that happened since the last wait), after `ms`, or on abort. */
  async wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.rung) {
      this.rung = false;
      return;
    }
    const inner = new AbortController();
    const onAbort = () => inner.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const wake = () => inner.abort();
    this.waiters.push(wake);
    try {
      await sleep(ms, inner.signal);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.waiters = this.waiters.filter((w) => w !== wake);
      this.rung = false;
    }
  }
}

/** Resolves when `signal` aborts (at once if it already has). */
export function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
