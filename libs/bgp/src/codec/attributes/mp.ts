import { AttrType } from '../../constants';
import { ErrorCode, UpdateSubcode, sessionReset } from '../../errors';
import { AfiSafi, FAMILIES, Family, familyOf } from '../../families';
import { formatIpv4, formatIpv6, isIpv4, writeIpv4, writeIpv6 } from '../ip';
import { Nlri, decodeNlri, encodeNlri } from '../nlri';
import { ByteWriter } from '../writer';
import { MpReach, MpUnreach } from './types';

/**
 * MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760). Every failure here is a session reset: without a sound
 * next-hop length or NLRI field the routes cannot be located, so treat-as-withdraw is impossible
 * (RFC 7606 §5.3, §7.11).
 */

const optionalError = (message: string, data?: Buffer, type?: number) =>
  sessionReset(ErrorCode.UpdateMessage, UpdateSubcode.OptionalAttributeError, message, data, type);

/** Result of decoding: the attribute, or the AFI/SAFI when the family is not one the session speaks. */
export type MpDecoded<T> = { value: T } | { unsupported: AfiSafi };

export function decodeMpReach(
  buf: Buffer,
  v: number,
  len: number,
  families: ReadonlySet<Family> | undefined,
): MpDecoded<MpReach> {
  const end = v + len;
  const data = () => Buffer.from(buf.subarray(v, end));
  if (len < 5)
    throw optionalError(`MP_REACH_NLRI of ${len} octets (minimum 5)`, data(), AttrType.MpReachNlri);
  const afi = buf.readUInt16BE(v);
  const safi = buf[v + 2];
  const nhLen = buf[v + 3];
  const nh = v + 4;
  if (nh + nhLen + 1 > end) {
    throw optionalError(
      `MP_REACH_NLRI next hop of ${nhLen} octets overruns the attribute`,
      data(),
      AttrType.MpReachNlri,
    );
  }
  const family = familyOf(afi, safi);
  if (!family || (families && !families.has(family))) return { unsupported: { afi, safi } };
  const hops = decodeNextHop(family, buf, nh, nhLen);
  if (!hops) {
    throw optionalError(`next hop length ${nhLen} invalid for ${family}`, data(), AttrType.MpReachNlri);
  }
  // One reserved octet (RFC 4760 §3; was SNPA count in RFC 2858) is skipped, whatever its value.
  const nlri: Nlri[] = [];
  decodeNlri(family, buf, nh + nhLen + 1, end, false, nlri);
  const value = { family, nextHop: hops[0], nlri } as MpReach;
  if (hops[1] !== undefined) value.linkLocalNextHop = hops[1];
  return { value };
}

export function decodeMpUnreach(
  buf: Buffer,
  v: number,
  len: number,
  families: ReadonlySet<Family> | undefined,
): MpDecoded<MpUnreach> {
  if (len < 3) {
    throw optionalError(
      `MP_UNREACH_NLRI of ${len} octets (minimum 3)`,
      Buffer.from(buf.subarray(v, v + len)),
      AttrType.MpUnreachNlri,
    );
  }
  const afi = buf.readUInt16BE(v);
  const safi = buf[v + 2];
  const family = familyOf(afi, safi);
  if (!family || (families && !families.has(family))) return { unsupported: { afi, safi } };
  const nlri: Nlri[] = [];
  decodeNlri(family, buf, v + 3, v + len, true, nlri);
  return { value: { family, nlri } as MpUnreach };
}

/** [next hop, link-local?] or undefined when the length does not fit the family. */
function decodeNextHop(family: Family, buf: Buffer, off: number, len: number): [string, string?] | undefined {
  switch (family) {
    case 'inet':
      return len === 4 ? [formatIpv4(buf, off)] : undefined;
    case 'inet6':
      if (len === 16) return [formatIpv6(buf, off)];
      if (len === 32) return [formatIpv6(buf, off), formatIpv6(buf, off + 16)];
      return undefined;
    case 'inet-vpn':
      // RD (always zero) + IPv4 (RFC 4364 §4.3.2).
      return len === 12 ? [formatIpv4(buf, off + 8)] : undefined;
    case 'inet6-vpn':
      if (len === 24) return [formatIpv6(buf, off + 8)];
      if (len === 48) return [formatIpv6(buf, off + 8), formatIpv6(buf, off + 32)];
      return undefined;
    case 'route-target':
    case 'e-vpn':
      if (len === 4) return [formatIpv4(buf, off)];
      if (len === 16) return [formatIpv6(buf, off)];
      return undefined;
  }
}

/** Writes the next-hop length octet and the next hop for `family`. IPv4 text is mapped for inet6-vpn. */
export function encodeNextHop(w: ByteWriter, family: Family, nextHop: string, linkLocal?: string): void {
  const v6 = (text: string, rd: boolean) => {
    if (rd) w.zeros(8);
    const at = w.reserve(16);
    writeIpv6(isIpv4(text) ? `::ffff:${text}` : text, w.target(), at);
  };
  switch (family) {
    case 'inet':
    case 'inet-vpn': {
      const vpn = family === 'inet-vpn';
      w.u8(vpn ? 12 : 4);
      if (vpn) w.zeros(8);
      const at = w.reserve(4);
      writeIpv4(nextHop, w.target(), at);
      return;
    }
    case 'inet6':
    case 'inet6-vpn': {
      const vpn = family === 'inet6-vpn';
      w.u8((vpn ? 24 : 16) * (linkLocal ? 2 : 1));
      v6(nextHop, vpn);
      if (linkLocal) v6(linkLocal, vpn);
      return;
    }
    case 'route-target':
    case 'e-vpn':
      if (isIpv4(nextHop)) {
        w.u8(4);
        const at = w.reserve(4);
        writeIpv4(nextHop, w.target(), at);
      } else {
        w.u8(16);
        v6(nextHop, false);
      }
      return;
  }
}

/** The MP_REACH_NLRI value (no attribute header). */
export function encodeMpReachValue(w: ByteWriter, mp: MpReach, nlri: readonly Nlri[] = mp.nlri): void {
  const { afi, safi } = FAMILIES[mp.family];
  w.u16(afi).u8(safi);
  encodeNextHop(w, mp.family, mp.nextHop, mp.linkLocalNextHop);
  w.u8(0);
  for (const n of nlri) encodeNlri(w, mp.family, n, false);
}

/** The MP_UNREACH_NLRI value (no attribute header). */
export function encodeMpUnreachValue(w: ByteWriter, family: Family, nlri: readonly Nlri[]): void {
  const { afi, safi } = FAMILIES[family];
  w.u16(afi).u8(safi);
  for (const n of nlri) encodeNlri(w, family, n, true);
}

/** Octets taken by the next-hop length and next hop of `family` (for packing UPDATEs). */
export function nextHopSize(family: Family, nextHop: string, linkLocal?: string): number {
  switch (family) {
    case 'inet':
      return 5;
    case 'inet-vpn':
      return 13;
    case 'inet6':
      return linkLocal ? 33 : 17;
    case 'inet6-vpn':
      return linkLocal ? 49 : 25;
    default:
      return isIpv4(nextHop) ? 5 : 17;
  }
}
