import net from 'node:net';
import {
  BgpSession,
  CeaseSubcode,
  cease,
  encodeNotification,
  type Clock,
  type FsmConfig,
  type SessionEvents,
  type SessionIo,
} from '@skein/bgp';

export interface ConnectTarget {
  host: string;
  port: number;
  /** Source address: peers match neighbours by it (BIRD and gobgpd both check). */
  localAddress?: string;
}

/** Bytes a NOTIFICATION gets to drain before the socket is torn down anyway. */
const CLOSE_GRACE_MS = 500;

/**
 * One transport connection of a neighbour with the `BgpSession` it drives: the only place a BGP socket is
 * touched. Socket events of a connection that was replaced or closed are ignored, so a late `close` from
 * an old socket cannot take down the session's next one.
 */
export class BgpConnection implements SessionIo {
  readonly session: BgpSession;
  private socket: net.Socket | undefined;
  /** Its handling threw once: the session is not trusted with input (bytes, timers) again. */
  private faulted = false;

  constructor(
    readonly initiatedBy: 'local' | 'remote',
    config: FsmConfig,
    private readonly target: ConnectTarget,
    events: SessionEvents,
    clock: Clock,
    private readonly onFault: (err: unknown) => void,
  ) {
    // Session timers fire outside any socket callback: they get the same last-resort guard as input.
    const guarded: Clock = {
      now: () => clock.now(),
      setTimer: (ms, fn) => clock.setTimer(ms, () => this.guard(fn)),
      clearTimer: (h) => clock.clearTimer(h),
    };
    this.session = new BgpSession(config, this, guarded, events);
  }

  get state() {
    return this.session.state;
  }

  get remoteAddress(): string | undefined {
    return this.socket?.remoteAddress;
  }

  /** An accepted socket: the session (passive) moves to OpenSent and sends its OPEN. */
  adopt(socket: net.Socket): void {
    this.attach(socket, true);
    this.guard(() => {
      this.session.start();
      this.session.connected();
    });
  }

  connect(): void {
    this.dropSocket();
    const s = net.connect({
      host: this.target.host,
      port: this.target.port,
      localAddress: this.target.localAddress,
    });
    this.attach(s, false);
  }

  send(bytes: Buffer): void {
    const s = this.socket;
    if (s !== undefined && !s.destroyed) s.write(bytes);
  }

  /** Bytes written but not yet taken by the kernel. */
  get queuedBytes(): number {
    return this.socket?.writableLength ?? 0;
  }

  /** `fn` once the socket's queue is empty (needs a write to have returned false); never if it closes first. */
  onceDrained(fn: () => void): void {
    const s = this.socket;
    s?.once('drain', () => {
      if (this.socket === s) fn();
    });
  }

  close(): void {
    const s = this.socket;
    this.socket = undefined;
    if (s === undefined) return;
    s.end();
    setTimeout(() => s.destroy(), CLOSE_GRACE_MS).unref();
  }

  /**
   * Runs session input so that a bug in it or a callback ends this connection alone (issue 7 item 1): the
   * peer gets Cease / Out of Resources where the socket still takes bytes, `onFault` lets the neighbour
   * forget the session, and the process and every other session go on.
   */
  guard(fn: () => void): void {
    if (this.faulted) return;
    try {
      fn();
    } catch (err) {
      this.fault(err);
    }
  }

  private fault(err: unknown): void {
    this.faulted = true;
    const s = this.socket;
    this.socket = undefined;
    if (s !== undefined && !s.destroyed) {
      s.end(encodeNotification(cease(CeaseSubcode.OutOfResources)));
      setTimeout(() => s.destroy(), CLOSE_GRACE_MS).unref();
    }
    try {
      this.onFault(err);
    } catch {
      // The neighbour's clean-up failed as well; this connection stays dead either way.
    }
  }

  private attach(s: net.Socket, connected: boolean): void {
    this.socket = s;
    s.setNoDelay(true);
    let up = connected;
    s.on('connect', () => {
      up = true;
      if (this.socket === s) this.guard(() => this.session.connected());
    });
    s.on('data', (chunk: Buffer) => {
      if (this.socket === s) this.guard(() => this.session.receive(chunk));
    });
    s.on('error', () => {
      // 'close' follows; a failed connect is reported there.
    });
    s.on('close', () => {
      if (this.socket !== s) return;
      this.socket = undefined;
      this.guard(() => (up ? this.session.closed() : this.session.connectFailed()));
    });
  }

  private dropSocket(): void {
    const s = this.socket;
    this.socket = undefined;
    s?.destroy();
  }
}
