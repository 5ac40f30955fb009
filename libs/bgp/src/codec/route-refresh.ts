import { MessageType } from '../constants';
import { ErrorCode, RouteRefreshSubcode, sessionReset } from '../errors';
import { beginMessage, endMessage } from './header';
import { ByteWriter } from './writer';

export interface KeepaliveMessage {
  type: 'keepalive';
}

/** RFC 2918; `subtype` is RFC 7313's (0 normal request, 1 BoRR, 2 EoRR). */
export interface RouteRefreshMessage {
  type: 'route-refresh';
  afi: number;
  safi: number;
  subtype: number;
}

export function decodeRouteRefresh(buf: Buffer): RouteRefreshMessage {
  if (buf.length !== 23) {
    // RFC 7313 §5: the data is the whole offending message.
    throw sessionReset(
      ErrorCode.RouteRefresh,
      RouteRefreshSubcode.InvalidMessageLength,
      `ROUTE-REFRESH of ${buf.length} octets (must be 23)`,
      Buffer.from(buf),
    );
  }
  return { type: 'route-refresh', afi: buf.readUInt16BE(19), subtype: buf[21], safi: buf[22] };
}

export function encodeRouteRefresh(m: RouteRefreshMessage, w = new ByteWriter(23)): Buffer {
  const start = beginMessage(w, MessageType.RouteRefresh);
  w.u16(m.afi).u8(m.subtype).u8(m.safi);
  endMessage(w, start);
  return w.finish();
}

export function encodeKeepalive(w = new ByteWriter(19)): Buffer {
  const start = beginMessage(w, MessageType.Keepalive);
  endMessage(w, start);
  return w.finish();
}
