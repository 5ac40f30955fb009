import { AS_TRANS, Origin, TUNNEL_TYPES, tunnelTypeName, type ExtCommunity } from '@skein/bgp';
import {
  isKnownEncapsulation,
  type LoadBalance,
  type NextHop,
  type Nlri as XmppNlri,
  type RouteEntry,
} from '@skein/xmpp';
import type { AttrInput, AttrSet } from './attrs';
import { PathFlag, type Path } from './path';

/**
 * Attributes of XMPP-learned paths (routing.md B7, B8) and the agent's view of a destination: one
 * `<next-hop>` per ECMP path.
 */

/** LOCAL_PREF absent/0 compares as 100 and is sent to agents as 100. */
export const DEFAULT_LOCAL_PREF = 100;

/** B7: the MED of an XMPP path that carries none, from its LOCAL_PREF. */
export function medFromLocalPref(localPref: number): number | undefined {
  if (localPref === 0) return undefined;
  if (localPref === 100) return 200;
  if (localPref === 200) return 100;
  return 4294967295 - localPref;
}

/** B7 as a table, for documentation and tests: `<local-preference>` → MED when `<med>` is 0 or absent. */
export const LOCAL_PREF_TO_MED: ReadonlyArray<readonly [number, number | undefined]> = [
  [0, undefined],
  [100, 200],
  [200, 100],
  [150, 4294967295 - 150],
];

/** RFC 1997 well-known communities by TF's names (community_type.cc). */
const WELL_KNOWN_COMMUNITIES: Readonly<Record<string, number>> = {
  'no-export': 0xffffff01,
  'no-advertise': 0xffffff02,
  'no-export-subconfed': 0xffffff03,
  'accept-own': 0xffff0001,
  'llgr-stale': 0xffff0006,
  'no-llgr': 0xffff0007,
  'accept-own-nexthop': 0xffff0008,
  'no-reoriginate': 0xfffff000,
};
const COMMUNITY_NAMES = new Map(Object.entries(WELL_KNOWN_COMMUNITIES).map(([k, v]) => [v, k] as const));

/** `64512:10` or a well-known name to the 32-bit value; undefined for what TF would skip. */
export function parseCommunity(text: string): number | undefined {
  const known = WELL_KNOWN_COMMUNITIES[text];
  if (known !== undefined) return known;
  const m = /^(\d{1,5}):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const hi = Number(m[1]);
  const lo = Number(m[2]);
  return hi <= 0xffff && lo <= 0xffff ? hi * 65536 + lo : undefined;
}

export function formatCommunity(value: number): string {
  return COMMUNITY_NAMES.get(value) ?? `${Math.floor(value / 65536)}:${value & 0xffff}`;
}

/** An AS-scoped ext community value: AS2 + 4-octet value, or (4-byte AS) AS4 + 2-octet value when it fits. */
function asScoped(asn: number, value: number): { form: 'as2' | 'as4'; asn: number } {
  if (asn <= 0xffff) return { form: 'as2', asn };
  return value <= 0xffff ? { form: 'as4', asn } : { form: 'as2', asn: AS_TRANS };
}

export function originVnCommunity(asn: number, vnIndex: number): ExtCommunity {
  return { kind: 'origin-vn', ...asScoped(asn, vnIndex), vnIndex };
}

export interface XmppPathContext {
  /** Global ASN: scopes origin-vn, security group and tag ext communities. */
  asn: number;
  /** The RD of the agent's paths in this RI (`<next-hop>:<instance-id>`); none in the master instance. */
  rd: string | undefined;
  /** VN fq name → VN index, for `<virtual-network>`; undefined when unknown. */
  vnIndexOf(name: string): number | undefined;
}

export interface XmppPathInput {
  attrs: AttrInput;
  label: number;
  flags: number;
}

/**
 * The path an agent's item makes (B7): LOCAL_PREF from `<local-preference>` (0 → absent), MED from `<med>`
 * or else from LOCAL_PREF, ORIGIN incomplete, empty AS_PATH, NEXT_HOP the next-hop address, and B8 ext
 * communities for encapsulations, origin VN, security groups, tags, mobility, load balance and router MAC.
 * Validation (one next hop, label ranges) is `@skein/xmpp`'s `validateAgentRoute`, done by the session.
 */
export function xmppPath(entry: RouteEntry, ctx: XmppPathContext): XmppPathInput {
  const nh = entry.nextHops[0]!;
  const lp = entry.localPreference ?? 0;
  const med = entry.med ? entry.med : medFromLocalPref(lp);
  const ext: ExtCommunity[] = [];
  let known = 0;
  for (const name of nh.tunnelEncapsulations) {
    // The agent's list of names (`isKnownEncapsulation`) decides feasibility, as in TF's NoTunnelEncap.
    const type = isKnownEncapsulation(name) ? TUNNEL_TYPES[name] : undefined;
    if (type === undefined) continue;
    known++;
    ext.push({ kind: 'encapsulation', tunnelType: type });
  }
  const vnName = nh.virtualNetwork ?? entry.virtualNetwork;
  const vnIndex = vnName === undefined ? undefined : ctx.vnIndexOf(vnName);
  if (vnIndex !== undefined && vnIndex > 0) ext.push(originVnCommunity(ctx.asn, vnIndex));
  for (const id of entry.securityGroups) ext.push({ kind: 'security-group', ...asScoped(ctx.asn, id), id });
  for (const tag of nh.tags) ext.push({ kind: 'tag', ...asScoped(ctx.asn, tag), tag });
  const mobility =
    entry.mobility ?? (entry.sequenceNumber ? { seqno: entry.sequenceNumber, sticky: false } : undefined);
  if (mobility) ext.push({ kind: 'mac-mobility', sticky: mobility.sticky, sequence: mobility.seqno });
  if (entry.loadBalance) {
    ext.push({
      kind: 'load-balance',
      fields: [...entry.loadBalance.fields],
      sourceBias: entry.loadBalance.decision === 'source-bias',
    });
  }
  if (nh.mac !== undefined && entry.nlri.family === 'evpn') ext.push({ kind: 'router-mac', mac: nh.mac });

  const communities: number[] = [];
  for (const c of entry.communityTags) {
    const v = parseCommunity(c);
    if (v !== undefined) communities.push(v);
  }
  const attrs: AttrInput = {
    nextHop: nh.address,
    origin: Origin.Incomplete,
    asPath: [],
    extCommunities: ext,
  };
  if (lp !== 0) attrs.localPref = lp;
  if (med !== undefined) attrs.med = med;
  if (communities.length > 0) attrs.communities = communities;
  if (ctx.rd !== undefined) attrs.rd = ctx.rd;
  if (entry.subProtocol !== undefined) attrs.subProtocol = entry.subProtocol;
  if (nh.l3Label !== undefined) attrs.l3Label = nh.l3Label;

  const label = nh.label === 0 && nh.vni !== undefined ? nh.vni : nh.label;
  const unusable = nh.tunnelEncapsulations.length > 0 && known === 0;
  return { attrs, label, flags: unusable ? PathFlag.NoTunnelEncap : 0 };
}

interface XmppPieces {
  encapNames: string[];
  communityTags: string[];
  loadBalance: LoadBalance | undefined;
}

function piecesOf(attrs: AttrSet): XmppPieces {
  let x = attrs.xmpp as XmppPieces | null;
  if (x === null) {
    x = {
      encapNames: attrs.encapsulations.map(tunnelTypeName),
      communityTags: attrs.communities.map(formatCommunity),
      loadBalance: attrs.loadBalance
        ? {
            fields: [...attrs.loadBalance.fields],
            decision: attrs.loadBalance.sourceBias ? 'source-bias' : 'field-hash',
          }
        : undefined,
    };
    attrs.xmpp = x;
  }
  return x;
}

export interface AgentViewContext {
  /** VN index → fq name; undefined when no RI names that VN (sent as `unresolved`). */
  vnName(index: number | undefined): string | undefined;
}

/**
 * A path's origin VN: its origin-vn ext community, else (a path of this RI, not a copy) the RI's own VN,
 * as TF's RibOutAttr does for local paths.
 */
export function originVnOf(path: Path, riVnIndex: number): number | undefined {
  if (path.attrs.originVn !== undefined) return path.attrs.originVn;
  return (path.flags & PathFlag.Replicated) === 0 && riVnIndex > 0 ? riVnIndex : undefined;
}

const UNRESOLVED_VN = 'unresolved';
const GRE = ['gre'];
const NONE: string[] = [];

/** One `<next-hop>` for a path: encapsulations from its ext communities (none with a label → `gre`, B8). */
export function nextHopOf(path: Path, riVnIndex: number, ctx: AgentViewContext): NextHop {
  const a = path.attrs;
  const pieces = piecesOf(a);
  const nh: NextHop = {
    address: a.nextHop,
    label: path.label,
    tunnelEncapsulations: pieces.encapNames.length > 0 ? pieces.encapNames : path.label !== 0 ? GRE : NONE,
    tags: a.tags as number[],
    virtualNetwork: ctx.vnName(originVnOf(path, riVnIndex)) ?? UNRESOLVED_VN,
  };
  if (a.routerMac !== undefined) nh.mac = a.routerMac;
  if (a.l3Label !== undefined) nh.l3Label = a.l3Label;
  return nh;
}

/**
 * What an agent receives for a destination: one next hop per path of `paths` (its ECMP set without the
 * agent's own paths), entry attributes from the first (best) path. A broadcast EVPN entry carries the
 * paths as its `<olist>` instead.
 */
export function agentEntry(
  nlri: XmppNlri,
  paths: readonly Path[],
  broadcast: boolean,
  riVnIndex: number,
  ctx: AgentViewContext,
): RouteEntry {
  const best = paths[0]!.attrs;
  const pieces = piecesOf(best);
  const hops = paths.map((p) => nextHopOf(p, riVnIndex, ctx));
  const entry: RouteEntry = {
    nlri,
    nextHops: broadcast ? [] : hops,
    version: 1,
    virtualNetwork: ctx.vnName(originVnOf(paths[0]!, riVnIndex)) ?? UNRESOLVED_VN,
    sequenceNumber: best.mobilitySeq,
    securityGroups: best.securityGroups as number[],
    communityTags: pieces.communityTags,
    localPreference: best.localPref ?? DEFAULT_LOCAL_PREF,
    med: best.med ?? 0,
  };
  if (broadcast) entry.olist = hops;
  if (best.hasMobility) entry.mobility = { seqno: best.mobilitySeq, sticky: best.sticky };
  if (best.subProtocol !== undefined) entry.subProtocol = best.subProtocol;
  if (pieces.loadBalance !== undefined) entry.loadBalance = pieces.loadBalance;
  return entry;
}
