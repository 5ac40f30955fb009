import {
  formatHex,
  formatIpv4,
  formatIpv6,
  formatMac,
  isIpv4,
  parseHexInto,
  writeIpv4,
  writeIpv6,
  writeMac,
} from '../ip';
import { RD_LENGTH, readRd, readU32, writeRd } from '../rd';
import { ByteWriter } from '../writer';
import { invalidNlri } from './errors';

/**
 * EVPN NLRI (RFC 7432 §7). Types 2 and 3 are decoded; others are kept as their bytes so they can be reflected
 * unchanged (routing.md C: parsed, kept, reflected, not imported).
 *
 * Labels are the raw 24-bit fields: an MPLS label sits in the top 20 bits with the bottom-of-stack bit, while
 * for VXLAN the whole field is the VNI (RFC 8365 §5.1.3). `mplsLabel()`/`labelField()` convert.
 */
export interface EvpnMacIp {
  kind: 'mac-ip';
  rd: string;
  /** 10 octets, colon hex; all-zero for single-homed (the common case, no allocation). */
  esi: string;
  ethernetTag: number;
  mac: string;
  ip?: string;
  label1: number;
  label2?: number;
}

export interface EvpnInclusiveMulticast {
  kind: 'inclusive-multicast';
  rd: string;
  ethernetTag: number;
  originator: string;
}

export interface EvpnOpaque {
  kind: 'opaque';
  routeType: number;
  /** The route's bytes after type and length. */
  hex: string;
}

export type EvpnRoute = EvpnMacIp | EvpnInclusiveMulticast | EvpnOpaque;

export const ZERO_ESI = '00:00:00:00:00:00:00:00:00:00';

export const mplsLabel = (field: number): number => field >>> 4;
export const labelField = (label: number): number => ((label << 4) | 1) >>> 0;

function readEsi(buf: Uint8Array, off: number): string {
  for (let i = 0; i < 10; i++) if (buf[off + i] !== 0) return formatHex(buf, off, off + 10, ':');
  return ZERO_ESI;
}

const u24 = (b: Uint8Array, o: number) => (b[o] << 16) | (b[o + 1] << 8) | b[o + 2];

export function decodeEvpnRoutes(buf: Uint8Array, off: number, end: number, out: EvpnRoute[]): void {
  while (off < end) {
    if (end - off < 2) throw invalidNlri('truncated EVPN route header');
    const type = buf[off];
    const len = buf[off + 1];
    const v = off + 2;
    if (v + len > end) throw invalidNlri(`EVPN type ${type} route overruns its field`);
    if (type === 2) out.push(decodeMacIp(buf, v, len));
    else if (type === 3) out.push(decodeInclusiveMulticast(buf, v, len));
    else out.push({ kind: 'opaque', routeType: type, hex: formatHex(buf, v, v + len) });
    off = v + len;
  }
}

function decodeMacIp(buf: Uint8Array, v: number, len: number): EvpnMacIp {
  // RD 8, ESI 10, tag 4, MAC length 1, MAC 6, IP length 1 = 30 octets before the IP.
  if (len < 33) throw invalidNlri(`EVPN MAC/IP route of ${len} octets is too short`);
  if (buf[v + 22] !== 48) throw invalidNlri(`EVPN MAC length ${buf[v + 22]} is not 48`);
  const ipBits = buf[v + 29];
  if (ipBits !== 0 && ipBits !== 32 && ipBits !== 128)
    throw invalidNlri(`EVPN IP length ${ipBits} is not 0, 32 or 128`);
  const ipLen = ipBits >> 3;
  const labelsAt = v + 30 + ipLen;
  const labelBytes = len - 30 - ipLen;
  if (labelBytes !== 3 && labelBytes !== 6)
    throw invalidNlri(`EVPN MAC/IP route length ${len} inconsistent with its fields`);
  const route: EvpnMacIp = {
    kind: 'mac-ip',
    rd: readRd(buf, v),
    esi: readEsi(buf, v + 8),
    ethernetTag: readU32(buf, v + 18),
    mac: formatMac(buf, v + 23),
    label1: u24(buf, labelsAt),
  };
  if (ipLen === 4) route.ip = formatIpv4(buf, v + 30);
  else if (ipLen === 16) route.ip = formatIpv6(buf, v + 30);
  if (labelBytes === 6) route.label2 = u24(buf, labelsAt + 3);
  return route;
}

function decodeInclusiveMulticast(buf: Uint8Array, v: number, len: number): EvpnInclusiveMulticast {
  if (len !== 17 && len !== 29) throw invalidNlri(`EVPN inclusive multicast route of ${len} octets`);
  const ipBits = buf[v + 12];
  if (ipBits !== (len - 13) * 8)
    throw invalidNlri(`EVPN originator length ${ipBits} inconsistent with route length ${len}`);
  return {
    kind: 'inclusive-multicast',
    rd: readRd(buf, v),
    ethernetTag: readU32(buf, v + 8),
    originator: ipBits === 32 ? formatIpv4(buf, v + 13) : formatIpv6(buf, v + 13),
  };
}

export function encodeEvpnRoute(w: ByteWriter, r: EvpnRoute): void {
  switch (r.kind) {
    case 'mac-ip': {
      const ipLen = r.ip === undefined ? 0 : isIpv4(r.ip) ? 4 : 16;
      w.u8(2).u8(30 + ipLen + (r.label2 === undefined ? 3 : 6));
      const at = w.reserve(30 + ipLen);
      const b = w.target();
      writeRd(r.rd, b, at);
      if (parseHexInto(r.esi, b, at + RD_LENGTH, 10) !== 10) throw new RangeError(`invalid ESI '${r.esi}'`);
      b.writeUInt32BE(r.ethernetTag >>> 0, at + 18);
      b[at + 22] = 48;
      writeMac(r.mac, b, at + 23);
      b[at + 29] = ipLen * 8;
      if (ipLen === 4) writeIpv4(r.ip!, b, at + 30);
      else if (ipLen === 16) writeIpv6(r.ip!, b, at + 30);
      w.u24(r.label1);
      if (r.label2 !== undefined) w.u24(r.label2);
      return;
    }
    case 'inclusive-multicast': {
      const v4 = isIpv4(r.originator);
      w.u8(3).u8(v4 ? 17 : 29);
      const at = w.reserve(v4 ? 17 : 29);
      const b = w.target();
      writeRd(r.rd, b, at);
      b.writeUInt32BE(r.ethernetTag >>> 0, at + 8);
      b[at + 12] = v4 ? 32 : 128;
      if (v4) writeIpv4(r.originator, b, at + 13);
      else writeIpv6(r.originator, b, at + 13);
      return;
    }
    case 'opaque': {
      const len = r.hex.length / 2;
      if (!Number.isInteger(len) || len > 255)
        throw new RangeError('EVPN opaque route longer than 255 octets');
      w.u8(r.routeType).u8(len);
      const at = w.reserve(len);
      if (parseHexInto(r.hex, w.target(), at, len) !== len)
        throw new RangeError(`invalid EVPN route hex '${r.hex}'`);
      return;
    }
  }
}
