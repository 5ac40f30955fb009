import { AttrType, HEADER_LENGTH, MAX_MESSAGE_LENGTH, MessageType } from '../constants';
import { BgpError, ErrorCode, UpdateSubcode, sessionReset, strongest, updateError } from '../errors';
import { AfiSafi, Family } from '../families';
import { AttributeDecodeState, DecodeContext, decodeAttributes } from './attributes/decode';
import {
  EncodeContext,
  encodeMpReachAttribute,
  encodeMpUnreachAttribute,
  encodeOtherAttributes,
} from './attributes/encode';
import { nextHopSize } from './attributes/mp';
import { PathAttributes } from './attributes/types';
import { beginMessage, endMessage } from './header';
import { Nlri } from './nlri';
import { decodeInetPrefixes, encodeInetPrefix } from './nlri/inet';
import { readU16 } from './rd';
import { ByteWriter } from './writer';

export interface UpdateMessage {
  type: 'update';
  /** IPv4 unicast prefixes of the Withdrawn Routes field. */
  withdrawn: string[];
  attributes: PathAttributes;
  /** IPv4 unicast prefixes of the NLRI field. */
  nlri: string[];
}

export interface UpdateDecodeResult {
  message: UpdateMessage;
  /** Attribute errors handled without a reset (RFC 7606); each counts towards `attr_errors`. */
  errors: BgpError[];
  /** RFC 7606 treat-as-withdraw: every NLRI of this UPDATE must be handled as withdrawn (`routesOf` does it). */
  treatAsWithdraw: boolean;
  /** MP_REACH/MP_UNREACH families ignored because the session does not speak them (RFC 4760 §7). */
  unsupportedFamilies: AfiSafi[];
}

/**
 * Decodes a whole UPDATE (header included, already checked). Throws BgpError for session-reset cases;
 * everything weaker is returned in `errors` with the offending attributes left out.
 */
export function decodeUpdate(buf: Buffer, ctx: DecodeContext): UpdateDecodeResult {
  const length = buf.length;
  let off = HEADER_LENGTH;
  const withdrawnLen = readU16(buf, off);
  off += 2;
  if (off + withdrawnLen + 2 > length) {
    throw malformedList(`withdrawn routes length ${withdrawnLen} overruns the message`);
  }
  const withdrawn: string[] = [];
  decodeInetPrefixes(buf, off, off + withdrawnLen, false, withdrawn);
  off += withdrawnLen;
  const attrLen = readU16(buf, off);
  off += 2;
  if (off + attrLen > length)
    throw malformedList(`total path attribute length ${attrLen} overruns the message`);

  const state: AttributeDecodeState = {
    attrs: {},
    errors: [],
    unsupportedFamilies: [],
    seen: new Uint8Array(256),
  };
  decodeAttributes(buf, off, off + attrLen, ctx, state);
  off += attrLen;
  const nlri: string[] = [];
  decodeInetPrefixes(buf, off, length, false, nlri);

  const { attrs, errors, seen } = state;
  // RFC 7606 §3d: well-known mandatory attributes are only mandatory when something is announced; NEXT_HOP
  // only for the NLRI field (RFC 4760 §3).
  const announces = nlri.length > 0 || (attrs.mpReach !== undefined && attrs.mpReach.nlri.length > 0);
  if (announces) {
    const required =
      nlri.length > 0
        ? [AttrType.Origin, AttrType.AsPath, AttrType.NextHop]
        : [AttrType.Origin, AttrType.AsPath];
    for (const type of required) {
      if (!seen[type]) {
        errors.push(
          updateError(
            'treat-as-withdraw',
            UpdateSubcode.MissingWellKnownAttribute,
            type,
            `missing well-known attribute ${type}`,
            Buffer.from([type]),
          ),
        );
      }
    }
  }
  return {
    message: { type: 'update', withdrawn, attributes: attrs, nlri },
    errors,
    treatAsWithdraw: strongest(errors) === 'treat-as-withdraw',
    unsupportedFamilies: state.unsupportedFamilies,
  };
}

const malformedList = (message: string) =>
  sessionReset(ErrorCode.UpdateMessage, UpdateSubcode.MalformedAttributeList, message);

/** Encodes one UPDATE; throws RangeError if it would exceed 4096 octets (use `packUpdates` for bulk). */
export function encodeUpdate(m: UpdateMessage, ctx: EncodeContext): Buffer {
  const w = new ByteWriter(256);
  const other = new ByteWriter(128);
  encodeOtherAttributes(other, m.attributes, ctx);
  writeUpdate(w, m.withdrawn, m.attributes, undefined, undefined, other.finish(), m.nlri);
  return w.finish();
}

function writeUpdate(
  w: ByteWriter,
  withdrawn: readonly string[],
  attrs: PathAttributes,
  reachNlri: readonly Nlri[] | undefined,
  unreachNlri: readonly Nlri[] | undefined,
  otherAttributes: Buffer,
  nlri: readonly string[],
  max = MAX_MESSAGE_LENGTH,
): void {
  const start = beginMessage(w, MessageType.Update);
  const wlAt = w.reserve(2);
  for (const p of withdrawn) encodeInetPrefix(w, p, false);
  w.patchU16(wlAt, w.pos - wlAt - 2);
  const alAt = w.reserve(2);
  if (attrs.mpReach) encodeMpReachAttribute(w, attrs, reachNlri);
  if (attrs.mpUnreach) encodeMpUnreachAttribute(w, attrs, unreachNlri);
  w.bytes(otherAttributes);
  w.patchU16(alAt, w.pos - alAt - 2);
  for (const p of nlri) encodeInetPrefix(w, p, false);
  endMessage(w, start, max);
}

const prefixBytes = (prefix: string) => (Number(prefix.slice(prefix.lastIndexOf('/') + 1)) + 7) >> 3;

/** Octets one NLRI takes on the wire, computed from its text without encoding it. */
export function nlriSize(family: Family, n: Nlri): number {
  switch (family) {
    case 'inet':
    case 'inet6':
      return 1 + prefixBytes(n as string);
    case 'inet-vpn':
    case 'inet6-vpn':
      return 1 + 3 + 8 + prefixBytes((n as Nlri<'inet-vpn'>).prefix);
    case 'route-target':
      return 1 + (((n as Nlri<'route-target'>).prefixLength + 7) >> 3);
    case 'e-vpn': {
      const r = n as Nlri<'e-vpn'>;
      if (r.kind === 'opaque') return 2 + r.hex.length / 2;
      if (r.kind === 'inclusive-multicast') return 2 + (r.originator.includes(':') ? 29 : 17);
      const ipLen = r.ip === undefined ? 0 : r.ip.includes(':') ? 16 : 4;
      return 2 + 30 + ipLen + (r.label2 === undefined ? 3 : 6);
    }
  }
}

/** Routes of one family sharing attributes, to be cut into as many UPDATEs as 4096 octets require. */
export type UpdateBatch = {
  [F in Family]: {
    family: F;
    /** Path attributes for `announce` (mpReach/mpUnreach are ignored; for inet, `nextHop` is the NEXT_HOP). */
    attributes?: PathAttributes;
    /** MP next hop, required for announcing any family but inet. */
    nextHop?: string;
    linkLocalNextHop?: string;
    announce?: Nlri<F>[];
    withdraw?: Nlri<F>[];
  };
}[Family];

/**
 * Packs a batch into UPDATEs of at most `maxLength` octets: announcements share one encoding of the
 * attributes, withdrawals go in separate messages without attributes (RFC 7606 §5.1). inet uses the plain
 * NLRI/Withdrawn fields, every other family MP_REACH/MP_UNREACH.
 */
export function packUpdates(
  batch: UpdateBatch,
  ctx: EncodeContext,
  maxLength = MAX_MESSAGE_LENGTH,
): Buffer[] {
  const out: Buffer[] = [];
  const family = batch.family;
  const inet = family === 'inet';
  const withdraw = (batch.withdraw ?? []) as Nlri[];
  const announce = (batch.announce ?? []) as Nlri[];
  const base: PathAttributes = { ...batch.attributes };
  delete base.mpReach;
  delete base.mpUnreach;

  // Fixed cost: header, two length fields, and for MP an attribute header (extended) plus AFI/SAFI.
  const emit = (chunk: Nlri[], reach: boolean, attrs: PathAttributes, other: Buffer) => {
    const w = new ByteWriter(1024);
    if (inet) {
      writeUpdate(
        w,
        reach ? [] : (chunk as string[]),
        attrs,
        undefined,
        undefined,
        other,
        reach ? (chunk as string[]) : [],
        maxLength,
      );
    } else {
      writeUpdate(w, [], attrs, reach ? chunk : undefined, reach ? undefined : chunk, other, [], maxLength);
    }
    out.push(w.finish());
  };
  const pack = (list: Nlri[], reach: boolean, attrs: PathAttributes, other: Buffer, overhead: number) => {
    const budget = maxLength - HEADER_LENGTH - 4 - other.length - overhead;
    let chunk: Nlri[] = [];
    let used = 0;
    for (const n of list) {
      const size = nlriSize(family, n);
      if (size > budget)
        throw new RangeError(`one ${family} NLRI does not fit in a ${maxLength}-octet UPDATE`);
      if (used + size > budget) {
        emit(chunk, reach, attrs, other);
        chunk = [];
        used = 0;
      }
      chunk.push(n);
      used += size;
    }
    if (chunk.length > 0) emit(chunk, reach, attrs, other);
  };

  if (withdraw.length > 0) {
    const attrs: PathAttributes = inet
      ? {}
      : { mpUnreach: { family, nlri: [] } as PathAttributes['mpUnreach'] };
    pack(withdraw, false, attrs, Buffer.alloc(0), inet ? 0 : 4 + 3);
  }
  if (announce.length > 0) {
    const attrs: PathAttributes = { ...base };
    if (!inet) {
      if (!batch.nextHop) throw new RangeError(`announcing ${family} needs a next hop`);
      attrs.mpReach = { family, nextHop: batch.nextHop, nlri: [] } as PathAttributes['mpReach'];
      if (batch.linkLocalNextHop) attrs.mpReach!.linkLocalNextHop = batch.linkLocalNextHop;
    } else if (!base.nextHop) {
      throw new RangeError('announcing inet needs attributes.nextHop');
    }
    const other = new ByteWriter(128);
    encodeOtherAttributes(other, base, ctx);
    const mpOverhead = inet ? 0 : 4 + 3 + nextHopSize(family, batch.nextHop!, batch.linkLocalNextHop) + 1;
    pack(announce, true, attrs, other.finish(), mpOverhead);
  }
  return out;
}

/** The End-of-RIB marker of a family (RFC 4724 §2). */
export function endOfRib(family: Family): UpdateMessage {
  if (family === 'inet') return { type: 'update', withdrawn: [], attributes: {}, nlri: [] };
  return {
    type: 'update',
    withdrawn: [],
    attributes: { mpUnreach: { family, nlri: [] } as PathAttributes['mpUnreach'] },
    nlri: [],
  };
}

/** The family whose End-of-RIB this UPDATE is, if it is one. */
export function endOfRibFamily(m: UpdateMessage): Family | undefined {
  if (m.withdrawn.length > 0 || m.nlri.length > 0) return undefined;
  const keys = Object.keys(m.attributes).filter((k) => m.attributes[k as keyof PathAttributes] !== undefined);
  if (keys.length === 0) return 'inet';
  const mp = m.attributes.mpUnreach;
  return keys.length === 1 && mp && mp.nlri.length === 0 ? mp.family : undefined;
}

export interface FamilyRoutes {
  family: Family;
  nlri: Nlri[];
}

export interface Announcement extends FamilyRoutes {
  nextHop: string;
  linkLocalNextHop?: string;
}

/**
 * What an UPDATE does to the RIB, per family, with RFC 7606 treat-as-withdraw applied: every announced
 * NLRI then becomes a withdrawal.
 */
export function routesOf(
  message: UpdateMessage,
  treatAsWithdraw = false,
): {
  announce: Announcement[];
  withdraw: FamilyRoutes[];
} {
  const { attributes: a, withdrawn, nlri } = message;
  const announce: Announcement[] = [];
  const withdraw: FamilyRoutes[] = [];
  if (withdrawn.length > 0) withdraw.push({ family: 'inet', nlri: withdrawn });
  if (a.mpUnreach && a.mpUnreach.nlri.length > 0)
    withdraw.push({ family: a.mpUnreach.family, nlri: a.mpUnreach.nlri });
  const reach: Announcement[] = [];
  if (nlri.length > 0) reach.push({ family: 'inet', nlri, nextHop: a.nextHop ?? '' });
  if (a.mpReach && a.mpReach.nlri.length > 0) {
    const r: Announcement = { family: a.mpReach.family, nlri: a.mpReach.nlri, nextHop: a.mpReach.nextHop };
    if (a.mpReach.linkLocalNextHop) r.linkLocalNextHop = a.mpReach.linkLocalNextHop;
    reach.push(r);
  }
  if (treatAsWithdraw) withdraw.push(...reach.map(({ family, nlri: n }) => ({ family, nlri: n })));
  else announce.push(...reach);
  return { announce, withdraw };
}
