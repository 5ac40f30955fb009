import { ipv4ToNumber } from './ip';

/**
 * Route distinguishers (routing.md B3), all type 1 (`<IPv4>:<n16>`):
 * - an agent's path in an RI: `<agent next-hop>:<instance-id of its subscribe to that RI>`, so two agents
 *   announcing one prefix make two VPN routes;
 * - a route the control node originates (static, aggregate): `<router-id>:<ri index>`.
 */

const MAX_ASSIGNED = 0xffff;

export function agentRd(nextHop: string, instanceId: number): string | undefined {
  if (
    ipv4ToNumber(nextHop) < 0 ||
    !Number.isInteger(instanceId) ||
    instanceId < 0 ||
    instanceId > MAX_ASSIGNED
  )
    return undefined;
  return `${nextHop}:${instanceId}`;
}

export function originatedRd(routerId: string, riIndex: number): string | undefined {
  return agentRd(routerId, riIndex);
}

/** The RD of a VPN key (`<rd>:<prefix>`, `@skein/bgp`'s `nlriKey` for inet-vpn/inet6-vpn): an RD has one colon. */
export function splitVpnKey(key: string): { rd: string; prefix: string } {
  const second = key.indexOf(':', key.indexOf(':') + 1);
  return { rd: key.slice(0, second), prefix: key.slice(second + 1) };
}

/**
 * RI indexes for originated RDs: the lowest free number >= 1, as TF allocates them. Indexes the control node
 * persisted are reserved on restart so RDs stay stable.
 */
export class IndexAllocator {
  private next = 1;
  private readonly used = new Set<number>();
  /** Freed numbers below `next`, as a binary min-heap (may hold numbers reserved since; skipped on pop). */
  private readonly free: number[] = [];

  allocate(): number {
    while (this.free.length > 0) {
      const n = this.pop();
      if (!this.used.has(n)) {
        this.used.add(n);
        return n;
      }
    }
    while (this.used.has(this.next)) this.next++;
    const n = this.next++;
    this.used.add(n);
    return n;
  }

  /** Takes a specific index (a persisted one); false when it is taken. */
  reserve(n: number): boolean {
    if (!Number.isInteger(n) || n < 1 || this.used.has(n)) return false;
    this.used.add(n);
    for (; this.next < n; this.next++) if (!this.used.has(this.next)) this.push(this.next);
    if (this.next === n) this.next++;
    return true;
  }

  release(n: number): void {
    if (!this.used.delete(n)) return;
    this.push(n);
  }

  has(n: number): boolean {
    return this.used.has(n);
  }

  private push(n: number): void {
    const h = this.free;
    h.push(n);
    for (let i = h.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (h[parent]! <= h[i]!) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }

  private pop(): number {
    const h = this.free;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]! < h[m]!) m = l;
        if (r < h.length && h[r]! < h[m]!) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }
}
