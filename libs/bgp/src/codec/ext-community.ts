import { formatHex, formatIpv4, formatMac, parseHexInto, parseIpv4, writeMac } from './ip';
import { decimal, readU16, readU32, writeU16, writeU32 } from './rd';

/**
 * Extended communities (RFC 4360) that TF and Skein act on (routing.md B8), plus an opaque form for the rest.
 * A known type whose reserved bits are not zero is kept opaque, so re-encoding is always byte-exact.
 */
export type ExtCommunity =
  | { kind: 'route-target'; form: 'as2' | 'as4'; asn: number; value: number }
  | { kind: 'route-target'; form: 'ipv4'; ip: string; value: number }
  | { kind: 'encapsulation'; tunnelType: number }
  | { kind: 'origin-vn'; form: 'as2' | 'as4'; asn: number; vnIndex: number }
  | { kind: 'security-group'; form: 'as2' | 'as4'; asn: number; id: number }
  | { kind: 'tag'; form: 'as2' | 'as4'; asn: number; tag: number }
  | { kind: 'load-balance'; fields: LoadBalanceField[]; sourceBias: boolean }
  | { kind: 'mac-mobility'; sticky: boolean; sequence: number }
  | { kind: 'router-mac'; mac: string }
  | { kind: 'opaque'; hex: string };

export type LoadBalanceField =
  'l3-source-address' | 'l3-destination-address' | 'l4-protocol' | 'l4-source-port' | 'l4-destination-port';

/** In bit order, most significant first (TF load_balance.h). */
export const LOAD_BALANCE_FIELDS: readonly LoadBalanceField[] = [
  'l3-source-address',
  'l3-destination-address',
  'l4-protocol',
  'l4-source-port',
  'l4-destination-port',
];

/** RFC 5512 tunnel types used by TF (tunnel_encap_type.cc); 11 (MPLS-in-GRE) reads as `gre` like TF's XMPP. */
export const TUNNEL_TYPES: Readonly<Record<string, number>> = {
  gre: 2,
  vxlan: 8,
  nvgre: 9,
  mpls: 10,
  'vxlan-gpe': 12,
  udp: 13,
  native: 16,
};
const TUNNEL_NAMES = new Map<number, string>([
  ...Object.entries(TUNNEL_TYPES).map(([k, v]) => [v, k] as const),
  [11, 'gre'],
]);

export function tunnelTypeName(tunnelType: number): string {
  return TUNNEL_NAMES.get(tunnelType) ?? String(tunnelType);
}

const T = { As2: 0x00, Ipv4: 0x01, As4: 0x02, Opaque: 0x03, Evpn: 0x06, Exp: 0x80, Exp4: 0x82 } as const;
const SUB = {
  RouteTarget: 0x02,
  Encap: 0x0c,
  LoadBalance: 0xaa,
  MacMobility: 0x00,
  RouterMac: 0x03,
} as const;
const EXP_SUB = { OriginVn: 0x71, SecurityGroup: 0x04, Tag: 0x84 } as const;

/** Decodes the 8 octets at `off`. Never fails: anything unrecognised becomes `opaque`. */
export function decodeExtCommunity(b: Uint8Array, off: number): ExtCommunity {
  const type = b[off];
  const sub = b[off + 1];
  const v = off + 2;
  if (sub === SUB.RouteTarget) {
    if (type === T.As2)
      return { kind: 'route-target', form: 'as2', asn: readU16(b, v), value: readU32(b, v + 2) };
    if (type === T.Ipv4)
      return { kind: 'route-target', form: 'ipv4', ip: formatIpv4(b, v), value: readU16(b, v + 4) };
    if (type === T.As4)
      return { kind: 'route-target', form: 'as4', asn: readU32(b, v), value: readU16(b, v + 4) };
  }
  if (type === T.Opaque && sub === SUB.Encap && readU32(b, v) === 0) {
    return { kind: 'encapsulation', tunnelType: readU16(b, v + 4) };
  }
  if (type === T.Opaque && sub === SUB.LoadBalance) {
    const hashBits = b[v];
    // Only the five field bits and the source-bias bit are defined; anything else stays opaque.
    if (
      (hashBits & 0x07) === 0 &&
      b[v + 1] === 0 &&
      (b[v + 2] & 0x7f) === 0 &&
      b[v + 3] === 0 &&
      b[v + 4] === 0 &&
      b[v + 5] === 0
    ) {
      const fields = LOAD_BALANCE_FIELDS.filter((_, i) => hashBits & (0x80 >> i));
      return { kind: 'load-balance', fields, sourceBias: (b[v + 2] & 0x80) !== 0 };
    }
  }
  if (type === T.Evpn && sub === SUB.MacMobility && (b[v] & 0xfe) === 0 && b[v + 1] === 0) {
    return { kind: 'mac-mobility', sticky: (b[v] & 1) === 1, sequence: readU32(b, v + 2) };
  }
  if (type === T.Evpn && sub === SUB.RouterMac) return { kind: 'router-mac', mac: formatMac(b, v) };
  if (type === T.Exp || type === T.Exp4) {
    const as4 = type === T.Exp4;
    const form = as4 ? 'as4' : 'as2';
    const asn = as4 ? readU32(b, v) : readU16(b, v);
    const n = as4 ? readU16(b, v + 4) : readU32(b, v + 2);
    if (sub === EXP_SUB.OriginVn) return { kind: 'origin-vn', form, asn, vnIndex: n };
    if (sub === EXP_SUB.SecurityGroup) return { kind: 'security-group', form, asn, id: n };
    if (sub === EXP_SUB.Tag) return { kind: 'tag', form, asn, tag: n };
  }
  return { kind: 'opaque', hex: formatHex(b, off, off + 8) };
}

/** Writes the 8 octets of `ec` at `off`; throws RangeError when a field is out of range. */
export function encodeExtCommunity(ec: ExtCommunity, b: Uint8Array, off: number): void {
  const v = off + 2;
  const check = (ok: boolean) => {
    if (!ok) throw new RangeError(`extended community out of range: ${JSON.stringify(ec)}`);
  };
  const asPair = (type2: number, type4: number, sub: number, form: 'as2' | 'as4', asn: number, n: number) => {
    b[off] = form === 'as2' ? type2 : type4;
    b[off + 1] = sub;
    if (form === 'as2') {
      check(isUint(asn, 0xffff) && isUint(n, 0xffffffff));
      writeU16(b, v, asn);
      writeU32(b, v + 2, n);
    } else {
      check(isUint(asn, 0xffffffff) && isUint(n, 0xffff));
      writeU32(b, v, asn);
      writeU16(b, v + 4, n);
    }
  };
  switch (ec.kind) {
    case 'route-target':
      if (ec.form === 'ipv4') {
        const ip = parseIpv4(ec.ip);
        check(ip >= 0 && isUint(ec.value, 0xffff));
        b[off] = T.Ipv4;
        b[off + 1] = SUB.RouteTarget;
        writeU32(b, v, ip);
        writeU16(b, v + 4, ec.value);
      } else {
        asPair(T.As2, T.As4, SUB.RouteTarget, ec.form, ec.asn, ec.value);
      }
      return;
    case 'origin-vn':
      return asPair(T.Exp, T.Exp4, EXP_SUB.OriginVn, ec.form, ec.asn, ec.vnIndex);
    case 'security-group':
      return asPair(T.Exp, T.Exp4, EXP_SUB.SecurityGroup, ec.form, ec.asn, ec.id);
    case 'tag':
      return asPair(T.Exp, T.Exp4, EXP_SUB.Tag, ec.form, ec.asn, ec.tag);
    case 'encapsulation':
      check(isUint(ec.tunnelType, 0xffff));
      b[off] = T.Opaque;
      b[off + 1] = SUB.Encap;
      writeU32(b, v, 0);
      writeU16(b, v + 4, ec.tunnelType);
      return;
    case 'load-balance': {
      let bits = 0;
      for (const f of ec.fields) {
        const i = LOAD_BALANCE_FIELDS.indexOf(f);
        check(i >= 0);
        bits |= 0x80 >> i;
      }
      b.fill(0, off, off + 8);
      b[off] = T.Opaque;
      b[off + 1] = SUB.LoadBalance;
      b[v] = bits;
      b[v + 2] = ec.sourceBias ? 0x80 : 0;
      return;
    }
    case 'mac-mobility':
      check(isUint(ec.sequence, 0xffffffff));
      b[off] = T.Evpn;
      b[off + 1] = SUB.MacMobility;
      b[v] = ec.sticky ? 1 : 0;
      b[v + 1] = 0;
      writeU32(b, v + 2, ec.sequence);
      return;
    case 'router-mac':
      b[off] = T.Evpn;
      b[off + 1] = SUB.RouterMac;
      writeMac(ec.mac, b, v);
      return;
    case 'opaque':
      check(/^[0-9a-f]{16}$/.test(ec.hex));
      parseHexInto(ec.hex, b, off, 8);
      return;
  }
}

const isUint = (n: number, max: number) => Number.isInteger(n) && n >= 0 && n <= max;

/** An AS in TF text: plain decimal, or asdot `0.<asn>` for a 4-octet form whose AS fits in 2 octets. */
function asText(form: 'as2' | 'as4', asn: number): string {
  return form === 'as4' && asn <= 0xffff ? `0.${asn}` : String(asn);
}

/** TF text form (`target:64512:8000001`, `encapsulation:udp`, `originvn:64512:5`, ...). */
export function formatExtCommunity(ec: ExtCommunity): string {
  switch (ec.kind) {
    case 'route-target':
      return `target:${ec.form === 'ipv4' ? ec.ip : asText(ec.form, ec.asn)}:${ec.value}`;
    case 'encapsulation':
      return `encapsulation:${tunnelTypeName(ec.tunnelType)}`;
    case 'origin-vn':
      return `originvn:${asText(ec.form, ec.asn)}:${ec.vnIndex}`;
    case 'security-group':
      return `secgroup:${asText(ec.form, ec.asn)}:${ec.id}`;
    case 'tag':
      return `tag:${asText(ec.form, ec.asn)}:${ec.tag}`;
    case 'load-balance': {
      const decision = ec.sourceBias ? 'source-bias' : 'field-hash';
      const isDefault = ec.sourceBias
        ? ec.fields.length === 0
        : ec.fields.length === LOAD_BALANCE_FIELDS.length;
      return isDefault
        ? `load-balance:${decision}`
        : `load-balance:${decision}:${ec.fields.join(',') || 'none'}`;
    }
    case 'mac-mobility':
      return ec.sticky ? `mobility:sticky:${ec.sequence}` : `mobility:${ec.sequence}`;
    case 'router-mac':
      return `router-mac:${ec.mac}`;
    case 'opaque':
      return `ext:${ec.hex}`;
  }
}

/** Parses a TF text form; throws RangeError on anything it does not understand. */
export function parseExtCommunity(text: string): ExtCommunity {
  const fail = (): never => {
    throw new RangeError(`invalid extended community '${text}'`);
  };
  const colon = text.indexOf(':');
  if (colon < 0) return fail();
  const kind = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  // `<admin>:<n>` where admin is an IPv4 (route targets only), asdot, or decimal AS.
  const adminPair = (allowIp: boolean) => {
    const c = rest.lastIndexOf(':');
    if (c <= 0) return fail();
    const admin = rest.slice(0, c);
    const nText = rest.slice(c + 1);
    const ip = allowIp ? parseIpv4(admin) : -1;
    if (ip >= 0) {
      const n = decimal(nText, 0xffff);
      return n < 0 ? fail() : ({ form: 'ipv4', ip: admin, n } as const);
    }
    const dot = admin.indexOf('.');
    let asn: number;
    let form: 'as2' | 'as4';
    if (dot >= 0) {
      const hi = decimal(admin.slice(0, dot), 0xffff);
      const lo = decimal(admin.slice(dot + 1), 0xffff);
      if (hi < 0 || lo < 0) return fail();
      asn = hi * 65536 + lo;
      form = 'as4';
    } else {
      asn = decimal(admin, 0xffffffff);
      if (asn < 0) return fail();
      form = asn > 0xffff ? 'as4' : 'as2';
    }
    const n = decimal(nText, form === 'as2' ? 0xffffffff : 0xffff);
    return n < 0 ? fail() : ({ form, asn, n } as const);
  };
  switch (kind) {
    case 'target': {
      const p = adminPair(true);
      return p.form === 'ipv4'
        ? { kind: 'route-target', form: 'ipv4', ip: p.ip, value: p.n }
        : { kind: 'route-target', form: p.form, asn: p.asn, value: p.n };
    }
    case 'originvn':
    case 'secgroup':
    case 'tag': {
      const p = adminPair(false);
      if (p.form === 'ipv4') return fail();
      if (kind === 'originvn') return { kind: 'origin-vn', form: p.form, asn: p.asn, vnIndex: p.n };
      if (kind === 'secgroup') return { kind: 'security-group', form: p.form, asn: p.asn, id: p.n };
      return { kind: 'tag', form: p.form, asn: p.asn, tag: p.n };
    }
    case 'encapsulation': {
      const n = TUNNEL_TYPES[rest] ?? decimal(rest, 0xffff);
      return n < 0 ? fail() : { kind: 'encapsulation', tunnelType: n };
    }
    case 'load-balance': {
      const [decision, list, extra] = rest.split(':');
      if (extra !== undefined || (decision !== 'field-hash' && decision !== 'source-bias')) return fail();
      const sourceBias = decision === 'source-bias';
      let fields: LoadBalanceField[];
      if (list === undefined) fields = sourceBias ? [] : [...LOAD_BALANCE_FIELDS];
      else if (list === 'none') fields = [];
      else {
        const named = list.split(',');
        if (named.some((f) => !LOAD_BALANCE_FIELDS.includes(f as LoadBalanceField))) return fail();
        fields = LOAD_BALANCE_FIELDS.filter((f) => named.includes(f));
      }
      return { kind: 'load-balance', fields, sourceBias };
    }
    case 'mobility': {
      const parts = rest.split(':');
      const sticky = parts.length === 2 && parts[0] === 'sticky';
      if (parts.length === 2 && !sticky && parts[0] !== 'non-sticky') return fail();
      if (parts.length > 2) return fail();
      const seq = decimal(parts[parts.length - 1], 0xffffffff);
      return seq < 0 ? fail() : { kind: 'mac-mobility', sticky, sequence: seq };
    }
    case 'router-mac': {
      const tmp = new Uint8Array(6);
      writeMac(rest, tmp, 0);
      return { kind: 'router-mac', mac: formatMac(tmp, 0) };
    }
    case 'ext':
      return /^[0-9a-f]{16}$/.test(rest) ? { kind: 'opaque', hex: rest } : fail();
    default:
      return fail();
  }
}

/** Route-target ext community from its text, e.g. for import/export target lists. */
export function parseRouteTarget(text: string): Extract<ExtCommunity, { kind: 'route-target' }> {
  const ec = parseExtCommunity(text);
  if (ec.kind !== 'route-target') throw new RangeError(`not a route target: '${text}'`);
  return ec;
}
