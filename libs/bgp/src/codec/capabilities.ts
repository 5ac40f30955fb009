import { CapabilityCode } from '../constants';
import { ErrorCode, OpenSubcode, sessionReset } from '../errors';
import { readU32 } from './rd';
import { ByteWriter } from './writer';

/** Capabilities (RFC 5492) Skein understands; anything else is kept raw so it can be logged and compared. */
export type Capability =
  | { kind: 'multiprotocol'; afi: number; safi: number }
  | { kind: 'route-refresh' }
  | { kind: 'four-octet-as'; asn: number }
  | {
      kind: 'graceful-restart';
      /** The 4 restart flag bits: 0x8 Restart State (R), 0x4 Notification (N, RFC 8538). */
      flags: number;
      /** Seconds, 12 bits. */
      restartTime: number;
      families: Array<{ afi: number; safi: number; forwardingPreserved: boolean }>;
    }
  | { kind: 'unknown'; code: number; value: Buffer };

const malformed = (what: string, data: Buffer) =>
  sessionReset(ErrorCode.OpenMessage, OpenSubcode.Unspecific, `malformed ${what} capability`, data);

/** Decodes the capability TLVs of one optional parameter (2/0 on overruns or bad known lengths). */
export function decodeCapabilities(buf: Buffer, off: number, end: number, out: Capability[]): void {
  while (off < end) {
    if (end - off < 2)
      throw sessionReset(ErrorCode.OpenMessage, OpenSubcode.Unspecific, 'truncated capability header');
    const code = buf[off];
    const len = buf[off + 1];
    const v = off + 2;
    if (v + len > end)
      throw sessionReset(
        ErrorCode.OpenMessage,
        OpenSubcode.Unspecific,
        `capability ${code} overruns its parameter`,
      );
    const tlv = () => Buffer.from(buf.subarray(off, v + len));
    switch (code) {
      case CapabilityCode.Multiprotocol:
        if (len !== 4) throw malformed('multiprotocol', tlv());
        out.push({ kind: 'multiprotocol', afi: (buf[v] << 8) | buf[v + 1], safi: buf[v + 3] });
        break;
      case CapabilityCode.RouteRefresh:
        if (len !== 0) throw malformed('route refresh', tlv());
        out.push({ kind: 'route-refresh' });
        break;
      case CapabilityCode.FourOctetAs:
        if (len !== 4) throw malformed('4-octet AS', tlv());
        out.push({ kind: 'four-octet-as', asn: readU32(buf, v) });
        break;
      case CapabilityCode.GracefulRestart: {
        if (len < 2 || (len - 2) % 4 !== 0) throw malformed('graceful restart', tlv());
        const families = [];
        for (let p = v + 2; p < v + len; p += 4) {
          families.push({
            afi: (buf[p] << 8) | buf[p + 1],
            safi: buf[p + 2],
            forwardingPreserved: (buf[p + 3] & 0x80) !== 0,
          });
        }
        out.push({
          kind: 'graceful-restart',
          flags: buf[v] >> 4,
          restartTime: ((buf[v] & 0x0f) << 8) | buf[v + 1],
          families,
        });
        break;
      }
      default:
        out.push({ kind: 'unknown', code, value: Buffer.from(buf.subarray(v, v + len)) });
    }
    off = v + len;
  }
}

/** Encodes one capability TLV; throws RangeError for out-of-range fields. */
export function encodeCapability(w: ByteWriter, cap: Capability): void {
  switch (cap.kind) {
    case 'multiprotocol':
      w.u8(CapabilityCode.Multiprotocol).u8(4).u16(cap.afi).u8(0).u8(cap.safi);
      return;
    case 'route-refresh':
      w.u8(CapabilityCode.RouteRefresh).u8(0);
      return;
    case 'four-octet-as':
      w.u8(CapabilityCode.FourOctetAs).u8(4).u32(cap.asn);
      return;
    case 'graceful-restart': {
      if (cap.restartTime > 0xfff || cap.flags > 0xf)
        throw new RangeError('graceful restart time/flags out of range');
      const len = 2 + 4 * cap.families.length;
      if (len > 255) throw new RangeError('too many graceful restart families');
      w.u8(CapabilityCode.GracefulRestart).u8(len);
      w.u16((cap.flags << 12) | cap.restartTime);
      for (const f of cap.families)
        w.u16(f.afi)
          .u8(f.safi)
          .u8(f.forwardingPreserved ? 0x80 : 0);
      return;
    }
    case 'unknown':
      if (cap.value.length > 255) throw new RangeError('capability value longer than 255 octets');
      w.u8(cap.code).u8(cap.value.length).bytes(cap.value);
      return;
  }
}

/** The MP capabilities as AFI/SAFI pairs; a peer with none implicitly speaks IPv4 unicast only (RFC 4760 §8). */
export function multiprotocolOf(caps: readonly Capability[]): Array<{ afi: number; safi: number }> {
  const out = [];
  for (const c of caps) if (c.kind === 'multiprotocol') out.push({ afi: c.afi, safi: c.safi });
  return out;
}

export function findCapability<K extends Capability['kind']>(
  caps: readonly Capability[],
  kind: K,
): Extract<Capability, { kind: K }> | undefined {
  return caps.find((c) => c.kind === kind) as Extract<Capability, { kind: K }> | undefined;
}
