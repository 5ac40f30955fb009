/**
 * Address text <-> bytes, written here rather than pulled from `node:net` so the codec stays I/O free and
 * the hot path builds one string per address (no per-byte arrays).
 *
 * Text forms are canonical so they can serve as map keys: IPv4 dotted quad, IPv6 per RFC 5952 (lower
 * case, longest zero run compressed, IPv4-mapped shown as `::ffff:a.b.c.d`), MAC as `aa:bb:cc:dd:ee:ff`.
 */

export function formatIpv4(buf: Uint8Array, off: number): string {
  return `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
}

/** Parses dotted-quad IPv4 into a uint32, or returns -1. Leading zeros are refused (ambiguous octal). */
export function parseIpv4(text: string): number {
  let value = 0;
  let octets = 0;
  let i = 0;
  const n = text.length;
  while (octets < 4) {
    const start = i;
    let octet = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      octet = octet * 10 + (c - 48);
      i++;
    }
    const len = i - start;
    if (len === 0 || len > 3 || octet > 255 || (len > 1 && text.charCodeAt(start) === 48)) return -1;
    value = value * 256 + octet;
    octets++;
    if (octets < 4) {
      if (text.charCodeAt(i) !== 46) return -1;
      i++;
    }
  }
  return i === n ? value : -1;
}

export const isIpv4 = (text: string): boolean => parseIpv4(text) >= 0;

export function writeIpv4(text: string, buf: Uint8Array, off: number): void {
  const v = parseIpv4(text);
  if (v < 0) throw new RangeError(`invalid IPv4 address '${text}'`);
  buf[off] = v >>> 24;
  buf[off + 1] = (v >>> 16) & 0xff;
  buf[off + 2] = (v >>> 8) & 0xff;
  buf[off + 3] = v & 0xff;
}

const HEX = '0123456789abcdef';

/** Formats 16 bytes at `off` as an RFC 5952 IPv6 address. */
export function formatIpv6(buf: Uint8Array, off: number): string {
  // IPv4-mapped (::ffff:0:0/96): RFC 5952 §5 mixed notation, which is also how vRouter next hops appear.
  let mapped = buf[off + 10] === 0xff && buf[off + 11] === 0xff;
  for (let i = 0; mapped && i < 10; i++) if (buf[off + i] !== 0) mapped = false;
  if (mapped) return `::ffff:${formatIpv4(buf, off + 12)}`;

  let bestStart = -1;
  let bestLen = 0;
  let runStart = -1;
  for (let g = 0; g <= 8; g++) {
    const zero = g < 8 && buf[off + 2 * g] === 0 && buf[off + 2 * g + 1] === 0;
    if (zero) {
      if (runStart < 0) runStart = g;
    } else if (runStart >= 0) {
      const len = g - runStart;
      if (len > bestLen) {
        bestStart = runStart;
        bestLen = len;
      }
      runStart = -1;
    }
  }
  if (bestLen < 2) bestStart = -1; // a single zero group is never compressed (RFC 5952 §4.2.2)

  let out = '';
  for (let g = 0; g < 8; g++) {
    if (g === bestStart) {
      out += '::';
      g += bestLen - 1;
      continue;
    }
    if (out.length > 0 && !out.endsWith(':')) out += ':';
    const word = (buf[off + 2 * g] << 8) | buf[off + 2 * g + 1];
    out += word.toString(16);
  }
  return out;
}

const scratch16 = new Uint8Array(16);

/** Parses IPv6 text into `out` (16 bytes at `off`); returns false if the text is not an IPv6 address. */
export function parseIpv6Into(text: string, out: Uint8Array, off: number): boolean {
  const n = text.length;
  if (n < 2 || n > 45) return false;
  const words: number[] = [];
  let gap = -1;
  let i = 0;
  if (text.startsWith('::')) {
    gap = 0;
    i = 2;
    if (n === 2) {
      out.fill(0, off, off + 16);
      return true;
    }
  } else if (text.charCodeAt(0) === 58) {
    return false;
  }
  while (i < n) {
    // An embedded IPv4 tail takes the last two words.
    if (text.indexOf(':', i) < 0 && text.indexOf('.', i) >= 0) {
      const v4 = parseIpv4(text.slice(i));
      if (v4 < 0 || words.length > 6) return false;
      words.push(v4 >>> 16, v4 & 0xffff);
      i = n;
      break;
    }
    let word = 0;
    let digits = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (d < 0) break;
      word = word * 16 + d;
      digits++;
      i++;
    }
    if (digits === 0 || digits > 4) return false;
    words.push(word);
    if (i === n) break;
    if (text.charCodeAt(i) !== 58) return false;
    i++;
    if (text.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = words.length;
      i++;
      if (i === n) break;
    } else if (i === n) {
      return false; // trailing single colon
    }
  }
  if (gap < 0 ? words.length !== 8 : words.length > 7) return false;
  const fill = 8 - words.length;
  let w = 0;
  for (let g = 0; g < 8; g++) {
    let v: number;
    if (gap >= 0 && g >= gap && g < gap + fill) v = 0;
    else v = words[w++];
    out[off + 2 * g] = v >>> 8;
    out[off + 2 * g + 1] = v & 0xff;
  }
  return true;
}

export const isIpv6 = (text: string): boolean => parseIpv6Into(text, scratch16, 0);

export function writeIpv6(text: string, buf: Uint8Array, off: number): void {
  if (!parseIpv6Into(text, buf, off)) throw new RangeError(`invalid IPv6 address '${text}'`);
}

/** Canonical text of any IPv6 text (e.g. for comparing user input with decoded values). */
export function canonicalIpv6(text: string): string {
  writeIpv6(text, scratch16, 0);
  return formatIpv6(scratch16, 0);
}

export function formatHex(buf: Uint8Array, start: number, end: number, sep = ''): string {
  let out = '';
  for (let i = start; i < end; i++) {
    if (sep && i > start) out += sep;
    out += HEX[buf[i] >> 4] + HEX[buf[i] & 15];
  }
  return out;
}

/** Writes hex digits (separators `:`, `-`, `.` ignored) into `buf`; returns the byte count or -1. */
export function parseHexInto(text: string, buf: Uint8Array, off: number, maxBytes: number): number {
  let count = 0;
  let high = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 58 || c === 45 || c === 46) {
      if (high >= 0) return -1;
      continue;
    }
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) return -1;
    if (high < 0) high = d;
    else {
      if (count >= maxBytes) return -1;
      buf[off + count++] = (high << 4) | d;
      high = -1;
    }
  }
  return high >= 0 ? -1 : count;
}

export function formatMac(buf: Uint8Array, off: number): string {
  return formatHex(buf, off, off + 6, ':');
}

export function writeMac(text: string, buf: Uint8Array, off: number): void {
  if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(text))
    throw new RangeError(`invalid MAC address '${text}'`);
  parseHexInto(text, buf, off, 6);
}
