import { HEADER_LENGTH, MARKER_LENGTH, MAX_MESSAGE_LENGTH, MIN_LENGTH, MessageType } from '../constants';
import { ErrorCode, HeaderSubcode, sessionReset } from '../errors';
import { ByteWriter } from './writer';

/** The 19-octet message header (RFC 4271 §4.1). */
export interface Header {
  length: number;
  type: number;
}

const u16Data = (n: number) => Buffer.from([n >> 8, n & 0xff]);

/**
 * Checks what lets a stream be cut into messages: marker (1/1) and length bounds (1/2, data = the
 * length). Runs on the first 19 bytes as soon as they arrive, before the body.
 */
export function checkFraming(buf: Uint8Array, off: number): number {
  for (let i = 0; i < MARKER_LENGTH; i++) {
    if (buf[off + i] !== 0xff) {
      throw sessionReset(
        ErrorCode.MessageHeader,
        HeaderSubcode.ConnectionNotSynchronized,
        'marker is not all ones',
      );
    }
  }
  const length = (buf[off + 16] << 8) | buf[off + 17];
  if (length < HEADER_LENGTH || length > MAX_MESSAGE_LENGTH) {
    throw sessionReset(
      ErrorCode.MessageHeader,
      HeaderSubcode.BadMessageLength,
      `message length ${length} outside ${HEADER_LENGTH}-${MAX_MESSAGE_LENGTH}`,
      u16Data(length),
    );
  }
  return length;
}

/** Full header check for one complete message: framing, then type (1/3) and per-type length (1/2). */
export function decodeHeader(buf: Uint8Array): Header {
  if (buf.length < HEADER_LENGTH) {
    throw sessionReset(
      ErrorCode.MessageHeader,
      HeaderSubcode.BadMessageLength,
      `message of ${buf.length} bytes is shorter than a header`,
      u16Data(buf.length),
    );
  }
  const length = checkFraming(buf, 0);
  if (length !== buf.length) {
    throw sessionReset(
      ErrorCode.MessageHeader,
      HeaderSubcode.BadMessageLength,
      `length field ${length} but ${buf.length} bytes given`,
      u16Data(length),
    );
  }
  const type = buf[18];
  const min = MIN_LENGTH[type];
  if (min === undefined) {
    throw sessionReset(
      ErrorCode.MessageHeader,
      HeaderSubcode.BadMessageType,
      `unknown message type ${type}`,
      Buffer.from([type]),
    );
  }
  if (length < min || (type === MessageType.Keepalive && length !== HEADER_LENGTH)) {
    throw sessionReset(
      ErrorCode.MessageHeader,
      HeaderSubcode.BadMessageLength,
      `length ${length} invalid for message type ${type}`,
      u16Data(length),
    );
  }
  return { length, type };
}

/** Starts a message: marker, placeholder length, type. Pair with `endMessage`. */
export function beginMessage(w: ByteWriter, type: number): number {
  const start = w.pos;
  for (let i = 0; i < MARKER_LENGTH; i++) w.u8(0xff);
  w.u16(0);
  w.u8(type);
  return start;
}

/** Patches the length; throws RangeError if the message outgrew 4096 octets (a caller bug, not a peer's). */
export function endMessage(w: ByteWriter, start: number, max = MAX_MESSAGE_LENGTH): void {
  const length = w.pos - start;
  if (length > max) throw new RangeError(`message of ${length} octets exceeds ${max}`);
  w.patchU16(start + MARKER_LENGTH, length);
}

/**
 * Cuts a TCP byte stream into whole messages. Throws BgpError (1/1, 1/2) as soon as a header is bad, so
 * the session can send the NOTIFICATION without waiting for a body that may never come.
 */
export class MessageFramer {
  private pending: Buffer | undefined;

  push(chunk: Buffer): Buffer[] {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    let off = 0;
    while (buf.length - off >= HEADER_LENGTH) {
      const length = checkFraming(buf, off);
      if (buf.length - off < length) break;
      out.push(buf.subarray(off, off + length));
      off += length;
    }
    buf = buf.subarray(off);
    // Copy the tail so a small remainder does not pin a large socket chunk.
    this.pending = buf.length > 0 ? Buffer.from(buf) : undefined;
    return out;
  }

  /** Bytes received but not yet forming a whole message. */
  get buffered(): number {
    return this.pending?.length ?? 0;
  }
}
