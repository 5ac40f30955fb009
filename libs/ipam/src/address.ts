/**
 * IPv4/IPv6 address and prefix arithmetic on BigInt values. Everything the allocators store is the integer
 * value of an address; text only exists at the API edge, in TF's canonical spelling.
 */
import ipaddr from 'ipaddr.js';
import { formatIpv6, isIPv4 } from '@skein/model';

export type Family = 'v4' | 'v6';

export const FAMILY_BITS: Readonly<Record<Family, number>> = { v4: 32, v6: 128 };

export interface Address {
  family: Family;
  value: bigint;
}

/** A prefix as arithmetic: `network` has the host bits cleared, `last` has them all set. */
export interface Prefix {
  family: Family;
  network: bigint;
  len: number;
  last: bigint;
}

/**
 * Strict parse: dotted-quad IPv4 without leading zeros (as inet_pton, so "010.1.1.1" is not silently octal or
 * decimal), or IPv6 without a zone. Returns null for anything else.
 */
export function parseAddress(text: unknown): Address | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > 64) return null;
  if (isIPv4(text)) {
    let value = 0n;
    for (const octet of text.split('.')) value = (value << 8n) | BigInt(octet);
    return { family: 'v4', value };
  }
  if (!text.includes(':') || text.includes('%') || !ipaddr.IPv6.isValid(text)) return null;
  let value = 0n;
  for (const byte of ipaddr.IPv6.parse(text).toByteArray()) value = (value << 8n) | BigInt(byte);
  return { family: 'v6', value };
}

export function familyOf(text: unknown): Family | null {
  return parseAddress(text)?.family ?? null;
}

function formatV4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
}

/** RFC 5952 text, as libs/model prints addresses it normalises. */
function formatV6(value: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  return formatIpv6(groups);
}

export function formatAddress(family: Family, value: bigint): string {
  return family === 'v4' ? formatV4(value) : formatV6(value);
}

/** Canonical spelling of an address, or null when it does not parse. */
export function canonicalAddress(text: unknown): string | null {
  const a = parseAddress(text);
  return a ? formatAddress(a.family, a.value) : null;
}

function hostMask(family: Family, len: number): bigint {
  return (1n << BigInt(FAMILY_BITS[family] - len)) - 1n;
}

/** A prefix from an address value and a length; host bits are cleared, as netaddr's IPNetwork.first does. */
export function makePrefix(family: Family, value: bigint, len: number): Prefix {
  const mask = hostMask(family, len);
  const network = value & ~mask;
  return { family, network, len, last: network | mask };
}

export function parsePrefixLen(family: Family, len: unknown): number | null {
  const n = typeof len === 'string' && /^\d{1,3}$/.test(len) ? Number(len) : len;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > FAMILY_BITS[family]) return null;
  return n;
}

/** `ip_prefix` + `ip_prefix_len` (or "a/len" when len is omitted) to a prefix; null when invalid. */
export function parsePrefix(ip: unknown, len?: unknown): Prefix | null {
  let ipText = ip;
  let lenValue = len;
  if (len === undefined && typeof ip === 'string') {
    const slash = ip.indexOf('/');
    if (slash < 0) return null;
    ipText = ip.slice(0, slash);
    lenValue = ip.slice(slash + 1);
  }
  const a = parseAddress(ipText);
  if (!a) return null;
  const n = parsePrefixLen(a.family, lenValue);
  return n === null ? null : makePrefix(a.family, a.value, n);
}

export function hasHostBits(ip: Address, len: number): boolean {
  return (ip.value & hostMask(ip.family, len)) !== 0n;
}

export function formatPrefix(p: Prefix): string {
  return `${formatAddress(p.family, p.network)}/${p.len}`;
}

export function prefixContains(p: Prefix, a: Address | Prefix): boolean {
  if (a.family !== p.family) return false;
  if ('len' in a) return a.len >= p.len && a.network >= p.network && a.last <= p.last;
  return a.value >= p.network && a.value <= p.last;
}

/** Two prefixes overlap exactly when one contains the other. */
export function prefixesOverlap(a: Prefix, b: Prefix): boolean {
  return a.family === b.family && a.network <= b.last && b.network <= a.last;
}

/** IPv4 broadcast; IPv6 has none, and a /31 or /32 has none either (RFC 3021). */
export function broadcastAddress(p: Prefix): bigint | null {
  return p.family === 'v4' && p.len <= 30 ? p.last : null;
}

export function prefixSize(p: Prefix): bigint {
  return p.last - p.network + 1n;
}
