import { formatIpv4, formatIpv6, parseIpv4, parseIpv6Into } from './ip';
import { ByteWriter } from './writer';

/**
 * IP prefixes as text keys (`10.1.0.0/16`, `fd00::/64`). Bits past the prefix length are irrelevant on the
 * wire (RFC 4271 §4.3) and are cleared on decode, so equal routes always get equal keys.
 */

export const LAST_BYTE_MASK = [0xff, 0x80, 0xc0, 0xe0, 0xf0, 0xf8, 0xfc, 0xfe];
const scratch = new Uint8Array(16);

/** Reads ceil(bits/8) bytes at `off` (caller checked bounds and bits <= 32). */
export function readIpv4Prefix(buf: Uint8Array, off: number, bits: number): string {
  const n = (bits + 7) >> 3;
  const mask = LAST_BYTE_MASK[bits & 7];
  const a = n > 0 ? buf[off] & (n === 1 ? mask : 0xff) : 0;
  const b = n > 1 ? buf[off + 1] & (n === 2 ? mask : 0xff) : 0;
  const c = n > 2 ? buf[off + 2] & (n === 3 ? mask : 0xff) : 0;
  const d = n > 3 ? buf[off + 3] & mask : 0;
  return `${a}.${b}.${c}.${d}/${bits}`;
}

/** Reads ceil(bits/8) bytes at `off` (caller checked bounds and bits <= 128). */
export function readIpv6Prefix(buf: Uint8Array, off: number, bits: number): string {
  const n = (bits + 7) >> 3;
  for (let i = 0; i < 16; i++) scratch[i] = i < n ? buf[off + i] : 0;
  if (n > 0) scratch[n - 1] &= LAST_BYTE_MASK[bits & 7];
  return `${formatIpv6(scratch, 0)}/${bits}`;
}

export interface ParsedPrefix {
  bits: number;
  /** Network bytes, host bits cleared; only the first ceil(bits/8) matter. Shared scratch: copy it out. */
  bytes: Uint8Array;
}

/** Parses `addr/len`; throws RangeError on malformed text. */
export function parsePrefix(text: string, v6: boolean): ParsedPrefix {
  const slash = text.indexOf('/');
  if (slash < 0) throw new RangeError(`invalid prefix '${text}': missing /length`);
  const lenText = text.slice(slash + 1);
  const bits = /^\d{1,3}$/.test(lenText) ? Number(lenText) : -1;
  const max = v6 ? 128 : 32;
  if (bits < 0 || bits > max) throw new RangeError(`invalid prefix '${text}': length must be 0-${max}`);
  const addr = text.slice(0, slash);
  if (v6) {
    if (!parseIpv6Into(addr, scratch, 0)) throw new RangeError(`invalid IPv6 prefix '${text}'`);
  } else {
    const v = parseIpv4(addr);
    if (v < 0) throw new RangeError(`invalid IPv4 prefix '${text}'`);
    scratch[0] = v >>> 24;
    scratch[1] = (v >>> 16) & 0xff;
    scratch[2] = (v >>> 8) & 0xff;
    scratch[3] = v & 0xff;
  }
  const n = (bits + 7) >> 3;
  if (n > 0) scratch[n - 1] &= LAST_BYTE_MASK[bits & 7];
  for (let i = n; i < 16; i++) scratch[i] = 0;
  return { bits, bytes: scratch };
}

/** Writes the prefix bytes only (no length octet). */
export function writePrefixBytes(w: ByteWriter, p: ParsedPrefix): void {
  w.bytes(p.bytes, 0, (p.bits + 7) >> 3);
}

/** Standard `<length><prefix>` NLRI encoding (RFC 4271 §4.3, RFC 4760 §5). */
export function writePrefix(w: ByteWriter, text: string, v6: boolean): void {
  const p = parsePrefix(text, v6);
  w.u8(p.bits);
  writePrefixBytes(w, p);
}

/** The canonical key form of a prefix written by a user (`10.1.1.5/24` -> `10.1.1.0/24`). */
export function canonicalPrefix(text: string, v6 = text.includes(':')): string {
  const p = parsePrefix(text, v6);
  return v6 ? `${formatIpv6(p.bytes, 0)}/${p.bits}` : `${formatIpv4(p.bytes, 0)}/${p.bits}`;
}
