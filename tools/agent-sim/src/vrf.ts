import type { EvpnNlri, NextHop, RouteEntry } from '@skein/xmpp';
import { PrefixTable } from './prefix-table';

/**
 * One VRF's forwarding state as a vRouter agent keeps it: the inet and inet6 tables (prefix → next hops,
 * several = ECMP) and the EVPN table (MAC/IP → next hops, plus the BUM olist). A prefix can hold this
 * agent's own interface (local) next hops and the paths the control node sent (learned); the control node
 * never sends an agent its own paths (routing.md B9), so the two never describe the same path.
 */

export interface FibNextHop {
  /** Tunnel endpoint: the vRouter (or gateway) address. */
  address: string;
  /** MPLS label, or VNI with vxlan. */
  label: number;
  /** What this agent would encapsulate with: its first priority the path offers; undefined if none. */
  encapsulation: string | undefined;
  /** Everything the path offers, as received. */
  encapsulations: string[];
  /** The destination VN (per next hop, else the entry's), what policy and flow records match on. */
  vn: string | undefined;
  /** Security group ids of the destination. */
  sgs: number[];
  tags: number[];
  /** Set for this agent's own interfaces: the VMI uuid. */
  interface?: string;
  mac?: string;
}

export interface FibEntry {
  ri: string;
  family: 'inet' | 'inet6';
  prefix: string;
  /** Local next hops first, then learned ones; more than one is ECMP. */
  nextHops: FibNextHop[];
  /** The control node's entry as received (local-preference, med, communities, load-balance). */
  learned: RouteEntry | undefined;
  /** Learned before the last reconnect and not refreshed yet; swept at the new session's end-of-RIB. */
  stale: boolean;
}

export interface EvpnFibEntry {
  ri: string;
  /** The item id, `[<tag>-]<mac>,<ip>/<plen>`. */
  id: string;
  nlri: EvpnNlri;
  nextHops: FibNextHop[];
  /** Broadcast (BUM) entry: where to replicate, one next hop per other vRouter/PE. */
  olist: FibNextHop[];
  learned: RouteEntry;
  stale: boolean;
}

/** TF's default `encapsulation_priorities` (global-vrouter-config): MPLSoGRE, MPLSoUDP, VXLAN. */
export const DEFAULT_ENCAPSULATION_PRIORITY: readonly string[] = ['gre', 'udp', 'vxlan'];

export function chooseEncapsulation(
  offered: readonly string[],
  priority: readonly string[],
): string | undefined {
  // routing.md B8: a labelled path without a list is MPLSoGRE.
  if (offered.length === 0) return 'gre';
  return priority.find((e) => offered.includes(e));
}

export function fibNextHop(nh: NextHop, entry: RouteEntry, priority: readonly string[]): FibNextHop {
  const f: FibNextHop = {
    address: nh.address,
    label: nh.label,
    encapsulation: chooseEncapsulation(nh.tunnelEncapsulations, priority),
    encapsulations: nh.tunnelEncapsulations,
    vn: nh.virtualNetwork ?? entry.virtualNetwork,
    sgs: entry.securityGroups,
    tags: nh.tags,
  };
  if (nh.mac !== undefined) f.mac = nh.mac;
  return f;
}

/** What is kept per prefix; `view` is rebuilt on every change so callers hold immutable snapshots. */
interface Slot {
  local: Map<string, FibNextHop>;
  learned: RouteEntry | undefined;
  learnedNextHops: FibNextHop[];
  /** Session generation that last wrote `learned`. */
  gen: number;
  view: FibEntry;
}

interface EvpnSlot {
  gen: number;
  view: EvpnFibEntry;
}

export type FibChange =
  | { family: 'inet' | 'inet6'; key: string; entry: FibEntry | undefined }
  | { family: 'evpn'; key: string; entry: EvpnFibEntry | undefined };

export class Vrf {
  private readonly inet = new PrefixTable<Slot>(4);
  private readonly inet6 = new PrefixTable<Slot>(6);
  private readonly evpn = new Map<string, EvpnSlot>();

  constructor(
    readonly ri: string,
    private readonly priority: readonly string[],
  ) {}

  get size(): { inet: number; inet6: number; evpn: number } {
    return { inet: this.inet.size, inet6: this.inet6.size, evpn: this.evpn.size };
  }

  lookup(address: string): FibEntry | undefined {
    const t = address.includes(':') ? this.inet6 : this.inet;
    return t.lookup(address)?.value.view;
  }

  get(family: 'inet' | 'inet6', prefix: string): FibEntry | undefined {
    return this.table(family).get(prefix)?.view;
  }

  getEvpn(id: string): EvpnFibEntry | undefined {
    return this.evpn.get(id)?.view;
  }

  /** Every EVPN entry for a MAC (a linear scan: EVPN tables in tests are small). */
  evpnByMac(mac: string): EvpnFibEntry[] {
    const out: EvpnFibEntry[] = [];
    for (const s of this.evpn.values()) if (s.view.nlri.mac === mac) out.push(s.view);
    return out;
  }

  *entries(): IterableIterator<FibEntry> {
    for (const [, s] of this.inet.entriesIter()) yield s.view;
    for (const [, s] of this.inet6.entriesIter()) yield s.view;
  }

  *evpnEntries(): IterableIterator<EvpnFibEntry> {
    for (const s of this.evpn.values()) yield s.view;
  }

  /** Installs (entry) or removes (undefined) the control node's route for an inet/inet6 prefix. */
  setLearned(
    family: 'inet' | 'inet6',
    prefix: string,
    entry: RouteEntry | undefined,
    gen: number,
  ): FibChange | undefined {
    const t = this.table(family);
    let slot = t.get(prefix);
    if (entry === undefined) {
      if (slot?.learned === undefined) return undefined;
      slot.learned = undefined;
      slot.learnedNextHops = [];
    } else {
      slot ??= { local: new Map(), learned: undefined, learnedNextHops: [], gen, view: undefined! };
      slot.learned = entry;
      slot.learnedNextHops = entry.nextHops.map((nh) => fibNextHop(nh, entry, this.priority));
      slot.gen = gen;
    }
    return this.commit(family, prefix, slot, gen);
  }

  /** Adds or removes this agent's own interface as a next hop of `prefix`. */
  setLocal(
    family: 'inet' | 'inet6',
    prefix: string,
    vmi: string,
    nh: FibNextHop | undefined,
    gen: number,
  ): FibChange | undefined {
    const t = this.table(family);
    let slot = t.get(prefix);
    if (nh === undefined) {
      if (slot === undefined || !slot.local.delete(vmi)) return undefined;
    } else {
      slot ??= { local: new Map(), learned: undefined, learnedNextHops: [], gen, view: undefined! };
      slot.local.set(vmi, nh);
    }
    return this.commit(family, prefix, slot, gen);
  }

  setEvpn(id: string, nlri: EvpnNlri, entry: RouteEntry | undefined, gen: number): FibChange | undefined {
    if (entry === undefined) {
      if (!this.evpn.delete(id)) return undefined;
      return { family: 'evpn', key: id, entry: undefined };
    }
    const view: EvpnFibEntry = {
      ri: this.ri,
      id,
      nlri,
      nextHops: entry.nextHops.map((nh) => fibNextHop(nh, entry, this.priority)),
      olist: (entry.olist ?? []).map((nh) => fibNextHop(nh, entry, this.priority)),
      learned: entry,
      stale: false,
    };
    this.evpn.set(id, { gen, view });
    return { family: 'evpn', key: id, entry: view };
  }

  /** Marks learned routes older than `gen` (the new session's generation) stale. */
  markStale(gen: number): FibChange[] {
    const out: FibChange[] = [];
    for (const family of ['inet', 'inet6'] as const) {
      for (const [prefix, slot] of this.table(family).entriesIter()) {
        if (slot.learned !== undefined && !slot.view.stale) {
          const c = this.commit(family, prefix, slot, gen);
          if (c) out.push(c);
        }
      }
    }
    for (const [id, s] of this.evpn) {
      if (!s.view.stale) {
        s.view = { ...s.view, stale: true };
        out.push({ family: 'evpn', key: id, entry: s.view });
      }
    }
    return out;
  }

  /** Removes learned routes older than `gen`: what the new session's end-of-RIB did not refresh. */
  sweep(gen: number): FibChange[] {
    const out: FibChange[] = [];
    for (const family of ['inet', 'inet6'] as const) {
      const stale = [...this.table(family).entriesIter()].filter(
        ([, s]) => s.learned !== undefined && s.gen < gen,
      );
      for (const [prefix] of stale) {
        const c = this.setLearned(family, prefix, undefined, gen);
        if (c) out.push(c);
      }
    }
    for (const [id, s] of [...this.evpn]) {
      if (s.gen < gen) {
        this.evpn.delete(id);
        out.push({ family: 'evpn', key: id, entry: undefined });
      }
    }
    return out;
  }

  /** Drops every learned route (unsubscribe, or no stale keeping); local ones stay. */
  clearLearned(): FibChange[] {
    return this.sweep(Number.MAX_SAFE_INTEGER);
  }

  private table(family: 'inet' | 'inet6'): PrefixTable<Slot> {
    return family === 'inet' ? this.inet : this.inet6;
  }

  private commit(family: 'inet' | 'inet6', prefix: string, slot: Slot, gen: number): FibChange | undefined {
    const t = this.table(family);
    if (slot.local.size === 0 && slot.learned === undefined) {
      t.delete(prefix);
      return { family, key: prefix, entry: undefined };
    }
    slot.view = {
      ri: this.ri,
      family,
      prefix,
      nextHops: [...slot.local.values(), ...slot.learnedNextHops],
      learned: slot.learned,
      stale: slot.learned !== undefined && slot.gen < gen,
    };
    t.set(prefix, slot);
    return { family, key: prefix, entry: slot.view };
  }
}
