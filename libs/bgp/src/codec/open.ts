import { BGP_VERSION, MessageType, OPT_PARAM_CAPABILITIES } from '../constants';
import { ErrorCode, OpenSubcode, sessionReset } from '../errors';
import { Capability, decodeCapabilities, encodeCapability } from './capabilities';
import { beginMessage, endMessage } from './header';
import { formatIpv4, parseIpv4 } from './ip';
import { ByteWriter } from './writer';

export interface OpenMessage {
  type: 'open';
  version: number;
  /** The 2-octet "My Autonomous System" field: AS_TRANS (23456) when the real AS needs 4 octets. */
  myAs: number;
  holdTime: number;
  bgpId: string;
  /** Flattened from all capability optional parameters, in order. */
  capabilities: Capability[];
}

/**
 * Decodes an OPEN body (after the 19-octet header). Checks that need no session context are made here
 * (RFC 4271 §6.2): version 2/1, hold time 1-2 2/6, zero BGP identifier 2/3, unknown optional parameter 2/4,
 * malformed parameters 2/0. Peer AS and identifier collisions are the FSM's (`negotiate.ts`).
 */
export function decodeOpen(buf: Buffer): OpenMessage {
  const version = buf[19];
  if (version !== BGP_VERSION) {
    // Data: the version we support, whether the peer bid higher or lower (RFC 4271 §6.2).
    throw sessionReset(
      ErrorCode.OpenMessage,
      OpenSubcode.UnsupportedVersion,
      `unsupported BGP version ${version}`,
      Buffer.from([0, BGP_VERSION]),
    );
  }
  const myAs = buf.readUInt16BE(20);
  const holdTime = buf.readUInt16BE(22);
  if (holdTime === 1 || holdTime === 2) {
    throw sessionReset(
      ErrorCode.OpenMessage,
      OpenSubcode.UnacceptableHoldTime,
      `hold time ${holdTime} s is not 0 or >= 3`,
    );
  }
  const bgpId = formatIpv4(buf, 24);
  if (bgpId === '0.0.0.0') {
    throw sessionReset(
      ErrorCode.OpenMessage,
      OpenSubcode.BadBgpIdentifier,
      'BGP identifier 0.0.0.0',
      Buffer.from(buf.subarray(24, 28)),
    );
  }
  const optLen = buf[28];
  if (29 + optLen !== buf.length) {
    throw sessionReset(
      ErrorCode.OpenMessage,
      OpenSubcode.Unspecific,
      `optional parameters length ${optLen} does not match message length ${buf.length}`,
    );
  }
  const capabilities: Capability[] = [];
  let off = 29;
  while (off < buf.length) {
    if (buf.length - off < 2)
      throw sessionReset(ErrorCode.OpenMessage, OpenSubcode.Unspecific, 'truncated optional parameter');
    const type = buf[off];
    const len = buf[off + 1];
    const end = off + 2 + len;
    if (end > buf.length)
      throw sessionReset(ErrorCode.OpenMessage, OpenSubcode.Unspecific, 'optional parameter overruns OPEN');
    if (type !== OPT_PARAM_CAPABILITIES) {
      throw sessionReset(
        ErrorCode.OpenMessage,
        OpenSubcode.UnsupportedOptionalParameter,
        `unsupported optional parameter type ${type}`,
        Buffer.from(buf.subarray(off, end)),
      );
    }
    decodeCapabilities(buf, off + 2, end, capabilities);
    off = end;
  }
  return { type: 'open', version, myAs, holdTime, bgpId, capabilities };
}

export function encodeOpen(m: OpenMessage, w = new ByteWriter(64)): Buffer {
  const start = beginMessage(w, MessageType.Open);
  const id = parseIpv4(m.bgpId);
  if (id < 0) throw new RangeError(`invalid BGP identifier '${m.bgpId}'`);
  w.u8(m.version).u16(m.myAs).u16(m.holdTime).u32(id);
  const optLenAt = w.reserve(1);
  // Capabilities go into as few optional parameters as fit in 255 octets each.
  const encoded = m.capabilities.map((c) => {
    const cw = new ByteWriter(16);
    encodeCapability(cw, c);
    return cw.finish();
  });
  let i = 0;
  while (i < encoded.length) {
    const paramAt = w.pos;
    w.u8(OPT_PARAM_CAPABILITIES).u8(0);
    let len = 0;
    while (i < encoded.length && len + encoded[i].length <= 255) {
      w.bytes(encoded[i]);
      len += encoded[i++].length;
    }
    if (len === 0) throw new RangeError('capability does not fit in an optional parameter');
    w.patchU8(paramAt + 1, len);
  }
  const optLen = w.pos - optLenAt - 1;
  if (optLen > 255) throw new RangeError('OPEN optional parameters exceed 255 octets');
  w.patchU8(optLenAt, optLen);
  endMessage(w, start);
  return w.finish();
}
