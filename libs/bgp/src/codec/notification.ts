import { MessageType } from '../constants';
import { BgpError, CeaseSubcode, ErrorCode, describeNotification } from '../errors';
import { beginMessage, endMessage } from './header';
import { ByteWriter } from './writer';

export interface NotificationMessage {
  type: 'notification';
  code: number;
  subcode: number;
  data: Buffer;
}

export function decodeNotification(buf: Buffer): NotificationMessage {
  return { type: 'notification', code: buf[19], subcode: buf[20], data: Buffer.from(buf.subarray(21)) };
}

export function encodeNotification(m: NotificationMessage, w = new ByteWriter(32)): Buffer {
  const start = beginMessage(w, MessageType.Notification);
  w.u8(m.code).u8(m.subcode).bytes(m.data);
  endMessage(w, start);
  return w.finish();
}

/** The NOTIFICATION a session sends for a decode or negotiation error. */
export function notificationFor(e: BgpError): NotificationMessage {
  return { type: 'notification', code: e.code, subcode: e.subcode, data: e.data };
}

export function cease(subcode: number, data: Buffer = Buffer.alloc(0)): NotificationMessage {
  return { type: 'notification', code: ErrorCode.Cease, subcode, data };
}

/** Cease 6/3: the peering was removed from configuration. */
export const ceasePeerDeconfigured = () => cease(CeaseSubcode.PeerDeconfigured);
/** Cease 6/6: a family, AS or other session parameter changed (routing.md check 37). */
export const ceaseConfigChange = () => cease(CeaseSubcode.OtherConfigurationChange);
/** Cease 6/7: this connection lost a collision (RFC 4271 §6.8). */
export const ceaseCollision = () => cease(CeaseSubcode.ConnectionCollisionResolution);

/** Cease 6/1 with RFC 4486 data: AFI (2), SAFI (1), prefix upper bound (4). */
export function ceaseMaxPrefixes(afi: number, safi: number, limit: number): NotificationMessage {
  const data = Buffer.alloc(7);
  data.writeUInt16BE(afi, 0);
  data[2] = safi;
  data.writeUInt32BE(limit >>> 0, 3);
  return cease(CeaseSubcode.MaxPrefixes, data);
}

/** Cease 6/2 or 6/4 with an optional RFC 8203 shutdown communication (UTF-8, <= 255 octets). */
export function ceaseAdmin(subcode: 2 | 4, communication?: string): NotificationMessage {
  if (!communication) return cease(subcode);
  let text = Buffer.from(communication, 'utf8');
  if (text.length > 255) text = text.subarray(0, 255);
  return cease(subcode, Buffer.concat([Buffer.from([text.length]), text]));
}

/** "6/2 Cease / Administrative Shutdown" plus the shutdown communication when there is one. */
export function describeNotificationMessage(m: NotificationMessage): string {
  let text = `${m.code}/${m.subcode} ${describeNotification(m.code, m.subcode)}`;
  const isShutdown =
    m.code === ErrorCode.Cease &&
    (m.subcode === CeaseSubcode.AdministrativeShutdown || m.subcode === CeaseSubcode.AdministrativeReset);
  if (isShutdown && m.data.length > 0 && m.data[0] === m.data.length - 1) {
    text += `: "${m.data.subarray(1).toString('utf8')}"`;
  }
  return text;
}
