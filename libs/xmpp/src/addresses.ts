/**
 * Address parsing and canonical text, hand-written because `node:net` stays out of this library and route
 * keys must be canonical: two agents writing `FD00::3/128` and `fd00::3/128` publish the same route.
 *
 * Canonical forms: IPv4 dotted decimal without leading zeros (inet_pton rejects them, so TF does too);
 * IPv6 per RFC 5952 (lower case, longest zero run compressed, `::ffff:a.b.c.d` for IPv4-mapped);
 * MAC as six lower-case two-digit groups, like TF's `MacAddress::ToString`.
 */

export type IpVersion = 4 | 6;

export interface IpAddress {
  version: IpVersion;
  /** 4 or 16 bytes, network order. */
  bytes: Uint8Array;
}

const DEC_OCTET = /^(0|[1-9][0-9]{0,2})$/;

export function parseIPv4(s: string): Uint8Array | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!DEC_OCTET.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

export function parseIPv6(s: string): Uint8Array | undefined {
  if (s.length === 0 || s.length > 45) return undefined;
  let tail4: Uint8Array | undefined;
  let body = s;
  const lastColon = s.lastIndexOf(':');
  if (lastColon >= 0 && s.indexOf('.', lastColon) > 0) {
    tail4 = parseIPv4(s.slice(lastColon + 1));
    if (tail4 === undefined) return undefined;
    // Keep the colon(s) in front of the IPv4 part: `::1.2.3.4` → `::`, `a::1.2.3.4` → `a::`, `a:b:…:1.2.3.4` → `a:b:…:`.
    body = s.slice(0, lastColon + 1);
    if (!body.endsWith('::')) body = body.slice(0, -1);
  }
  const groupsWanted = tail4 ? 6 : 8;
  const dbl = body.indexOf('::');
  if (dbl >= 0 && body.indexOf('::', dbl + 1) >= 0) return undefined;
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const gs = part.split(':');
    const out: number[] = [];
    for (const g of gs) {
      if (!HEX_GROUP.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[];
  if (dbl >= 0) {
    const head = parseGroups(body.slice(0, dbl));
    const rest = parseGroups(body.slice(dbl + 2));
    if (head === undefined || rest === undefined) return undefined;
    const missing = groupsWanted - head.length - rest.length;
    // RFC 4291: `::` stands for one or more groups of zeros.
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<number>(missing).fill(0), ...rest];
  } else {
    const all = parseGroups(body);
    if (all === undefined || all.length !== groupsWanted) return undefined;
    groups = all;
  }
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  if (tail4) out.set(tail4, 12);
  return out;
}

export function formatIPv4(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

export function formatIPv6(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((b[2 * i]! << 8) | b[2 * i + 1]!);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${formatIPv4(b.subarray(12))}`;
  }
  // Longest run of zero groups (length ≥ 2, leftmost on ties) becomes `::` (RFC 5952 §4.2).
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

export function parseIp(s: string): IpAddress | undefined {
  const v4 = parseIPv4(s);
  if (v4) return { version: 4, bytes: v4 };
  const v6 = parseIPv6(s);
  return v6 ? { version: 6, bytes: v6 } : undefined;
}

export function formatIp(a: IpAddress): string {
  return a.version === 4 ? formatIPv4(a.bytes) : formatIPv6(a.bytes);
}

/** Canonical text of an address of the given version, or undefined if `s` is not one. */
export function canonicalIp(s: string, version: IpVersion): string | undefined {
  if (version === 4) {
    const b = parseIPv4(s);
    return b && formatIPv4(b);
  }
  const b = parseIPv6(s);
  return b && formatIPv6(b);
}

export function isUnspecified(a: IpAddress): boolean {
  return a.bytes.every((x) => x === 0);
}

export interface IpPrefix {
  address: IpAddress;
  length: number;
}

const PLEN = /^(0|[1-9][0-9]{0,2})$/;

/** `addr/len` of the given version. Host bits are cleared: TF keys prefixes by their masked value. */
export function parsePrefix(s: string, version: IpVersion): IpPrefix | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const lenText = s.slice(slash + 1);
  if (!PLEN.test(lenText)) return undefined;
  const length = Number(lenText);
  const bytes = version === 4 ? parseIPv4(s.slice(0, slash)) : parseIPv6(s.slice(0, slash));
  if (!bytes || length > bytes.length * 8) return undefined;
  const masked = bytes.slice();
  for (let bit = length; bit < masked.length * 8; bit++) masked[bit >> 3] &= ~(0x80 >> (bit & 7));
  return { address: { version, bytes: masked }, length };
}

export function formatPrefix(p: IpPrefix): string {
  return `${formatIp(p.address)}/${p.length}`;
}

export function canonicalPrefix(s: string, version: IpVersion): string | undefined {
  const p = parsePrefix(s, version);
  return p && formatPrefix(p);
}

const MAC = /^[0-9A-Fa-f]{1,2}(:[0-9A-Fa-f]{1,2}){5}$/;

/** `0:1:2:a:b:c` style (one or two hex digits per group, as ether_aton) → `00:01:02:0a:0b:0c`. */
export function canonicalMac(s: string): string | undefined {
  if (!MAC.test(s)) return undefined;
  return s
    .split(':')
    .map((g) => g.toLowerCase().padStart(2, '0'))
    .join(':');
}

export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';
export const ZERO_MAC = '00:00:00:00:00:00';
