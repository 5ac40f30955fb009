import { formatHex, formatIpv4, formatIpv6, isIpv4, parseHexInto, writeIpv4, writeIpv6 } from '../ip';
import { ByteWriter } from '../writer';
import { PmsiTunnel } from './types';

export const PMSI_INGRESS_REPLICATION = 6;

/** Caller guarantees len >= 5. */
export function decodePmsiTunnel(buf: Uint8Array, v: number, len: number): PmsiTunnel {
  const idLen = len - 5;
  const id = v + 5;
  const tunnelId =
    idLen === 4
      ? formatIpv4(buf, id)
      : idLen === 16
        ? formatIpv6(buf, id)
        : `0x${formatHex(buf, id, id + idLen)}`;
  return {
    flags: buf[v],
    tunnelType: buf[v + 1],
    label: (buf[v + 2] << 16) | (buf[v + 3] << 8) | buf[v + 4],
    tunnelId,
  };
}

export function encodePmsiTunnelValue(w: ByteWriter, p: PmsiTunnel): void {
  w.u8(p.flags).u8(p.tunnelType).u24(p.label);
  if (p.tunnelId.startsWith('0x')) {
    const hex = p.tunnelId.slice(2);
    const at = w.reserve(hex.length / 2);
    if (hex.length % 2 !== 0 || parseHexInto(hex, w.target(), at, hex.length / 2) !== hex.length / 2) {
      throw new RangeError(`invalid PMSI tunnel identifier '${p.tunnelId}'`);
    }
  } else if (isIpv4(p.tunnelId)) {
    const at = w.reserve(4); // reserve before target(): growing replaces the buffer
    writeIpv4(p.tunnelId, w.target(), at);
  } else {
    const at = w.reserve(16);
    writeIpv6(p.tunnelId, w.target(), at);
  }
}
