import { AttrFlag, AttrType, Origin } from '../../constants';
import { BgpError, ErrorCode, ErrorHandling, UpdateSubcode, sessionReset, updateError } from '../../errors';
import { AfiSafi, Family } from '../../families';
import { decodeExtCommunity } from '../ext-community';
import { formatIpv4 } from '../ip';
import { readU16, readU32 } from '../rd';
import { decodeAsPath } from './as-path';
import { decodeMpReach, decodeMpUnreach } from './mp';
import { decodePmsiTunnel } from './pmsi';
import { PathAttributes } from './types';

/** What the decoder needs to know about the session (GoBGP keeps the same split in validate.go). */
export interface DecodeContext {
  /** Both sides advertised the 4-octet AS capability: AS_PATH and AGGREGATOR carry 4-octet ASNs. */
  as4: boolean;
  /** External peer: LOCAL_PREF is ignored (RFC 4271 §5.1.5, RFC 7606 §7.5). Default false. */
  ebgp?: boolean;
  /** Negotiated families; MP_REACH/MP_UNREACH of any other family are ignored and reported (RFC 4760 §7). */
  families?: ReadonlySet<Family>;
}

export interface AttributeDecodeState {
  attrs: PathAttributes;
  errors: BgpError[];
  unsupportedFamilies: AfiSafi[];
  /** Attribute types present on the wire, including ones later discarded (for the missing-attribute check). */
  seen: Uint8Array;
}

const WELL_KNOWN = AttrFlag.Transitive;
const OPT_TRANSITIVE = AttrFlag.Optional | AttrFlag.Transitive;
const OPT_NON_TRANSITIVE = AttrFlag.Optional;

/**
 * Per attribute: the Optional/Transitive flags it must carry and the RFC 7606 §7 approach for a malformed
 * instance (flag errors use the same approach, §3c). Kept as data so this table is the documentation.
 */
export const ATTRIBUTE_RULES: Readonly<
  Record<number, { name: string; flags: number; malformed: ErrorHandling }>
> = {
  [AttrType.Origin]: { name: 'ORIGIN', flags: WELL_KNOWN, malformed: 'treat-as-withdraw' },
  [AttrType.AsPath]: { name: 'AS_PATH', flags: WELL_KNOWN, malformed: 'treat-as-withdraw' },
  [AttrType.NextHop]: { name: 'NEXT_HOP', flags: WELL_KNOWN, malformed: 'treat-as-withdraw' },
  [AttrType.Med]: { name: 'MULTI_EXIT_DISC', flags: OPT_NON_TRANSITIVE, malformed: 'treat-as-withdraw' },
  [AttrType.LocalPref]: { name: 'LOCAL_PREF', flags: WELL_KNOWN, malformed: 'treat-as-withdraw' },
  [AttrType.AtomicAggregate]: { name: 'ATOMIC_AGGREGATE', flags: WELL_KNOWN, malformed: 'attribute-discard' },
  [AttrType.Aggregator]: { name: 'AGGREGATOR', flags: OPT_TRANSITIVE, malformed: 'attribute-discard' },
  [AttrType.Communities]: { name: 'COMMUNITIES', flags: OPT_TRANSITIVE, malformed: 'treat-as-withdraw' },
  [AttrType.OriginatorId]: {
    name: 'ORIGINATOR_ID',
    flags: OPT_NON_TRANSITIVE,
    malformed: 'treat-as-withdraw',
  },
  [AttrType.ClusterList]: { name: 'CLUSTER_LIST', flags: OPT_NON_TRANSITIVE, malformed: 'treat-as-withdraw' },
  [AttrType.MpReachNlri]: { name: 'MP_REACH_NLRI', flags: OPT_NON_TRANSITIVE, malformed: 'session-reset' },
  [AttrType.MpUnreachNlri]: {
    name: 'MP_UNREACH_NLRI',
    flags: OPT_NON_TRANSITIVE,
    malformed: 'session-reset',
  },
  [AttrType.ExtendedCommunities]: {
    name: 'EXTENDED_COMMUNITIES',
    flags: OPT_TRANSITIVE,
    malformed: 'treat-as-withdraw',
  },
  // RFC 6793 §6: malformed AS4_PATH / AS4_AGGREGATOR are discarded, the UPDATE is kept.
  [AttrType.As4Path]: { name: 'AS4_PATH', flags: OPT_TRANSITIVE, malformed: 'attribute-discard' },
  [AttrType.As4Aggregator]: { name: 'AS4_AGGREGATOR', flags: OPT_TRANSITIVE, malformed: 'attribute-discard' },
  // RFC 6514 gives no rule; the route is unusable without its tunnel, so withdraw rather than keep it.
  [AttrType.PmsiTunnel]: { name: 'PMSI_TUNNEL', flags: OPT_TRANSITIVE, malformed: 'treat-as-withdraw' },
};

/**
 * Walks the path attribute field [off, end). Throws BgpError for what RFC 7606 still resets the session for;
 * records the rest in `state.errors` and leaves the offending attribute out of `state.attrs`.
 */
export function decodeAttributes(
  buf: Buffer,
  off: number,
  end: number,
  ctx: DecodeContext,
  state: AttributeDecodeState,
): void {
  const { attrs, seen } = state;
  while (off < end) {
    // An attribute that overruns the field hides whatever follows, possibly an MP_REACH_NLRI, so the NLRI
    // cannot all be found and treat-as-withdraw (which needs them, RFC 7606 §3a) is not safe.
    if (end - off < 3) throw malformedList('attribute header truncated');
    const flags = buf[off];
    const type = buf[off + 1];
    const extended = (flags & AttrFlag.ExtendedLength) !== 0;
    if (extended && end - off < 4) throw malformedList('attribute header truncated');
    const len = extended ? readU16(buf, off + 2) : buf[off + 2];
    const v = off + (extended ? 4 : 3);
    if (v + len > end) throw malformedList(`attribute ${type} of ${len} octets overruns the attribute field`);
    const whole = () => Buffer.from(buf.subarray(off, v + len));
    off = v + len;

    if (seen[type]) {
      // RFC 7606 §3g: a second MP_REACH/MP_UNREACH is fatal; any other repeat is dropped, first kept.
      if (type === AttrType.MpReachNlri || type === AttrType.MpUnreachNlri) {
        throw malformedList(`duplicate ${ATTRIBUTE_RULES[type].name}`, whole());
      }
      state.errors.push(
        updateError(
          'attribute-discard',
          UpdateSubcode.MalformedAttributeList,
          type,
          `duplicate attribute ${type} discarded`,
          whole(),
        ),
      );
      continue;
    }
    seen[type] = 1;

    const rule = ATTRIBUTE_RULES[type];
    if (!rule) {
      if ((flags & AttrFlag.Optional) === 0) {
        throw sessionReset(
          ErrorCode.UpdateMessage,
          UpdateSubcode.UnrecognizedWellKnownAttribute,
          `unrecognized well-known attribute ${type}`,
          whole(),
          type,
        );
      }
      // Kept in type order, the order they are re-sent in (RFC 4271 §5 asks for ascending type codes).
      const unknown = (attrs.unknown ??= []);
      let at = unknown.length;
      while (at > 0 && unknown[at - 1].type > type) at--;
      unknown.splice(at, 0, {
        flags: flags & ~AttrFlag.ExtendedLength,
        type,
        value: Buffer.from(buf.subarray(v, v + len)),
      });
      continue;
    }
    if (type === AttrType.LocalPref && ctx.ebgp) continue; // ignored from external peers, malformed or not
    if ((type === AttrType.As4Path || type === AttrType.As4Aggregator) && ctx.as4) continue; // RFC 6793 §4.1

    const fail = (subcode: number, why: string, handling = rule.malformed) => {
      if (handling === 'session-reset')
        throw sessionReset(ErrorCode.UpdateMessage, subcode, `${rule.name}: ${why}`, whole(), type);
      state.errors.push(updateError(handling, subcode, type, `${rule.name}: ${why}`, whole()));
    };
    if ((flags & OPT_TRANSITIVE) !== rule.flags) {
      fail(
        UpdateSubcode.AttributeFlagsError,
        `flags 0x${flags.toString(16)} conflict with the attribute type`,
      );
      continue;
    }
    const errorsBefore = state.errors.length;
    const badLength = () => fail(UpdateSubcode.AttributeLengthError, `length ${len} is invalid`);

    switch (type) {
      case AttrType.Origin:
        if (len !== 1) badLength();
        else if (buf[v] > 2) fail(UpdateSubcode.InvalidOrigin, `undefined ORIGIN value ${buf[v]}`);
        else attrs.origin = buf[v] as Origin;
        break;
      case AttrType.AsPath:
      case AttrType.As4Path: {
        const asn4 = type === AttrType.As4Path || ctx.as4;
        const path = decodeAsPath(buf, v, v + len, asn4 ? 4 : 2);
        // RFC 6793 §6: an AS4_PATH must carry at least one AS (6 octets).
        if (typeof path === 'string') fail(UpdateSubcode.MalformedAsPath, path);
        else if (type === AttrType.As4Path && len < 6) fail(UpdateSubcode.MalformedAsPath, 'empty AS4_PATH');
        else if (type === AttrType.AsPath) attrs.asPath = path;
        else attrs.as4Path = path;
        break;
      }
      case AttrType.NextHop:
        if (len !== 4) badLength();
        else attrs.nextHop = formatIpv4(buf, v);
        break;
      case AttrType.Med:
        if (len !== 4) badLength();
        else attrs.med = readU32(buf, v);
        break;
      case AttrType.LocalPref:
        if (len !== 4) badLength();
        else attrs.localPref = readU32(buf, v);
        break;
      case AttrType.AtomicAggregate:
        if (len !== 0) badLength();
        else attrs.atomicAggregate = true;
        break;
      case AttrType.Aggregator:
      case AttrType.As4Aggregator: {
        const asn4 = type === AttrType.As4Aggregator || ctx.as4;
        if (len !== (asn4 ? 8 : 6)) badLength();
        else {
          const value = {
            asn: asn4 ? readU32(buf, v) : readU16(buf, v),
            address: formatIpv4(buf, v + (asn4 ? 4 : 2)),
          };
          if (type === AttrType.Aggregator) attrs.aggregator = value;
          else attrs.as4Aggregator = value;
        }
        break;
      }
      case AttrType.Communities:
        if (len === 0 || len % 4 !== 0) badLength();
        else {
          const list = new Array<number>(len / 4);
          for (let i = 0; i < list.length; i++) list[i] = readU32(buf, v + 4 * i);
          attrs.communities = list;
        }
        break;
      case AttrType.OriginatorId:
        if (len !== 4) badLength();
        else attrs.originatorId = formatIpv4(buf, v);
        break;
      case AttrType.ClusterList:
        if (len === 0 || len % 4 !== 0) badLength();
        else {
          const list = new Array<string>(len / 4);
          for (let i = 0; i < list.length; i++) list[i] = formatIpv4(buf, v + 4 * i);
          attrs.clusterList = list;
        }
        break;
      case AttrType.MpReachNlri: {
        const r = decodeMpReach(buf, v, len, ctx.families);
        if ('value' in r) attrs.mpReach = r.value;
        else state.unsupportedFamilies.push(r.unsupported);
        break;
      }
      case AttrType.MpUnreachNlri: {
        const r = decodeMpUnreach(buf, v, len, ctx.families);
        if ('value' in r) attrs.mpUnreach = r.value;
        else state.unsupportedFamilies.push(r.unsupported);
        break;
      }
      case AttrType.ExtendedCommunities:
        if (len === 0 || len % 8 !== 0) badLength();
        else {
          const list = new Array(len / 8);
          for (let i = 0; i < list.length; i++) list[i] = decodeExtCommunity(buf, v + 8 * i);
          attrs.extCommunities = list;
        }
        break;
      case AttrType.PmsiTunnel:
        if (len < 5) badLength();
        else attrs.pmsiTunnel = decodePmsiTunnel(buf, v, len);
        break;
    }
    // Only for an attribute that was kept: a discarded one must not leave its flag behind.
    if (flags & AttrFlag.Partial && rule.flags === OPT_TRANSITIVE && state.errors.length === errorsBefore) {
      const partial = (attrs.partial ??= []);
      partial.push(type);
      partial.sort((a, b) => a - b); // at most six entries; keeps the model independent of wire order
    }
  }
}

const malformedList = (message: string, data?: Buffer) =>
  sessionReset(ErrorCode.UpdateMessage, UpdateSubcode.MalformedAttributeList, message, data);
