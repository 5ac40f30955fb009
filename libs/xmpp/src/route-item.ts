import { canonicalIp, canonicalMac, parseIp } from './addresses';
import { fail, itemError, ok, type ItemErrorCode, type Result } from './errors';
import {
  canonicalEvpnAddress,
  FAMILY_AFI_SAFI,
  parseItemId,
  parseU32,
  type Family,
  type Nlri,
} from './node-names';
import { child, childrenNamed, childText, element, type XmlElement } from './xml';

/**
 * The `<entry>` of a route item, the same structure in both directions (xmpp_unicast.xsd for inet and
 * inet6, xmpp_enet.xsd for EVPN). Agents publish one next hop; the control node sends one per ECMP path.
 * Optional scalars are `undefined` when the element is absent; lists are `[]`.
 */
export interface RouteEntry {
  nlri: Nlri;
  nextHops: NextHop[];
  /** EVPN broadcast entry from the control node: one next hop per other agent/PE in the RI. */
  olist?: NextHop[];
  version?: number;
  virtualNetwork?: string;
  /** Older agents' MAC mobility sequence number; `mobility.seqno` wins when both are set. */
  sequenceNumber?: number;
  mobility?: Mobility;
  securityGroups: number[];
  /** Standard communities as text (`64512:10`, `no-export`); TF skips the ones it cannot parse. */
  communityTags: string[];
  /** 0 or absent = no LOCAL_PREF (compared as 100). */
  localPreference?: number;
  med?: number;
  /** `interface`, `interface-static`, `service-interface`, `bgpaas`; kept as text like TF. */
  subProtocol?: string;
  loadBalance?: LoadBalance;
}

export interface NextHop {
  /** IPv4 or IPv6 text, canonical; `<af>` is derived from it (1 or 2). */
  address: string;
  /** MPLS label, or VNI for VXLAN. 0 when absent. */
  label: number;
  /**
   * As sent. Names outside `KNOWN_ENCAPSULATIONS` are kept, not rejected: TF ignores unknown names and,
   * if every name is unknown, keeps the path but marks it infeasible (spec B6 rule 1).
   */
  tunnelEncapsulations: string[];
  tags: number[];
  virtualNetwork?: string;
  /** Router MAC (EVPN type-5 / inet routes learnt from EVPN). */
  mac?: string;
  vni?: number;
  /** EVPN: the L3 VNI/label of a type-2 MAC+IP route. */
  l3Label?: number;
  localSequenceNumber?: number;
}

export interface Mobility {
  seqno: number;
  sticky: boolean;
}

export const LOAD_BALANCE_FIELDS = [
  'l3-source-address',
  'l3-destination-address',
  'l4-protocol',
  'l4-source-port',
  'l4-destination-port',
] as const;
export type LoadBalanceField = (typeof LOAD_BALANCE_FIELDS)[number];
export const LOAD_BALANCE_DECISIONS = ['field-hash', 'source-bias'] as const;
export type LoadBalanceDecision = (typeof LOAD_BALANCE_DECISIONS)[number];

export interface LoadBalance {
  fields: LoadBalanceField[];
  decision?: LoadBalanceDecision;
}

/** Encapsulations with a tunnel type (spec B8); `gre` is MPLSoGRE, `udp` MPLSoUDP. */
export const KNOWN_ENCAPSULATIONS = ['gre', 'udp', 'vxlan', 'mpls', 'native'] as const;
export type KnownEncapsulation = (typeof KNOWN_ENCAPSULATIONS)[number];

export function isKnownEncapsulation(s: string): s is KnownEncapsulation {
  return (KNOWN_ENCAPSULATIONS as readonly string[]).includes(s);
}

/** False when a next hop lists encapsulations and none is known: TF's `NoTunnelEncap` (infeasible). */
export function hasUsableEncapsulation(nh: NextHop): boolean {
  return nh.tunnelEncapsulations.length === 0 || nh.tunnelEncapsulations.some(isKnownEncapsulation);
}

export const MAX_MPLS_LABEL = 0xfffff;
export const MAX_VNI = 0xffffff;

// ---------------------------------------------------------------------------------------------------
// Encoding

const num = (name: string, v: number | undefined) => (v === undefined ? undefined : element(name, {}, v));
const str = (name: string, v: string | undefined) => (v === undefined ? undefined : element(name, {}, v));
const list = <T extends string | number>(outer: string, inner: string, vs: readonly T[]) =>
  vs.length === 0
    ? undefined
    : element(
        outer,
        {},
        vs.map((v) => element(inner, {}, v)),
      );

function afOf(address: string): number {
  return parseIp(address)?.version === 6 ? 2 : 1;
}

export function encodeNextHop(nh: NextHop): XmlElement {
  return element('next-hop', {}, [
    num('af', afOf(nh.address)),
    str('address', nh.address),
    str('mac', nh.mac),
    num('label', nh.label),
    num('vni', nh.vni),
    num('l3-label', nh.l3Label),
    list('tunnel-encapsulation-list', 'tunnel-encapsulation', nh.tunnelEncapsulations),
    list('tag-list', 'tag', nh.tags),
    str('virtual-network', nh.virtualNetwork),
    num('local-sequence-number', nh.localSequenceNumber),
  ]);
}

function encodeNlri(nlri: Nlri): XmlElement {
  const { afi, safi } = FAMILY_AFI_SAFI[nlri.family];
  if (nlri.family === 'evpn') {
    return element('nlri', {}, [
      num('af', afi),
      num('safi', safi),
      num('ethernet-tag', nlri.ethernetTag),
      str('mac', nlri.mac),
      str('address', nlri.address),
    ]);
  }
  return element('nlri', {}, [num('af', afi), num('safi', safi), str('address', nlri.prefix)]);
}

/** Element order follows routing.md's publish example. */
export function encodeEntry(e: RouteEntry): XmlElement {
  return element('entry', {}, [
    encodeNlri(e.nlri),
    e.nextHops.length === 0 ? undefined : element('next-hops', {}, e.nextHops.map(encodeNextHop)),
    e.olist === undefined || e.olist.length === 0
      ? undefined
      : element('olist', {}, e.olist.map(encodeNextHop)),
    num('version', e.version),
    str('virtual-network', e.virtualNetwork),
    num('sequence-number', e.sequenceNumber),
    e.mobility === undefined
      ? undefined
      : element('mobility', { seqno: e.mobility.seqno, sticky: String(e.mobility.sticky) }),
    list('security-group-list', 'security-group', e.securityGroups),
    list('community-tag-list', 'community-tag', e.communityTags),
    num('local-preference', e.localPreference),
    num('med', e.med),
    str('sub-protocol', e.subProtocol),
    e.loadBalance === undefined
      ? undefined
      : element('load-balance', {}, [
          list('load-balance-fields', 'load-balance-field-list', e.loadBalance.fields),
          str('load-balance-decision', e.loadBalance.decision),
        ]),
  ]);
}

// ---------------------------------------------------------------------------------------------------
// Decoding: never throws; the first problem found is the item's error.

class ItemProblem {
  constructor(
    readonly code: ItemErrorCode,
    readonly message: string,
  ) {}
}

function problem(code: ItemErrorCode, message: string): never {
  throw new ItemProblem(code, message);
}

function u32(el: XmlElement, name: string): number | undefined {
  const t = childText(el, name);
  if (t === undefined || t === '') return undefined;
  const n = parseU32(t);
  return n === undefined
    ? problem('bad-field', `<${name}> ${JSON.stringify(t)} is not a 32-bit unsigned integer`)
    : n;
}

function u32List(el: XmlElement, outer: string, inner: string): number[] {
  const o = child(el, outer);
  if (!o) return [];
  return childrenNamed(o, inner).map((c) => {
    const n = parseU32(c.text.trim());
    return n === undefined
      ? problem('bad-field', `<${inner}> ${JSON.stringify(c.text)} is not an integer`)
      : n;
  });
}

function textList(el: XmlElement, outer: string, inner: string): string[] {
  const o = child(el, outer);
  return o ? childrenNamed(o, inner).map((c) => c.text.trim()) : [];
}

function bool(s: string | undefined, what: string): boolean {
  if (s === undefined) return false;
  const t = s.trim();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0' || t === '') return false;
  return problem('bad-field', `${what} ${JSON.stringify(s)} is not a boolean`);
}

const ENCAP_TOKEN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

export function labelLimitFor(encaps: readonly string[]): number {
  return encaps.includes('vxlan') ? MAX_VNI : MAX_MPLS_LABEL;
}

function decodeNextHop(el: XmlElement): NextHop {
  const af = u32(el, 'af');
  const rawAddress = childText(el, 'address') ?? '';
  const version = af === 1 ? 4 : af === 2 ? 6 : undefined;
  if (version === undefined) problem('bad-next-hop', `next-hop af ${af ?? '(none)'} is not 1 or 2`);
  const address = canonicalIp(rawAddress, version);
  if (address === undefined) problem('bad-next-hop', `bad next-hop address ${JSON.stringify(rawAddress)}`);
  if (/^[0.:]+$/.test(address)) problem('bad-next-hop', `unspecified next-hop address ${address}`);
  const tunnelEncapsulations = textList(el, 'tunnel-encapsulation-list', 'tunnel-encapsulation');
  for (const t of tunnelEncapsulations) {
    if (!ENCAP_TOKEN.test(t)) problem('bad-encapsulation', `bad tunnel-encapsulation ${JSON.stringify(t)}`);
  }
  const label = u32(el, 'label') ?? 0;
  const limit = labelLimitFor(tunnelEncapsulations);
  if (label > limit) problem('bad-label', `label ${label} exceeds ${limit}`);
  const nh: NextHop = { address, label, tunnelEncapsulations, tags: u32List(el, 'tag-list', 'tag') };
  const vn = childText(el, 'virtual-network');
  if (vn !== undefined) nh.virtualNetwork = vn;
  const macText = childText(el, 'mac');
  if (macText !== undefined && macText !== '') {
    const mac = canonicalMac(macText);
    if (mac === undefined) problem('bad-mac', `bad next-hop MAC ${JSON.stringify(macText)}`);
    nh.mac = mac;
  }
  const vni = u32(el, 'vni');
  if (vni !== undefined) {
    if (vni > MAX_VNI) problem('bad-label', `vni ${vni} exceeds ${MAX_VNI}`);
    nh.vni = vni;
  }
  const l3 = u32(el, 'l3-label');
  if (l3 !== undefined) {
    if (l3 > MAX_VNI) problem('bad-label', `l3-label ${l3} exceeds ${MAX_VNI}`);
    nh.l3Label = l3;
  }
  const lsn = u32(el, 'local-sequence-number');
  if (lsn !== undefined) nh.localSequenceNumber = lsn;
  return nh;
}

function decodeNlri(el: XmlElement, family: Family): Nlri {
  const nlri = child(el, 'nlri') ?? problem('malformed-item', 'entry without <nlri>');
  const { afi, safi } = FAMILY_AFI_SAFI[family];
  const af = u32(nlri, 'af');
  const sf = u32(nlri, 'safi');
  if (af !== afi || sf !== safi) {
    problem('family-mismatch', `nlri af/safi ${af ?? '-'}/${sf ?? '-'} in a ${afi}/${safi} node`);
  }
  if (family !== 'evpn') {
    const address = childText(nlri, 'address') ?? '';
    const parsed = parseItemId(family, address);
    if (!parsed.ok) problem(parsed.error.code, parsed.error.message);
    return parsed.value;
  }
  const macText = childText(nlri, 'mac') ?? '';
  const mac = canonicalMac(macText) ?? problem('bad-mac', `bad MAC ${JSON.stringify(macText)}`);
  const addressText = childText(nlri, 'address');
  const address =
    addressText === undefined || addressText === ''
      ? '0.0.0.0/32'
      : (canonicalEvpnAddress(addressText, mac) ?? problem('bad-prefix', `bad EVPN address ${addressText}`));
  return { family, ethernetTag: u32(nlri, 'ethernet-tag') ?? 0, mac, address };
}

function decodeLoadBalance(el: XmlElement): LoadBalance {
  const fields = textList(el, 'load-balance-fields', 'load-balance-field-list').map((f) =>
    (LOAD_BALANCE_FIELDS as readonly string[]).includes(f)
      ? (f as LoadBalanceField)
      : problem('bad-field', `load-balance field ${JSON.stringify(f)}`),
  );
  const lb: LoadBalance = { fields };
  const d = childText(el, 'load-balance-decision');
  if (d !== undefined && d !== '') {
    if (!(LOAD_BALANCE_DECISIONS as readonly string[]).includes(d)) {
      problem('bad-field', `load-balance decision ${JSON.stringify(d)}`);
    }
    lb.decision = d as LoadBalanceDecision;
  }
  return lb;
}

/**
 * Decodes an `<entry>` of the given family (taken from its node). Checks that every field is well
 * formed; the rules that depend on the direction and the operation (how many next hops, label ranges
 * per RI) are in `validate.ts`.
 */
export function decodeEntry(el: XmlElement, family: Family, node?: string): Result<RouteEntry> {
  try {
    const e: RouteEntry = {
      nlri: decodeNlri(el, family),
      nextHops: (child(el, 'next-hops')?.children ?? [])
        .filter((c) => c.name === 'next-hop')
        .map(decodeNextHop),
      securityGroups: u32List(el, 'security-group-list', 'security-group'),
      communityTags: textList(el, 'community-tag-list', 'community-tag'),
    };
    const olist = child(el, 'olist');
    if (olist) {
      const nhs = childrenNamed(olist, 'next-hop').map(decodeNextHop);
      if (nhs.length > 0) e.olist = nhs;
    }
    const version = u32(el, 'version');
    if (version !== undefined) e.version = version;
    const vn = childText(el, 'virtual-network');
    if (vn !== undefined) e.virtualNetwork = vn;
    const seq = u32(el, 'sequence-number');
    if (seq !== undefined) e.sequenceNumber = seq;
    const mob = child(el, 'mobility');
    if (mob) {
      const seqno = mob.attrs['seqno'];
      const n = seqno === undefined || seqno.trim() === '' ? 0 : parseU32(seqno.trim());
      if (n === undefined) problem('bad-field', `mobility seqno ${JSON.stringify(seqno)}`);
      e.mobility = { seqno: n, sticky: bool(mob.attrs['sticky'], 'mobility sticky') };
    }
    const lp = u32(el, 'local-preference');
    if (lp !== undefined) e.localPreference = lp;
    const med = u32(el, 'med');
    if (med !== undefined) e.med = med;
    const sp = childText(el, 'sub-protocol');
    if (sp !== undefined) e.subProtocol = sp;
    const lb = child(el, 'load-balance');
    if (lb) e.loadBalance = decodeLoadBalance(lb);
    return ok(e);
  } catch (x) {
    if (x instanceof ItemProblem) return fail(itemError(x.code, x.message, node));
    throw x;
  }
}

/** Only the `<nlri>` of an entry: all TF reads of a delete. */
export function decodeEntryNlri(el: XmlElement, family: Family, node?: string): Result<Nlri> {
  try {
    return ok(decodeNlri(el, family));
  } catch (x) {
    if (x instanceof ItemProblem) return fail(itemError(x.code, x.message, node));
    throw x;
  }
}
