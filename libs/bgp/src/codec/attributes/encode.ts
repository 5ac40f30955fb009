import { AttrFlag, AttrType } from '../../constants';
import { encodeExtCommunity } from '../ext-community';
import { writeIpv4 } from '../ip';
import { Nlri } from '../nlri';
import { ByteWriter } from '../writer';
import { encodeAsPath } from './as-path';
import { ATTRIBUTE_RULES } from './decode';
import { encodeMpReachValue, encodeMpUnreachValue } from './mp';
import { encodePmsiTunnelValue } from './pmsi';
import { PathAttributes, RawAttribute } from './types';

export interface EncodeContext {
  /** 4-octet AS negotiated: AS_PATH/AGGREGATOR carry 4-octet ASNs, and AS4_PATH/AS4_AGGREGATOR are not sent. */
  as4: boolean;
}

/** Writes flags and type and returns where the value starts; pair with `endAttribute`. */
function beginAttribute(w: ByteWriter, flags: number, type: number): number {
  const at = w.pos;
  w.u8(flags | AttrFlag.ExtendedLength)
    .u8(type)
    .u16(0);
  return at;
}

/** Patches the length, using the 1-octet form whenever it fits so output is canonical. */
function endAttribute(w: ByteWriter, at: number): void {
  const len = w.pos - at - 4;
  if (len > 0xffff) throw new RangeError(`attribute ${w.target()[at + 1]} of ${len} octets is too long`);
  if (len <= 255) {
    w.cut(at + 2, 1);
    w.patchU8(at, w.target()[at] & ~AttrFlag.ExtendedLength);
    w.patchU8(at + 2, len);
  } else {
    w.patchU16(at + 2, len);
  }
}

function flagsFor(attrs: PathAttributes, type: number): number {
  const flags = ATTRIBUTE_RULES[type].flags;
  return attrs.partial?.includes(type) ? flags | AttrFlag.Partial : flags;
}

function ipv4(w: ByteWriter, text: string): void {
  const at = w.reserve(4);
  writeIpv4(text, w.target(), at);
}

/** MP_REACH_NLRI with the given NLRI (defaults to all of `attrs.mpReach`). */
export function encodeMpReachAttribute(
  w: ByteWriter,
  attrs: PathAttributes,
  nlri: readonly Nlri[] = attrs.mpReach!.nlri,
): void {
  const at = beginAttribute(w, AttrFlag.Optional, AttrType.MpReachNlri);
  encodeMpReachValue(w, attrs.mpReach!, nlri);
  endAttribute(w, at);
}

export function encodeMpUnreachAttribute(
  w: ByteWriter,
  attrs: PathAttributes,
  nlri: readonly Nlri[] = attrs.mpUnreach!.nlri,
): void {
  const at = beginAttribute(w, AttrFlag.Optional, AttrType.MpUnreachNlri);
  encodeMpUnreachValue(w, attrs.mpUnreach!.family, nlri);
  endAttribute(w, at);
}

/**
 * Every attribute except MP_REACH/MP_UNREACH, in type-code order (unknown ones merged in by type). The MP
 * attributes are written first by the UPDATE encoder, as RFC 7606 §5.1 asks.
 */
export function encodeOtherAttributes(w: ByteWriter, attrs: PathAttributes, ctx: EncodeContext): void {
  const unknown = attrs.unknown ? [...attrs.unknown].sort((a, b) => a.type - b.type) : [];
  let u = 0;
  const flushUnknownBelow = (type: number) => {
    while (u < unknown.length && unknown[u].type < type) writeRaw(w, unknown[u++]);
  };
  const simple = (type: number, write: () => void) => {
    flushUnknownBelow(type);
    const at = beginAttribute(w, flagsFor(attrs, type), type);
    write();
    endAttribute(w, at);
  };
  const asSize = ctx.as4 ? 4 : 2;

  if (attrs.origin !== undefined) simple(AttrType.Origin, () => w.u8(attrs.origin!));
  if (attrs.asPath) simple(AttrType.AsPath, () => encodeAsPath(w, attrs.asPath!, asSize));
  if (attrs.nextHop !== undefined) simple(AttrType.NextHop, () => ipv4(w, attrs.nextHop!));
  if (attrs.med !== undefined) simple(AttrType.Med, () => w.u32(attrs.med!));
  if (attrs.localPref !== undefined) simple(AttrType.LocalPref, () => w.u32(attrs.localPref!));
  if (attrs.atomicAggregate) simple(AttrType.AtomicAggregate, () => undefined);
  if (attrs.aggregator) {
    const { asn, address } = attrs.aggregator;
    if (!ctx.as4 && asn > 0xffff)
      throw new RangeError(`AGGREGATOR AS ${asn} needs 4 octets (use toTwoOctetAttributes)`);
    simple(AttrType.Aggregator, () => {
      if (ctx.as4) w.u32(asn);
      else w.u16(asn);
      ipv4(w, address);
    });
  }
  if (attrs.communities) simple(AttrType.Communities, () => attrs.communities!.forEach((c) => w.u32(c)));
  if (attrs.originatorId !== undefined) simple(AttrType.OriginatorId, () => ipv4(w, attrs.originatorId!));
  if (attrs.clusterList) simple(AttrType.ClusterList, () => attrs.clusterList!.forEach((id) => ipv4(w, id)));
  if (attrs.extCommunities) {
    simple(AttrType.ExtendedCommunities, () => {
      for (const ec of attrs.extCommunities!) {
        const at = w.reserve(8); // before target(): growing replaces the buffer
        encodeExtCommunity(ec, w.target(), at);
      }
    });
  }
  // RFC 6793 §4.1: AS4_* attributes only ever go to 2-octet speakers.
  if (attrs.as4Path && !ctx.as4) simple(AttrType.As4Path, () => encodeAsPath(w, attrs.as4Path!, 4));
  if (attrs.as4Aggregator && !ctx.as4) {
    simple(AttrType.As4Aggregator, () => {
      w.u32(attrs.as4Aggregator!.asn);
      ipv4(w, attrs.as4Aggregator!.address);
    });
  }
  if (attrs.pmsiTunnel) simple(AttrType.PmsiTunnel, () => encodePmsiTunnelValue(w, attrs.pmsiTunnel!));
  flushUnknownBelow(256);
}

function writeRaw(w: ByteWriter, a: RawAttribute): void {
  const at = beginAttribute(w, a.flags & ~AttrFlag.ExtendedLength, a.type);
  w.bytes(a.value);
  endAttribute(w, at);
}
