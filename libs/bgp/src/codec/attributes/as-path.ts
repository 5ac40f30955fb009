import { AS_TRANS } from '../../constants';
import { readU16, readU32 } from '../rd';
import { ByteWriter } from '../writer';

/** RFC 4271 §4.3 segment types 1, 2 and RFC 5065 confederation types 3, 4. */
export type AsSegmentType = 'set' | 'sequence' | 'confed-sequence' | 'confed-set';

export interface AsPathSegment {
  type: AsSegmentType;
  asns: number[];
}

const TYPE_BY_CODE: Record<number, AsSegmentType> = {
  1: 'set',
  2: 'sequence',
  3: 'confed-sequence',
  4: 'confed-set',
};
const CODE_BY_TYPE: Record<AsSegmentType, number> = {
  set: 1,
  sequence: 2,
  'confed-sequence': 3,
  'confed-set': 4,
};

/**
 * Decodes AS_PATH / AS4_PATH segments; returns a reason string instead of segments when the path is
 * malformed per RFC 7606 §7.2 (unknown segment type, zero-length segment, overrun, one stray octet).
 */
export function decodeAsPath(
  buf: Uint8Array,
  off: number,
  end: number,
  asSize: 2 | 4,
): AsPathSegment[] | string {
  const segments: AsPathSegment[] = [];
  while (off < end) {
    if (end - off < 2) return 'one octet left after the last segment';
    const type = TYPE_BY_CODE[buf[off]];
    const count = buf[off + 1];
    if (!type) return `unknown segment type ${buf[off]}`;
    if (count === 0) return 'zero-length segment';
    off += 2;
    if (off + count * asSize > end) return `segment of ${count} ASes overruns the attribute`;
    const asns = new Array<number>(count);
    for (let i = 0; i < count; i++, off += asSize) {
      asns[i] = asSize === 4 ? readU32(buf, off) : readU16(buf, off);
    }
    segments.push({ type, asns });
  }
  return segments;
}

/** Encodes segments, splitting any longer than 255 ASes; throws RangeError for an AS that does not fit. */
export function encodeAsPath(w: ByteWriter, segments: readonly AsPathSegment[], asSize: 2 | 4): void {
  const max = asSize === 4 ? 0xffffffff : 0xffff;
  for (const seg of segments) {
    if (seg.asns.length === 0) throw new RangeError('empty AS_PATH segment');
    for (let i = 0; i < seg.asns.length; i += 255) {
      const chunk = seg.asns.slice(i, i + 255);
      w.u8(CODE_BY_TYPE[seg.type]).u8(chunk.length);
      for (const asn of chunk) {
        if (!Number.isInteger(asn) || asn < 0 || asn > max) {
          throw new RangeError(`AS ${asn} does not fit a ${asSize}-octet AS_PATH (use toTwoOctetAttributes)`);
        }
        if (asSize === 4) w.u32(asn);
        else w.u16(asn);
      }
    }
  }
}

/** Path length for best-path comparison (RFC 4271 §9.1.2.2): a set counts 1, confederation segments 0. */
export function asPathLength(segments: readonly AsPathSegment[] | undefined): number {
  let n = 0;
  for (const s of segments ?? []) n += s.type === 'sequence' ? s.asns.length : s.type === 'set' ? 1 : 0;
  return n;
}

/** The neighbouring AS (first AS of a leading AS_SEQUENCE), used for MED comparison and eBGP checks. */
export function firstAs(segments: readonly AsPathSegment[] | undefined): number | undefined {
  const s = segments?.[0];
  return s && s.type === 'sequence' ? s.asns[0] : undefined;
}

/** How many times `asn` occurs, for AS-loop detection against `loop_count`. */
export function countAs(segments: readonly AsPathSegment[] | undefined, asn: number): number {
  let n = 0;
  for (const s of segments ?? []) for (const a of s.asns) if (a === asn) n++;
  return n;
}

/** Prepends `asn` to the leading AS_SEQUENCE (or a new one), as done towards eBGP peers. */
export function prependAs(segments: readonly AsPathSegment[] | undefined, asn: number): AsPathSegment[] {
  const path = segments ?? [];
  const first = path[0];
  if (first && first.type === 'sequence' && first.asns.length < 255) {
    return [{ type: 'sequence', asns: [asn, ...first.asns] }, ...path.slice(1)];
  }
  return [{ type: 'sequence', asns: [asn] }, ...path];
}

/** RFC 6793 §4.2.2: AS_TRANS in place of each 4-octet AS, for an AS_PATH sent to a 2-octet speaker. */
export function substituteAsTrans(segments: readonly AsPathSegment[]): AsPathSegment[] {
  return segments.map((s) => ({ type: s.type, asns: s.asns.map((a) => (a > 0xffff ? AS_TRANS : a)) }));
}
