/**
 * String format checkers for `{kind: 'string', format}` fields. Strict, dependency-free, and non-normalising:
 * a checker only answers whether the text is in the format.
 */
import type { StringFormat } from './schema';

const DEC_OCTET = /^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/;

/** Dotted-quad IPv4, four decimal octets 0..255 without leading zeros. */
export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => DEC_OCTET.test(p));
}

const HEXTET = /^[0-9a-fA-F]{1,4}$/;

/** RFC 4291 text form: eight hextets, at most one `::`, optionally a trailing dotted IPv4 (no zone id). */
export function isIPv6(s: string): boolean {
  if (s.length < 2 || s.length > 45) return false;
  let text = s;
  if (s.includes('.')) {
    const last = s.lastIndexOf(':');
    if (last < 0 || !isIPv4(s.slice(last + 1))) return false;
    text = s.slice(0, last + 1) + '0:0';
  }
  const dbl = text.indexOf('::');
  if (dbl !== text.lastIndexOf('::')) return false;
  let parts: string[];
  if (dbl >= 0) {
    const head = text.slice(0, dbl);
    const tail = text.slice(dbl + 2);
    parts = [...(head ? head.split(':') : []), ...(tail ? tail.split(':') : [])];
    if (parts.length > 7) return false;
  } else {
    parts = text.split(':');
    if (parts.length !== 8) return false;
  }
  return parts.every((p) => HEXTET.test(p));
}

export const isIp = (s: string): boolean => isIPv4(s) || isIPv6(s);

const PREFIX_LEN = /^(0|[1-9][0-9]{0,2})$/;

/** `<ipv4>/<0..32>` or `<ipv6>/<0..128>`. */
export function isIpPrefix(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  const addr = s.slice(0, slash);
  const len = s.slice(slash + 1);
  if (!PREFIX_LEN.test(len)) return false;
  const n = Number(len);
  if (isIPv4(addr)) return n <= 32;
  if (isIPv6(addr)) return n <= 128;
  return false;
}

const MAC = /^[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(\1[0-9a-fA-F]{2}){4}$/;

/** Six hex octets separated by `:` (or consistently by `-`). */
export const isMac = (s: string): boolean => MAC.test(s);

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** 8-4-4-4-12 hex, either case. (Object uuids are additionally lower-case; that check is the API's.) */
export const isUuid = (s: string): boolean => UUID.test(s);

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * ISO 8601 date-time as TF writes it (`YYYY-MM-DDTHH:MM:SS.ffffff`, UTC without a zone), optionally with a
 * zone (`Z`, `±HH:MM`). Calendar fields are range-checked.
 */
export function isDatetime(s: string): boolean {
  const m = DATETIME.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 60) return false;
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > daysInMonth) return false;
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const zh = Number(zone.slice(1, 3));
    const zm = Number(zone.slice(4, 6));
    if (zh > 23 || zm > 59) return false;
  }
  return true;
}

const RT = /^target:([^:]+):(0|[1-9][0-9]*)$/;
const ASN = /^(0|[1-9][0-9]{0,9})$/;

/**
 * A route target `target:<asn>:<n>` (2-byte ASN: n < 2^32; 4-byte ASN: n < 2^16) or `target:<ipv4>:<n>`
 * (n < 2^16). Whether the number collides with the allocator range is a hook concern.
 */
export function isRouteTarget(s: string): boolean {
  const m = RT.exec(s);
  if (!m) return false;
  const [, admin, num] = m;
  if (num.length > 10) return false;
  const n = Number(num);
  if (isIPv4(admin)) return n <= 0xffff;
  if (!ASN.test(admin)) return false;
  const asn = Number(admin);
  if (asn > 0xffffffff) return false;
  return asn > 0xffff ? n <= 0xffff : n <= 0xffffffff;
}

const HEX = /^0x[0-9a-fA-F]+$/;

/** `0x` followed by hex digits (TF's U16/U32/U64BitHexInt ids). */
export const isHex = (s: string): boolean => HEX.test(s);

/** The checker for each `StringFormat`; the name appears in error messages. */
export const formats: Readonly<Record<StringFormat, (s: string) => boolean>> = Object.freeze({
  uuid: isUuid,
  ipv4: isIPv4,
  ipv6: isIPv6,
  ip: isIp,
  'ip-prefix': isIpPrefix,
  mac: isMac,
  datetime: isDatetime,
  'route-target': isRouteTarget,
  hex: isHex,
});

// ---- address arithmetic (for TF's SubnetType normalisation) ----

function ipv4ToInt(s: string): number {
  return s.split('.').reduce((acc, p) => acc * 256 + Number(p), 0);
}

function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Eight 16-bit groups of a valid IPv6 text. */
function ipv6Groups(s: string): number[] {
  let text = s;
  const tail: number[] = [];
  if (s.includes('.')) {
    const last = s.lastIndexOf(':');
    const v4 = ipv4ToInt(s.slice(last + 1));
    tail.push(Math.floor(v4 / 65536), v4 % 65536);
    // keep a trailing `::`, drop a single trailing `:`
    text = s.slice(0, last + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':').map((g) => parseInt(g, 16)) : [];
  const r = rest ? rest.split(':').map((g) => parseInt(g, 16)) : [];
  const fill = rest === undefined ? [] : new Array(8 - h.length - r.length - tail.length).fill(0);
  return [...h, ...fill, ...r, ...tail];
}

/**
 * RFC 5952 text: lower-case, no leading zeros, the longest run (≥ 2) of zero groups as `::`, and IPv4-mapped
 * addresses as `::ffff:a.b.c.d` (as netaddr prints them).
 */
export function formatIpv6(groups: number[]): string {
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${intToIpv4(groups[6] * 65536 + groups[7])}`;
  }
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/**
 * The network address of `ip`/`len` (host bits cleared), as TF stores SubnetType.ip_prefix
 * (`str(netaddr.IPNetwork(cidr).network)`). Returns `ip` itself when it already is the network address.
 */
export function networkAddress(ip: string, len: number): string {
  if (isIPv4(ip)) {
    const n = ipv4ToInt(ip);
    const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    const net = (n & mask) >>> 0;
    return net === n ? ip : intToIpv4(net);
  }
  const groups = ipv6Groups(ip);
  const net = groups.map((g, i) => {
    const bits = Math.min(16, Math.max(0, len - i * 16));
    return bits === 16 ? g : g & ((0xffff << (16 - bits)) & 0xffff);
  });
  return net.every((g, i) => g === groups[i]) ? ip : formatIpv6(net);
}
