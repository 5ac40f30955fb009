import { RD_LENGTH, readRd, writeRd } from '../rd';
import { parsePrefix, readIpv4Prefix, readIpv6Prefix, writePrefixBytes } from '../prefix';
import { ByteWriter } from '../writer';
import { invalidNlri } from './errors';

/** `inet-vpn` (RFC 4364 §4.3.4) and `inet6-vpn` (RFC 4659) NLRI: label, RD, prefix. */
export interface VpnPrefix {
  rd: string;
  prefix: string;
  /** The 20-bit MPLS label (or VNI-as-label for vRouter MPLSoUDP/GRE); WITHDRAW_LABEL in withdrawals. */
  label: number;
}

/**
 * RFC 8277 §2.4 compatibility value carried in withdrawn VPN NLRI (0x800000 on the wire). Withdrawals always
 * decode to it and always encode as it: the label of a withdrawn route means nothing.
 */
export const WITHDRAW_LABEL = 0x80000;

const LABEL_BITS = 24;
const FIXED_BITS = LABEL_BITS + RD_LENGTH * 8;

export function decodeVpnPrefixes(
  buf: Uint8Array,
  off: number,
  end: number,
  v6: boolean,
  withdraw: boolean,
  out: VpnPrefix[],
): void {
  const maxPrefix = v6 ? 128 : 32;
  while (off < end) {
    const bits = buf[off++];
    // One label only, as TF and vRouter use; a longer stack would show up here as a too-long prefix.
    if (bits < FIXED_BITS || bits - FIXED_BITS > maxPrefix) {
      throw invalidNlri(`VPN prefix length ${bits} bits outside ${FIXED_BITS}-${FIXED_BITS + maxPrefix}`);
    }
    const n = (bits + 7) >> 3;
    if (off + n > end) throw invalidNlri(`VPN prefix of ${bits} bits overruns its field`);
    const label = withdraw ? WITHDRAW_LABEL : (buf[off] << 12) | (buf[off + 1] << 4) | (buf[off + 2] >> 4);
    const rd = readRd(buf, off + 3);
    const p = off + 3 + RD_LENGTH;
    const prefixBits = bits - FIXED_BITS;
    out.push({
      rd,
      prefix: v6 ? readIpv6Prefix(buf, p, prefixBits) : readIpv4Prefix(buf, p, prefixBits),
      label,
    });
    off += n;
  }
}

export function encodeVpnPrefix(w: ByteWriter, nlri: VpnPrefix, v6: boolean, withdraw: boolean): void {
  const p = parsePrefix(nlri.prefix, v6);
  if (!withdraw && !(Number.isInteger(nlri.label) && nlri.label >= 0 && nlri.label <= 0xfffff)) {
    throw new RangeError(`label ${nlri.label} is not a 20-bit value`);
  }
  w.u8(FIXED_BITS + p.bits);
  w.u24(withdraw ? WITHDRAW_LABEL << 4 : (nlri.label << 4) | 1); // bottom-of-stack set
  const at = w.reserve(RD_LENGTH);
  writeRd(nlri.rd, w.target(), at);
  writePrefixBytes(w, p);
}
