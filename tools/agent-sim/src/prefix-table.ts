import {
  formatIp,
  formatPrefix,
  parseIp,
  parsePrefix,
  type IpAddress,
  type IpPrefix,
  type IpVersion,
} from '@skein/xmpp';

/**
 * Longest-prefix match over canonical prefix strings: one hash map of every prefix plus the set of
 * prefix lengths in use; a lookup masks the address to each length in use, longest first, and probes
 * the map. At most 33 (IPv4) or 129 (IPv6) probes, usually a handful, and no structure beyond the map
 * that keys routes anyway — what matters when a fleet holds a million routes in one process.
 *
 * Keys are canonical (masked, RFC 5952) as `@skein/xmpp` decodes item ids, so `set` takes the id as is.
 */
export class PrefixTable<V> {
  private readonly entries = new Map<string, V>();
  /** How many prefixes of each length are present. */
  private readonly lengthCount: Int32Array;
  /** Lengths in use, longest first; rebuilt lazily after a length appears or disappears. */
  private lengths: number[] | undefined = [];

  constructor(readonly version: IpVersion) {
    this.lengthCount = new Int32Array(version === 4 ? 33 : 129);
  }

  get size(): number {
    return this.entries.size;
  }

  get(prefix: string): V | undefined {
    return this.entries.get(prefix);
  }

  /** `prefix` must be canonical (as decoded by `@skein/xmpp`, or from `canonicalPrefix`). */
  set(prefix: string, value: V): void {
    if (!this.entries.has(prefix)) {
      const len = prefixLength(prefix);
      if (this.lengthCount[len]++ === 0) this.lengths = undefined;
    }
    this.entries.set(prefix, value);
  }

  delete(prefix: string): boolean {
    if (!this.entries.delete(prefix)) return false;
    const len = prefixLength(prefix);
    if (--this.lengthCount[len] === 0) this.lengths = undefined;
    return true;
  }

  /** The most specific entry covering `address` (plain address text, either notation of the version). */
  lookup(address: string): { prefix: string; value: V } | undefined {
    const a = parseIp(address);
    if (a === undefined || a.version !== this.version) return undefined;
    for (const len of this.lengthsInUse()) {
      const prefix = `${formatIp(mask(a, len))}/${len}`;
      const value = this.entries.get(prefix);
      if (value !== undefined) return { prefix, value };
    }
    return undefined;
  }

  entriesIter(): IterableIterator<[string, V]> {
    return this.entries.entries();
  }

  private lengthsInUse(): number[] {
    if (this.lengths === undefined) {
      const ls: number[] = [];
      for (let l = this.lengthCount.length - 1; l >= 0; l--) if (this.lengthCount[l] > 0) ls.push(l);
      this.lengths = ls;
    }
    return this.lengths;
  }
}

function prefixLength(prefix: string): number {
  return Number(prefix.slice(prefix.lastIndexOf('/') + 1));
}

function mask(a: IpAddress, len: number): IpAddress {
  const bytes = a.bytes.slice();
  for (let bit = len; bit < bytes.length * 8; bit++) bytes[bit >> 3] &= ~(0x80 >> (bit & 7));
  return { version: a.version, bytes };
}

/** `addr/len` (masked); a bare address gets the host length. Undefined when it does not parse. */
export function parseRoutePrefix(s: string): IpPrefix | undefined {
  const text = s.includes('/') ? s : `${s}/${s.includes(':') ? 128 : 32}`;
  return parsePrefix(text, text.includes(':') ? 6 : 4);
}

/** Canonical `addr/len`; a bare address gets the host length. Undefined when it does not parse. */
export function canonicalRoutePrefix(s: string): { prefix: string; version: IpVersion } | undefined {
  const p = parseRoutePrefix(s);
  return p && { prefix: formatPrefix(p), version: p.address.version };
}
