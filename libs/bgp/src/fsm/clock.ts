/**
 * Time as the session sees it. Production uses `systemClock`; tests drive a `ManualClock` so hold-timer
 * expiry and keepalive cadence are checked without waiting.
 */
export interface Clock {
  now(): number;
  setTimer(ms: number, fn: () => void): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (ms, fn) => {
    const t = setTimeout(fn, ms);
    // Timers alone must not keep a process (or a test run) alive.
    t.unref();
    return t;
  },
  clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
};

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

export class ManualClock implements Clock {
  private time = 0;
  private seq = 0;
  private pending = new Set<Pending>();

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(ms: number, fn: () => void): unknown {
    const p = { at: this.time + Math.max(0, ms), seq: this.seq++, fn };
    this.pending.add(p);
    return p;
  }

  clearTimer(handle: unknown): void {
    this.pending.delete(handle as Pending);
  }

  /** Moves time forward, firing due timers in order (including ones they set that fall due). */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      let next: Pending | undefined;
      for (const p of this.pending)
        if (p.at <= until && (!next || p.at < next.at || (p.at === next.at && p.seq < next.seq))) next = p;
      if (!next) break;
      this.pending.delete(next);
      this.time = next.at;
      next.fn();
    }
    this.time = until;
  }

  /** Timers still armed, for assertions. */
  get armed(): number {
    return this.pending.size;
  }
}
