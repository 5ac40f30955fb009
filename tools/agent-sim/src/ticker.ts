/**
 * One interval timer drives every time-based duty of many agents (keepalive, hold timer, connect timeout,
 * reconnect backoff), so a fleet of a thousand agents costs one timer, not thousands. Each duty is a
 * deadline checked on the tick; the price is that a deadline fires up to one period late, which callers
 * account for (see `Connection.onTick`).
 */
export interface TickClient {
  onTick(now: number): void;
}

export class Ticker {
  private readonly clients = new Set<TickClient>();
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly periodMs: number) {
    if (!(periodMs >= 1)) throw new RangeError('tick period must be at least 1 ms');
  }

  /** The period an agent with this hold time needs: fine enough for hold/3 keepalives, at most 1 s. */
  static periodFor(holdTimeMs: number): number {
    return Math.max(10, Math.min(1000, Math.floor(holdTimeMs / 12)));
  }

  add(c: TickClient): void {
    this.clients.add(c);
    // Kept referenced: an agent waiting out a backoff has no socket, and must still keep the process alive.
    this.timer ??= setInterval(() => this.tick(), this.periodMs);
  }

  remove(c: TickClient): void {
    this.clients.delete(c);
    if (this.clients.size === 0 && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  get size(): number {
    return this.clients.size;
  }

  private tick(): void {
    const now = Date.now();
    for (const c of this.clients) c.onTick(now);
  }
}

/**
 * Bounds how many agents are between "TCP connect started" and "stream established" at once, so a fleet
 * start (or a control-node restart that drops every session) does not open a thousand handshakes in the
 * same millisecond. FIFO, so every agent eventually gets its turn.
 */
export class ConnectRamp {
  private readonly waiting: Array<() => void> = [];
  private readonly queued = new Set<() => void>();
  private inFlight = 0;

  constructor(readonly maxInFlight: number) {
    if (!(maxInFlight >= 1)) throw new RangeError('maxInFlight must be at least 1');
  }

  /** Calls `go` now or when a slot frees; the caller must `release()` once per `go`. */
  request(go: () => void): void {
    if (this.queued.has(go)) return;
    if (this.inFlight < this.maxInFlight) {
      this.inFlight++;
      go();
      return;
    }
    this.queued.add(go);
    this.waiting.push(go);
  }

  /** Withdraws a request that has not started yet (an agent stopped while queued). */
  cancel(go: () => void): void {
    if (!this.queued.delete(go)) return;
    const i = this.waiting.indexOf(go);
    if (i >= 0) this.waiting.splice(i, 1);
  }

  release(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      this.queued.delete(next);
      this.inFlight++;
      next();
    }
  }

  get pending(): number {
    return this.waiting.length;
  }

  get active(): number {
    return this.inFlight;
  }
}
