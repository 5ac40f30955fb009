import {
  Origin,
  asPathLength,
  firstAs,
  formatExtCommunity,
  type Aggregator,
  type AsPathSegment,
  type ExtCommunity,
  type LoadBalanceField,
  type PmsiTunnel,
  type RawAttribute,
} from '@skein/bgp';
import { ipv4ToNumber } from './ip';
import type { VpnPath } from './path';

/**
 * The attributes of a path, minus what differs per route (the prefix and the label). Many routes share one
 * set: every route of an UPDATE, every route an agent publishes into one RI with the same security groups.
 * Sets are interned in an `AttrPool`, so equal sets are one object, compared by identity, and the derived
 * values below are computed once per set rather than once per route.
 */
export interface AttrInput {
  nextHop: string;
  /** Absent means incomplete: XMPP paths are always incomplete (B7) and that is the common case. */
  origin?: Origin;
  /** Absent = no AS_PATH attribute; `[]` = empty AS_PATH. */
  asPath?: readonly AsPathSegment[];
  med?: number;
  localPref?: number;
  atomicAggregate?: boolean;
  aggregator?: Aggregator;
  communities?: readonly number[];
  extCommunities?: readonly ExtCommunity[];
  originatorId?: string;
  clusterList?: readonly string[];
  pmsiTunnel?: PmsiTunnel;
  unknown?: readonly RawAttribute[];
  /** The RD of a VRF path that the control node exports (agent or originated route); not a BGP attribute. */
  rd?: string;
  /** XMPP `<sub-protocol>`, given back to agents unchanged. */
  subProtocol?: string;
  /** EVPN: the L3 label/VNI of a MAC+IP route (label2). */
  l3Label?: number;
  /** EVPN: a non-zero ESI of a MAC+IP route, kept so the route can be reflected as received. */
  esi?: string;
}

export interface LoadBalanceView {
  fields: readonly LoadBalanceField[];
  sourceBias: boolean;
}

const SEP = '\u001f';

function asPathText(segments: readonly AsPathSegment[] | undefined): string {
  if (segments === undefined) return '-';
  let s = '';
  for (const seg of segments) s += `${seg.type[0]}${seg.type.length}:${seg.asns.join(' ')};`;
  return s;
}

function uniqueSorted<T>(values: readonly T[], compare: (a: T, b: T) => number): T[] {
  const out = [...values].sort(compare);
  let n = 0;
  for (let i = 0; i < out.length; i++) if (i === 0 || compare(out[i]!, out[n - 1]!) !== 0) out[n++] = out[i]!;
  out.length = n;
  return out;
}

/** Ext communities sorted and deduplicated by their text form, which then serves as the interning key. */
function canonicalExt(ecs: readonly ExtCommunity[] | undefined): { list: ExtCommunity[]; text: string[] } {
  if (ecs === undefined || ecs.length === 0) return { list: [], text: [] };
  const pairs = ecs.map((ec) => [formatExtCommunity(ec), ec] as const);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const list: ExtCommunity[] = [];
  const text: string[] = [];
  for (const [t, ec] of pairs) {
    if (text.length > 0 && text[text.length - 1] === t) continue;
    text.push(t);
    list.push(ec);
  }
  return { list, text };
}

function keyOf(a: AttrInput, extText: readonly string[], communities: readonly number[]): string {
  const agg = a.aggregator ? `${a.aggregator.asn}@${a.aggregator.address}` : '';
  const pmsi = a.pmsiTunnel
    ? `${a.pmsiTunnel.flags}/${a.pmsiTunnel.tunnelType}/${a.pmsiTunnel.label}/${a.pmsiTunnel.tunnelId}`
    : '';
  const unknown = a.unknown
    ? a.unknown.map((u) => `${u.flags}/${u.type}/${u.value.toString('hex')}`).join(',')
    : '';
  return [
    a.nextHop,
    a.origin ?? Origin.Incomplete,
    asPathText(a.asPath),
    a.med ?? '',
    a.localPref ?? '',
    a.atomicAggregate ? 1 : '',
    agg,
    communities.join(','),
    extText.join(','),
    a.originatorId ?? '',
    a.clusterList ? a.clusterList.join(',') : '',
    pmsi,
    unknown,
    a.rd ?? '',
    a.subProtocol ?? '',
    a.l3Label ?? '',
    a.esi ?? '',
  ].join(SEP);
}

export class AttrSet {
  readonly nextHop: string;
  readonly origin: Origin;
  readonly asPath: readonly AsPathSegment[] | undefined;
  readonly med: number | undefined;
  readonly localPref: number | undefined;
  readonly atomicAggregate: boolean;
  readonly aggregator: Aggregator | undefined;
  readonly communities: readonly number[];
  readonly extCommunities: readonly ExtCommunity[];
  readonly originatorId: string | undefined;
  readonly clusterList: readonly string[] | undefined;
  readonly pmsiTunnel: PmsiTunnel | undefined;
  readonly unknown: readonly RawAttribute[] | undefined;
  readonly rd: string | undefined;
  readonly subProtocol: string | undefined;
  readonly l3Label: number | undefined;
  readonly esi: string | undefined;

  /** Interning key: equal keys are equal attribute sets. */
  readonly key: string;
  /** B8 text of each ext community, in `extCommunities` order. */
  readonly extText: readonly string[];
  /** Route targets in B8 text (`target:64512:8000001`): the keys of the route-target index. */
  readonly routeTargets: readonly string[];
  /** VN index of the origin-vn ext community. */
  readonly originVn: number | undefined;
  /** RFC 5512 tunnel types, in ext community order. */
  readonly encapsulations: readonly number[];
  readonly securityGroups: readonly number[];
  readonly tags: readonly number[];
  readonly hasMobility: boolean;
  readonly sticky: boolean;
  readonly mobilitySeq: number;
  /** RFC 8317 E-Tree leaf indication (type 0x06, subtype 0x05, flag bit L). */
  readonly etreeLeaf: boolean;
  readonly loadBalance: LoadBalanceView | undefined;
  readonly routerMac: string | undefined;
  readonly asPathLength: number;
  /** First AS of the AS_PATH, 0 when none (TF's neighbor_as): MEDs compare only within one neighbour AS. */
  readonly neighborAs: number;
  /** ORIGINATOR_ID as a number, -1 when absent. */
  readonly originatorNum: number;
  readonly clusterLength: number;

  /** Paths referencing this set (maintained by the pool's users). At 0 the set leaves the pool. */
  refs = 0;
  /** Head of the intrusive list of VPN-table paths with these attributes: the route-target index walks it. */
  vpnHead: VpnPath | null = null;
  /** Attributes as sent to each class of BGP peer (iBGP, reflected, eBGP per AS); not interned. */
  outCache: Map<string, AttrSet> | null = null;
  /** Memoised forms for the session layer and agents (PathAttributes, next-hop pieces). */
  wire: unknown = null;
  xmpp: unknown = null;

  constructor(
    a: AttrInput,
    key: string,
    ext: readonly ExtCommunity[],
    extText: readonly string[],
    communities: readonly number[],
  ) {
    this.nextHop = a.nextHop;
    this.origin = a.origin ?? Origin.Incomplete;
    this.asPath = a.asPath;
    this.med = a.med;
    this.localPref = a.localPref;
    this.atomicAggregate = a.atomicAggregate ?? false;
    this.aggregator = a.aggregator;
    this.communities = communities;
    this.extCommunities = ext;
    this.originatorId = a.originatorId;
    this.clusterList = a.clusterList;
    this.pmsiTunnel = a.pmsiTunnel;
    this.unknown = a.unknown;
    this.rd = a.rd;
    this.subProtocol = a.subProtocol;
    this.l3Label = a.l3Label;
    this.esi = a.esi;
    this.key = key;
    this.extText = extText;

    const rts: string[] = [];
    const encaps: number[] = [];
    const sgs: number[] = [];
    const tags: number[] = [];
    let originVn: number | undefined;
    let hasMobility = false;
    let sticky = false;
    let seq = 0;
    let leaf = false;
    let lb: LoadBalanceView | undefined;
    let routerMac: string | undefined;
    for (let i = 0; i < ext.length; i++) {
      const ec = ext[i]!;
      switch (ec.kind) {
        case 'route-target':
          rts.push(extText[i]!);
          break;
        case 'origin-vn':
          if (originVn === undefined) originVn = ec.vnIndex;
          break;
        case 'encapsulation':
          encaps.push(ec.tunnelType);
          break;
        case 'security-group':
          sgs.push(ec.id);
          break;
        case 'tag':
          tags.push(ec.tag);
          break;
        case 'mac-mobility':
          hasMobility = true;
          sticky = ec.sticky;
          seq = ec.sequence;
          break;
        case 'load-balance':
          lb = { fields: ec.fields, sourceBias: ec.sourceBias };
          break;
        case 'router-mac':
          routerMac = ec.mac;
          break;
        case 'opaque':
          if (ec.hex.startsWith('0605') && (parseInt(ec.hex.slice(4, 6), 16) & 1) === 1) leaf = true;
          break;
      }
    }
    this.routeTargets = rts;
    this.originVn = originVn;
    this.encapsulations = encaps;
    this.securityGroups = sgs;
    this.tags = tags;
    this.hasMobility = hasMobility;
    this.sticky = sticky;
    this.mobilitySeq = seq;
    this.etreeLeaf = leaf;
    this.loadBalance = lb;
    this.routerMac = routerMac;
    this.asPathLength = asPathLength(a.asPath);
    this.neighborAs = firstAs(a.asPath) ?? 0;
    this.originatorNum = ipv4ToNumber(a.originatorId);
    this.clusterLength = a.clusterList?.length ?? 0;
  }

  /** The input this set was made from, to derive a changed copy. */
  toInput(): AttrInput {
    const a: AttrInput = { nextHop: this.nextHop, origin: this.origin };
    if (this.asPath !== undefined) a.asPath = this.asPath;
    if (this.med !== undefined) a.med = this.med;
    if (this.localPref !== undefined) a.localPref = this.localPref;
    if (this.atomicAggregate) a.atomicAggregate = true;
    if (this.aggregator !== undefined) a.aggregator = this.aggregator;
    if (this.communities.length > 0) a.communities = this.communities;
    if (this.extCommunities.length > 0) a.extCommunities = this.extCommunities;
    if (this.originatorId !== undefined) a.originatorId = this.originatorId;
    if (this.clusterList !== undefined) a.clusterList = this.clusterList;
    if (this.pmsiTunnel !== undefined) a.pmsiTunnel = this.pmsiTunnel;
    if (this.unknown !== undefined) a.unknown = this.unknown;
    if (this.rd !== undefined) a.rd = this.rd;
    if (this.subProtocol !== undefined) a.subProtocol = this.subProtocol;
    if (this.l3Label !== undefined) a.l3Label = this.l3Label;
    if (this.esi !== undefined) a.esi = this.esi;
    return a;
  }
}

/** Builds a set without interning it (outbound copies cached on their source set). */
export function makeAttrSet(input: AttrInput): AttrSet {
  const { list, text } = canonicalExt(input.extCommunities);
  const communities = input.communities ? uniqueSorted(input.communities, (x, y) => x - y) : [];
  return new AttrSet(input, keyOf(input, text, communities), list, text, communities);
}

/**
 * Interned attribute sets with reference counts. A user retains a set for every path that points at it and
 * releases it when the path goes; a set nobody references leaves the pool so churn does not grow it.
 */
export class AttrPool {
  private readonly sets = new Map<string, AttrSet>();

  get size(): number {
    return this.sets.size;
  }

  /** The canonical set for `input`, retained once. */
  acquire(input: AttrInput): AttrSet {
    const { list, text } = canonicalExt(input.extCommunities);
    const communities = input.communities ? uniqueSorted(input.communities, (x, y) => x - y) : [];
    const key = keyOf(input, text, communities);
    let set = this.sets.get(key);
    if (set === undefined) {
      set = new AttrSet(input, key, list, text, communities);
      this.sets.set(key, set);
    }
    set.refs++;
    return set;
  }

  /**
   * One more reference to `set`. A set whose references all went may have left the pool while a cache still
   * holds it; it comes back, or the equal set now in the pool is returned instead.
   */
  retain(set: AttrSet): AttrSet {
    if (set.refs === 0) {
      const current = this.sets.get(set.key);
      if (current === undefined) this.sets.set(set.key, set);
      else if (current !== set) {
        current.refs++;
        return current;
      }
    }
    set.refs++;
    return set;
  }

  release(set: AttrSet): void {
    if (--set.refs === 0 && this.sets.get(set.key) === set) this.sets.delete(set.key);
  }

  /** A retained copy of `base` with `extra` ext communities added (export RTs, origin-vn). */
  derive(base: AttrSet, extra: readonly ExtCommunity[], change?: (input: AttrInput) => void): AttrSet {
    const input = base.toInput();
    if (extra.length > 0) input.extCommunities = [...base.extCommunities, ...extra];
    change?.(input);
    return this.acquire(input);
  }
}
