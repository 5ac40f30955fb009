import { MessageType } from '../constants';
import { BgpError, ErrorCode, isBgpError, sessionReset } from '../errors';
import { AfiSafi } from '../families';
import { DecodeContext } from './attributes/decode';
import { EncodeContext } from './attributes/encode';
import { decodeHeader } from './header';
import { NotificationMessage, decodeNotification, encodeNotification } from './notification';
import { OpenMessage, decodeOpen, encodeOpen } from './open';
import {
  KeepaliveMessage,
  RouteRefreshMessage,
  decodeRouteRefresh,
  encodeKeepalive,
  encodeRouteRefresh,
} from './route-refresh';
import { UpdateMessage, decodeUpdate, encodeUpdate } from './update';

export type BgpMessage =
  OpenMessage | UpdateMessage | NotificationMessage | KeepaliveMessage | RouteRefreshMessage;

export interface DecodeResult {
  message: BgpMessage;
  /** UPDATE attribute errors handled per RFC 7606 without a reset (empty for other messages). */
  errors: BgpError[];
  treatAsWithdraw: boolean;
  unsupportedFamilies: AfiSafi[];
}

/** Before OPEN is exchanged nothing is negotiated; an UPDATE then is an FSM error anyway. */
export const DEFAULT_DECODE_CONTEXT: DecodeContext = { as4: true };

const NONE: never[] = [];

/**
 * Decodes one complete message (as cut by `MessageFramer`). Returns the message, or throws a BgpError that
 * says which NOTIFICATION to send; on arbitrary bytes it throws nothing else.
 */
export function decodeMessage(buf: Buffer, ctx: DecodeContext = DEFAULT_DECODE_CONTEXT): DecodeResult {
  try {
    const { type } = decodeHeader(buf);
    switch (type) {
      case MessageType.Update:
        return decodeUpdate(buf, ctx);
      case MessageType.Open:
        return simple(decodeOpen(buf));
      case MessageType.Keepalive:
        return simple({ type: 'keepalive' });
      case MessageType.Notification:
        return simple(decodeNotification(buf));
      default:
        return simple(decodeRouteRefresh(buf));
    }
  } catch (e) {
    if (isBgpError(e)) throw e;
    // A decoder bug must still end as a NOTIFICATION, not a crashed process; say so loudly.
    throw sessionReset(
      ErrorCode.MessageHeader,
      0,
      `internal decode error: ${(e as Error)?.message ?? String(e)}`,
    );
  }
}

const simple = (message: BgpMessage): DecodeResult => ({
  message,
  errors: NONE,
  treatAsWithdraw: false,
  unsupportedFamilies: NONE,
});

/** Encodes any message; `ctx` matters only for UPDATE (AS number width). */
export function encodeMessage(m: BgpMessage, ctx: EncodeContext = { as4: true }): Buffer {
  switch (m.type) {
    case 'open':
      return encodeOpen(m);
    case 'update':
      return encodeUpdate(m, ctx);
    case 'notification':
      return encodeNotification(m);
    case 'keepalive':
      return encodeKeepalive();
    case 'route-refresh':
      return encodeRouteRefresh(m);
  }
}
