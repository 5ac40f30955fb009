import { formatHex, formatIpv4, parseHexInto, parseIpv4 } from './ip';

/**
 * Route distinguishers (RFC 4364 §4.2) kept as text, the form TF shows and Skein stores:
 * type 0 `64512:1` (AS2:n32), type 1 `192.0.2.1:3` (IPv4:n16), type 2 `4200000000:7` (AS4:n16).
 * A type-2 RD whose AS fits in 2 octets is written in asdot (`0.100:7`, as GoBGP does) so the text
 * stays unambiguous and re-encodes to the same bytes; unknown types are kept as `type<t>:<12 hex>`.
 */
export type RouteDistinguisher = string;

export const RD_LENGTH = 8;

// Few distinct RDs carry very many routes (one per agent and VRF), so decoded RDs share one string each:
// about 30 bytes saved per route at a million routes. Bounded: cleared when it grows past CACHE_LIMIT.
const CACHE_LIMIT = 65536;
const rdCache = new Map<number, Map<number, string>>();
let rdCached = 0;

export function readRd(buf: Uint8Array, off: number): RouteDistinguisher {
  const hi = readU32(buf, off);
  const lo = readU32(buf, off + 4);
  let inner = rdCache.get(hi);
  const hit = inner?.get(lo);
  if (hit !== undefined) return hit;
  const text = formatRd(buf, off);
  if (rdCached >= CACHE_LIMIT) {
    rdCache.clear();
    rdCached = 0;
    inner = undefined;
  }
  if (!inner) rdCache.set(hi, (inner = new Map()));
  inner.set(lo, text);
  rdCached++;
  return text;
}

function formatRd(buf: Uint8Array, off: number): RouteDistinguisher {
  const type = (buf[off] << 8) | buf[off + 1];
  const b = off + 2;
  switch (type) {
    case 0:
      return `${(buf[b] << 8) | buf[b + 1]}:${readU32(buf, b + 2)}`;
    case 1:
      return `${formatIpv4(buf, b)}:${(buf[b + 4] << 8) | buf[b + 5]}`;
    case 2: {
      const asn = readU32(buf, b);
      const n = (buf[b + 4] << 8) | buf[b + 5];
      return asn > 0xffff ? `${asn}:${n}` : `0.${asn}:${n}`;
    }
    default:
      return `type${type}:${formatHex(buf, b, b + 6)}`;
  }
}

export function writeRd(rd: RouteDistinguisher, buf: Uint8Array, off: number): void {
  const colon = rd.lastIndexOf(':');
  const admin = rd.slice(0, colon);
  const assigned = rd.slice(colon + 1);
  const b = off + 2;
  const fail = () => new RangeError(`invalid route distinguisher '${rd}'`);
  if (colon <= 0) throw fail();
  if (admin.startsWith('type')) {
    const type = decimal(admin.slice(4), 0xffff);
    if (type < 0 || parseHexInto(assigned, buf, b, 6) !== 6) throw fail();
    writeU16(buf, off, type);
    return;
  }
  const ip = parseIpv4(admin);
  if (ip >= 0) {
    const n = decimal(assigned, 0xffff);
    if (n < 0) throw fail();
    writeU16(buf, off, 1);
    writeU32(buf, b, ip);
    writeU16(buf, b + 4, n);
    return;
  }
  const dot = admin.indexOf('.');
  const asn =
    dot >= 0
      ? asdot(decimal(admin.slice(0, dot), 0xffff), decimal(admin.slice(dot + 1), 0xffff))
      : decimal(admin, 0xffffffff);
  if (asn < 0) throw fail();
  if (dot < 0 && asn <= 0xffff) {
    const n = decimal(assigned, 0xffffffff);
    if (n < 0) throw fail();
    writeU16(buf, off, 0);
    writeU16(buf, b, asn);
    writeU32(buf, b + 2, n);
  } else {
    const n = decimal(assigned, 0xffff);
    if (n < 0) throw fail();
    writeU16(buf, off, 2);
    writeU32(buf, b, asn);
    writeU16(buf, b + 4, n);
  }
}

/** Checks and canonicalises RD text (e.g. config input); throws RangeError when invalid. */
export function canonicalRd(rd: string): RouteDistinguisher {
  const tmp = new Uint8Array(8);
  writeRd(rd, tmp, 0);
  return readRd(tmp, 0);
}

/** Unsigned decimal without sign or leading zeros, <= max; -1 otherwise. */
export function decimal(text: string, max: number): number {
  if (!/^(0|[1-9]\d{0,9})$/.test(text)) return -1;
  const v = Number(text);
  return v <= max ? v : -1;
}

const asdot = (hi: number, lo: number) => (hi < 0 || lo < 0 ? -1 : hi * 65536 + lo);

export const readU16 = (buf: Uint8Array, off: number): number => (buf[off] << 8) | buf[off + 1];

export const readU32 = (buf: Uint8Array, off: number): number =>
  buf[off] * 0x1000000 + ((buf[off + 1] << 16) | (buf[off + 2] << 8) | buf[off + 3]);

export function writeU32(buf: Uint8Array, off: number, v: number): void {
  buf[off] = (v >>> 24) & 0xff;
  buf[off + 1] = (v >>> 16) & 0xff;
  buf[off + 2] = (v >>> 8) & 0xff;
  buf[off + 3] = v & 0xff;
}

export function writeU16(buf: Uint8Array, off: number, v: number): void {
  buf[off] = (v >>> 8) & 0xff;
  buf[off + 1] = v & 0xff;
}
