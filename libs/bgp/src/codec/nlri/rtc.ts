import { ExtCommunity, decodeExtCommunity, encodeExtCommunity } from '../ext-community';
import { LAST_BYTE_MASK } from '../prefix';
import { readU32 } from '../rd';
import { ByteWriter } from '../writer';
import { invalidNlri } from './errors';

/**
 * Route-target membership NLRI (RFC 4684 §4): prefix length in bits, 0 (the default route: "send me every
 * VPN route") or 32-96 = origin AS (4) + route target (up to 8, trailing bits cleared).
 */
export interface RtMembership {
  prefixLength: number;
  originAs: number;
  /** Absent for lengths 0 and 32; for 33-95 bits the cleared tail makes it a partial target. */
  routeTarget?: ExtCommunity;
}

const scratch = new Uint8Array(8);

export function decodeRtMemberships(buf: Uint8Array, off: number, end: number, out: RtMembership[]): void {
  while (off < end) {
    const bits = buf[off++];
    if (bits === 0) {
      out.push({ prefixLength: 0, originAs: 0 });
      continue;
    }
    if (bits < 32 || bits > 96) throw invalidNlri(`route-target prefix length ${bits} is not 0 or 32-96`);
    const n = (bits + 7) >> 3;
    if (off + n > end) throw invalidNlri(`route-target NLRI of ${bits} bits overruns its field`);
    const originAs = readU32(buf, off);
    if (bits === 32) {
      out.push({ prefixLength: 32, originAs });
    } else {
      const rtBytes = n - 4;
      for (let i = 0; i < 8; i++) scratch[i] = i < rtBytes ? buf[off + 4 + i] : 0;
      scratch[rtBytes - 1] &= LAST_BYTE_MASK[bits & 7];
      out.push({ prefixLength: bits, originAs, routeTarget: decodeExtCommunity(scratch, 0) });
    }
    off += n;
  }
}

export function encodeRtMembership(w: ByteWriter, m: RtMembership): void {
  const bits = m.prefixLength;
  if (bits === 0) {
    w.u8(0);
    return;
  }
  if (!Number.isInteger(bits) || bits < 32 || bits > 96)
    throw new RangeError(`route-target prefix length ${bits}`);
  if (bits > 32 && !m.routeTarget)
    throw new RangeError(`route-target NLRI of ${bits} bits needs a routeTarget`);
  w.u8(bits).u32(m.originAs);
  if (bits === 32) return;
  encodeExtCommunity(m.routeTarget!, scratch, 0);
  const rtBytes = ((bits + 7) >> 3) - 4;
  scratch[rtBytes - 1] &= LAST_BYTE_MASK[bits & 7];
  w.bytes(scratch, 0, rtBytes);
}
