/**
 * Promises that settle when a keyed condition becomes true, re-checked only when that key changes, so
 * a thousand waiting tests or fleet checks cost nothing while unrelated routes churn. Timers exist only
 * while someone waits.
 */
interface Waiter<T> {
  probe: () => T | undefined;
  resolve: (v: T) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class Waiters<T> {
  private readonly byKey = new Map<string, Set<Waiter<T>>>();

  /** Resolves with `probe()`'s first defined value; checked now and on every `check(key)`. */
  wait(key: string, probe: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    const now = probe();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise<T>((resolve, reject) => {
      const w: Waiter<T> = {
        probe,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.remove(key, w);
          reject(new Error(`${describe()} (after ${timeoutMs} ms)`));
        }, timeoutMs),
      };
      let set = this.byKey.get(key);
      if (set === undefined) this.byKey.set(key, (set = new Set()));
      set.add(w);
    });
  }

  check(key: string): void {
    const set = this.byKey.get(key);
    if (set === undefined) return;
    for (const w of [...set]) {
      const v = w.probe();
      if (v === undefined) continue;
      clearTimeout(w.timer);
      this.remove(key, w);
      w.resolve(v);
    }
  }

  rejectAll(e: Error): void {
    for (const set of this.byKey.values()) {
      for (const w of set) {
        clearTimeout(w.timer);
        w.reject(e);
      }
    }
    this.byKey.clear();
  }

  private remove(key: string, w: Waiter<T>): void {
    const set = this.byKey.get(key);
    if (set === undefined) return;
    set.delete(w);
    if (set.size === 0) this.byKey.delete(key);
  }
}
