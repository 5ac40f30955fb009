import net from 'node:net';
import {
  FAMILIES,
  MessageFramer,
  decodeMessage,
  encodeMessage,
  type BgpMessage,
  type Capability,
  type Family,
  type NotificationMessage,
  type OpenMessage,
  type UpdateMessage,
} from '@skein/bgp';

/**
 * A hand-driven BGP speaker for malformed-input tests: it completes (or spoils) the handshake and then
 * writes whatever bytes a test gives it, recording what the control node answers.
 */
export class FakePeer {
  readonly socket: net.Socket;
  readonly messages: BgpMessage[] = [];
  closed = false;
  private framer = new MessageFramer();

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const f of this.framer.push(chunk)) this.messages.push(decodeMessage(f).message);
      } catch {
        // What we receive is well-formed; a failure here would show as a missing message.
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => (this.closed = true));
  }

  static connect(localAddress: string, port: number): Promise<FakePeer> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port, localAddress });
      s.once('connect', () => resolve(new FakePeer(s)));
      s.once('error', reject);
    });
  }

  static open(o: {
    as: number;
    id: string;
    holdTime?: number;
    families?: Family[];
    version?: number;
  }): OpenMessage {
    const capabilities: Capability[] = (o.families ?? ['inet-vpn']).map((f) => ({
      kind: 'multiprotocol',
      ...FAMILIES[f],
    }));
    capabilities.push({ kind: 'route-refresh' }, { kind: 'four-octet-as', asn: o.as });
    return {
      type: 'open',
      version: o.version ?? 4,
      myAs: o.as > 0xffff ? 23456 : o.as,
      holdTime: o.holdTime ?? 9,
      bgpId: o.id,
      capabilities,
    };
  }

  send(bytes: Buffer | BgpMessage): void {
    if (this.socket.destroyed) return;
    if (Buffer.isBuffer(bytes)) this.socket.write(bytes);
    else this.socket.write(encodeMessage(bytes, { as4: true }));
  }

  /** OPEN, then KEEPALIVE; resolves once the control node's KEEPALIVE confirms Established. */
  async handshake(open: OpenMessage): Promise<void> {
    this.send(open);
    await this.waitFor((m) => m.type === 'open');
    this.send({ type: 'keepalive' });
    await this.waitFor((m) => m.type === 'keepalive');
  }

  waitFor(pred: (m: BgpMessage) => boolean, timeoutMs = 5000): Promise<BgpMessage> {
    return this.waitForFrom(0, pred, timeoutMs);
  }

  async notification(timeoutMs = 5000): Promise<string> {
    const n = (await this.waitFor((m) => m.type === 'notification', timeoutMs)) as NotificationMessage;
    return `${n.code}/${n.subcode}`;
  }

  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('still connected');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  /**
   * The raw frames received from now on, in arrival order (for checks on the encoding itself, e.g. that an
   * attribute is absent on the wire rather than dropped by the decoder). Call it before the handshake to
   * have frame i match `messages[i]`.
   */
  captureFrames(): Buffer[] {
    const frames: Buffer[] = [];
    const framer = new MessageFramer();
    this.socket.on('data', (chunk: Buffer) => {
      try {
        for (const f of framer.push(chunk)) frames.push(Buffer.from(f));
      } catch {
        // As in the constructor: a framing failure shows as a missing frame.
      }
    });
    return frames;
  }

  /** Like `waitFor`, but only among the messages received at index `from` or later. */
  async waitForFrom(from: number, pred: (m: BgpMessage) => boolean, timeoutMs = 5000): Promise<BgpMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.messages.slice(from).find(pred);
      if (m) return m;
      if (Date.now() > deadline)
        throw new Error(
          `no such message from #${from}; have ${this.messages
            .slice(from)
            .map((x) => x.type)
            .join(', ')}`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** The type codes of the path attributes of a raw UPDATE frame, in wire order. */
export function attributeTypes(frame: Buffer): number[] {
  if (frame[18] !== 2) throw new Error(`not an UPDATE (type ${frame[18]})`);
  const withdrawnLen = frame.readUInt16BE(19);
  let off = 21 + withdrawnLen;
  const end = off + 2 + frame.readUInt16BE(off);
  off += 2;
  const types: number[] = [];
  while (off < end) {
    const flags = frame[off]!;
    types.push(frame[off + 1]!);
    const extended = (flags & 0x10) !== 0;
    const len = extended ? frame.readUInt16BE(off + 2) : frame[off + 2]!;
    off += (extended ? 4 : 3) + len;
  }
  return types;
}

/** A BGP header: marker, length, type. */
export function header(length: number, type: number, marker = Buffer.alloc(16, 0xff)): Buffer {
  const b = Buffer.alloc(19);
  marker.copy(b, 0);
  b.writeUInt16BE(length, 16);
  b[18] = type;
  return b;
}

/** An UPDATE from raw withdrawn/attribute/NLRI fields. */
export function rawUpdate(
  attrs: Buffer,
  nlri: Buffer = Buffer.alloc(0),
  withdrawn: Buffer = Buffer.alloc(0),
): Buffer {
  const body = Buffer.concat([u16(withdrawn.length), withdrawn, u16(attrs.length), attrs, nlri]);
  return Buffer.concat([header(19 + body.length, 2), body]);
}

export function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

/**
 * A VPNv4 UPDATE as the test peers announce it: iBGP attributes, next hop `nextHop`, the route target
 * `64512:<rt>` when given, and `extra` attributes on top.
 */
export function vpnUpdate(
  nextHop: string,
  nlri: { rd: string; prefix: string; label: number }[],
  rt?: number,
  extra: Partial<UpdateMessage['attributes']> = {},
): BgpMessage {
  return {
    type: 'update',
    withdrawn: [],
    nlri: [],
    attributes: {
      origin: 0,
      asPath: [],
      localPref: 100,
      ...(rt === undefined
        ? {}
        : { extCommunities: [{ kind: 'route-target', form: 'as2', asn: 64512, value: rt }] }),
      mpReach: { family: 'inet-vpn', nextHop, nlri },
      ...extra,
    },
  };
}
