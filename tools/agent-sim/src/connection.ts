import * as net from 'node:net';
import * as tls from 'node:tls';
import {
  CONTROL_NODE_JID,
  decodeStanza,
  encodeAgentStreamHeader,
  encodeStreamError,
  KEEPALIVE,
  STREAM_CLOSE,
  StreamParser,
  TLS_STARTTLS,
  type StreamErrorCondition,
  type Stanza,
  type StreamHeader,
} from '@skein/xmpp';
import type { AgentCounters } from './counters';
import type { ConnectRamp, TickClient, Ticker } from './ticker';

/**
 * The agent side of one XMPP stream to a control node, across reconnects: TCP, stream header, keepalive,
 * hold timer, backoff. It knows nothing about routes; the agent gets typed stanzas and up/down calls.
 *
 *   idle ─start→ waiting (for a ramp slot) → connecting (TCP) → open-sent (our header written)
 *        → established (their header received) ─down→ backoff ─retry due→ waiting …
 *   any ─stop→ stopped
 */
export type ConnectionState =
  'idle' | 'waiting' | 'connecting' | 'open-sent' | 'established' | 'backoff' | 'stopped';

/** Why a stream ended, so a "session down" can say so (GoBGP's fsmStateReason, for XMPP). */
export type DownReason =
  | { kind: 'connect-failed'; message: string }
  /** TCP connect or the control node's header did not come within the hold time. */
  | { kind: 'connect-timeout' }
  /** `</stream:stream>` or TCP close from the control node. */
  | { kind: 'peer-closed'; graceful: boolean }
  | { kind: 'socket-error'; message: string }
  | { kind: 'stream-error-received'; condition: StreamErrorCondition; text?: string }
  /** We ended the stream: hold timer (`connection-timeout`), bad XML, a header that is not the control node's. */
  | { kind: 'stream-error-sent'; condition: StreamErrorCondition; message: string }
  | { kind: 'stopped' };

export interface ReconnectOptions {
  /** First delay after a failure; doubled per consecutive failure. Default 500 ms. */
  initialMs?: number;
  /** Default 30 s. */
  maxMs?: number;
  /** Spread delays over [½, 1] × the backoff so a dropped fleet does not come back in lockstep. Default true. */
  jitter?: boolean;
}

export interface ConnectionOptions {
  name: string;
  host: string;
  port: number;
  holdTimeMs: number;
  /** `false`: stay down after the first failure. */
  reconnect: ReconnectOptions | false;
  /** Stream errors after which the agent does not come back (default `conflict`: a newer agent of the same name won). */
  fatalConditions: readonly StreamErrorCondition[];
  ticker: Ticker;
  ramp?: ConnectRamp;
  counters: AgentCounters;
  /** Source address to connect from. */
  localAddress?: string;
  /**
   * TF's agent with `xmpp_auth_enable`: STARTTLS after the first header, this client certificate, the
   * control node's certificate checked against `ca` (PEM each).
   */
  tls?: { cert: string | Buffer; key: string | Buffer; ca: string | Buffer };
}

export interface ConnectionHandler {
  onEstablished(header: StreamHeader): void;
  onStanza(stanza: Stanza): void;
  onDown(reason: DownReason): void;
  onStateChange(state: ConnectionState): void;
}

/** Bytes buffered per socket before queued stanzas wait for 'drain' (above Node's 16 KiB, so it fires). */
const SEND_HIGH_WATER = 64 * 1024;

export class Connection implements TickClient {
  private _state: ConnectionState = 'idle';
  private stateSince = 0;
  private socket: net.Socket | undefined;
  private parser: StreamParser | undefined;
  private lastRx = 0;
  private lastTx = 0;
  private establishedAt = 0;
  private failures = 0;
  private retryAt = 0;
  private holdsRampSlot = false;
  private corked = false;
  /** Pending stanza sources, in order; see `send`. */
  private queue: Array<Iterator<string>> = [];
  private closeWaiters: Array<() => void> = [];
  /** What the last stream ended with. */
  lastDown: DownReason | undefined;
  /** The control node's header of the current stream. */
  peerHeader: StreamHeader | undefined;

  /** Stable identity for the ramp queue. */
  private readonly go = (): void => this.connect();

  constructor(
    private readonly o: ConnectionOptions,
    private readonly handler: ConnectionHandler,
  ) {}

  get state(): ConnectionState {
    return this._state;
  }

  start(): void {
    if (this._state !== 'idle' && this._state !== 'stopped') return;
    this.o.ticker.add(this);
    this.failures = 0;
    this.requestConnect();
  }

  /** Closes the stream politely (`</stream:stream>`) and stays down. */
  stop(): Promise<void> {
    if (this._state === 'stopped' || this._state === 'idle') return Promise.resolve();
    this.o.ramp?.cancel(this.go);
    this.o.ticker.remove(this);
    const sock = this.socket;
    const closed = new Promise<void>((resolve) => {
      if (sock === undefined || sock.destroyed) resolve();
      else this.closeWaiters.push(resolve);
    });
    if (sock !== undefined && this._state === 'established') this.writeRaw(STREAM_CLOSE);
    this.down({ kind: 'stopped' });
    return closed;
  }

  /**
   * Queues stanzas for the established stream; returns false (and drops `data`) when there is none. An
   * iterable is pulled only as the socket drains, so an agent republishing thousands of routes (times a
   * thousand agents in a fleet) holds one socket buffer of XML, not all of it.
   */
  send(data: string | Iterable<string>): boolean {
    if (this._state !== 'established') return false;
    this.queue.push(typeof data === 'string' ? [data][Symbol.iterator]() : data[Symbol.iterator]());
    this.pump();
    return true;
  }

  /**
   * Stops reading the socket (a slow or stuck agent: the control node's writes back up) until
   * `resumeReading`; keepalives from the node go unread too, so keep it shorter than the hold time.
   */
  pauseReading(): void {
    this.socket?.pause();
  }

  resumeReading(): void {
    this.socket?.resume();
  }

  /** Ends the stream with a stream error of our own, as if the agent had found a protocol fault. */
  fail(condition: StreamErrorCondition, message: string): void {
    if (this.socket === undefined) return;
    this.o.counters.streamErrorsSent++;
    this.writeRaw(encodeStreamError(condition, message) + STREAM_CLOSE);
    this.down({ kind: 'stream-error-sent', condition, message });
  }

  /**
   * Drops the TCP connection without a stream close (a reset), like a crashed agent or a cut link. It comes
   * back per the reconnect policy, or never with `stayDown` (an agent that does not return).
   */
  abort(stayDown = false): void {
    const sock = this.socket;
    if (sock === undefined) {
      if (stayDown) void this.stop();
      return;
    }
    sock.resetAndDestroy();
    this.down({ kind: 'socket-error', message: 'aborted by the simulator' }, stayDown);
  }

  onTick(now: number): void {
    switch (this._state) {
      case 'connecting':
        if (now - this.stateSince >= this.o.holdTimeMs) this.down({ kind: 'connect-timeout' });
        return;
      case 'open-sent':
        if (now - this.lastRx >= this.o.holdTimeMs) this.down({ kind: 'connect-timeout' });
        return;
      case 'established': {
        if (now - this.lastRx >= this.o.holdTimeMs) {
          this.fail('connection-timeout', `nothing received for ${this.o.holdTimeMs} ms`);
          return;
        }
        // Send now if waiting for the next tick would stretch the idle gap past hold/3.
        if (now - this.lastTx + this.o.ticker.periodMs > this.o.holdTimeMs / 3) {
          this.o.counters.keepalivesSent++;
          this.writeRaw(KEEPALIVE);
        }
        return;
      }
      case 'backoff':
        if (now >= this.retryAt) this.requestConnect();
        return;
      default:
        return;
    }
  }

  private setState(s: ConnectionState): void {
    this._state = s;
    this.stateSince = Date.now();
    this.handler.onStateChange(s);
  }

  private requestConnect(): void {
    this.setState('waiting');
    if (this.o.ramp) this.o.ramp.request(this.go);
    else this.connect();
  }

  private connect(): void {
    if (this._state !== 'waiting') {
      // Stopped while queued for a slot that was granted anyway.
      if (this.o.ramp) this.o.ramp.release();
      return;
    }
    this.holdsRampSlot = this.o.ramp !== undefined;
    this.o.counters.connectAttempts++;
    this.parser = StreamParser.forAgent();
    this.peerHeader = undefined;
    const sock = net.connect({
      host: this.o.host,
      port: this.o.port,
      ...(this.o.localAddress !== undefined ? { localAddress: this.o.localAddress } : {}),
    });
    this.socket = sock;
    this.setState('connecting');
    sock.setNoDelay(true);
    sock.on('connect', () => {
      if (this.socket !== sock) return;
      this.lastRx = Date.now();
      this.setState('open-sent');
      this.writeRaw(encodeAgentStreamHeader(this.o.name));
    });
    this.wire(sock);
  }

  /** Input, drain and close of the current socket (plain, then TLS after STARTTLS). */
  private wire(sock: net.Socket): void {
    let error: Error | undefined;
    sock.on('data', (chunk: Buffer) => {
      if (this.socket === sock) this.onData(sock, chunk);
    });
    sock.on('drain', () => {
      if (this.socket === sock) this.pump();
    });
    sock.on('error', (e) => {
      error = e;
    });
    sock.on('close', () => {
      for (const w of this.closeWaiters.splice(0)) w();
      if (this.socket !== sock) return;
      if (this._state === 'connecting') {
        this.down({ kind: 'connect-failed', message: error?.message ?? 'connection closed' });
      } else if (error !== undefined) {
        this.down({ kind: 'socket-error', message: error.message });
      } else {
        this.down({ kind: 'peer-closed', graceful: false });
      }
    });
  }

  private onData(sock: net.Socket, chunk: Buffer): void {
    this.lastRx = Date.now();
    this.o.counters.bytesReceived += chunk.length;
    for (const ev of this.parser!.push(chunk)) {
      if (this.socket !== sock) return;
      switch (ev.type) {
        case 'header':
          if (this.o.tls !== undefined && !(sock instanceof tls.TLSSocket)) break; // features follow
          this.onHeader(ev.header);
          break;
        case 'keepalive':
          this.o.counters.keepalivesReceived++;
          break;
        case 'stanza': {
          this.o.counters.stanzasReceived++;
          if (this.o.tls !== undefined && !(sock instanceof tls.TLSSocket)) {
            if (ev.element.name === 'stream:features') this.writeRaw(TLS_STARTTLS);
            else if (ev.element.name === 'proceed') {
              this.startTls(sock);
              return;
            }
          }
          const s = decodeStanza(ev.element);
          if (s.kind === 'stream-error') {
            this.o.counters.streamErrorsReceived++;
            const r: DownReason = { kind: 'stream-error-received', condition: s.condition };
            if (s.text !== undefined) r.text = s.text;
            this.writeRaw(STREAM_CLOSE);
            this.down(r);
          } else if (this._state === 'established') {
            this.handler.onStanza(s);
          }
          break;
        }
        case 'close':
          this.writeRaw(STREAM_CLOSE);
          this.down({ kind: 'peer-closed', graceful: true });
          break;
        case 'error':
          this.fail(ev.error.condition, ev.error.message);
          break;
      }
    }
  }

  private startTls(raw: net.Socket): void {
    const t = this.o.tls!;
    raw.removeAllListeners('data');
    const secure = tls.connect({
      socket: raw,
      cert: t.cert,
      key: t.key,
      ca: t.ca,
      // The control node is known by its CA, not by a host name the agent dialled.
      checkServerIdentity: () => undefined,
    });
    this.socket = secure;
    this.parser = StreamParser.forAgent();
    this.wire(secure);
    secure.on('secureConnect', () => {
      if (this.socket === secure) this.writeRaw(encodeAgentStreamHeader(this.o.name));
    });
  }

  /** The control node answers with `from` = its JID and `to` = our name (routing.md D). */
  private onHeader(h: StreamHeader): void {
    if (h.from !== CONTROL_NODE_JID) {
      this.fail('invalid-from', `stream from ${h.from ?? '(nobody)'}, expected ${CONTROL_NODE_JID}`);
      return;
    }
    if (h.to !== undefined && h.to !== this.o.name) {
      this.fail('improper-addressing', `stream addressed to ${h.to}, this agent is ${this.o.name}`);
      return;
    }
    this.peerHeader = h;
    this.establishedAt = Date.now();
    this.o.counters.established++;
    this.setState('established');
    // After the state change, so observers never see more handshakes than the ramp allows.
    this.releaseRampSlot();
    this.handler.onEstablished(h);
  }

  private pump(): void {
    const sock = this.socket;
    if (sock === undefined) return;
    while (this.queue.length > 0 && sock.writableLength < SEND_HIGH_WATER) {
      const r = this.queue[0]!.next();
      if (r.done) this.queue.shift();
      else this.writeRaw(r.value);
    }
  }

  /** Keepalives, stream errors and closes go out at once, between whole stanzas of the queue. */
  private writeRaw(data: string): void {
    const sock = this.socket;
    if (sock === undefined || sock.destroyed || !sock.writable) return;
    this.lastTx = Date.now();
    this.o.counters.bytesSent += Buffer.byteLength(data);
    // Many small writes in one turn of the event loop (a burst of publishes) leave as one segment.
    if (!this.corked) {
      this.corked = true;
      sock.cork();
      process.nextTick(() => {
        this.corked = false;
        sock.uncork();
      });
    }
    sock.write(data);
  }

  private releaseRampSlot(): void {
    if (this.holdsRampSlot) {
      this.holdsRampSlot = false;
      this.o.ramp!.release();
    }
  }

  private down(reason: DownReason, stayDown = false): void {
    const sock = this.socket;
    const wasEstablished = this._state === 'established';
    this.socket = undefined;
    this.parser = undefined;
    this.queue = [];
    if (sock !== undefined && !sock.destroyed) {
      // Let what was written (a stream error, a close) reach the peer, then free the descriptor.
      if (sock.writable) sock.end(() => sock.destroy());
      else sock.destroy();
    }
    this.lastDown = reason;
    if (wasEstablished) this.o.counters.flaps++;
    const reconnect = this.o.reconnect;
    const fatal =
      stayDown ||
      reason.kind === 'stopped' ||
      reconnect === false ||
      (reason.kind === 'stream-error-received' && this.o.fatalConditions.includes(reason.condition));
    if (fatal) {
      this.o.ticker.remove(this);
      this.setState('stopped');
    } else {
      const now = Date.now();
      // A session that lived a full hold time was healthy: start the backoff over.
      if (wasEstablished && now - this.establishedAt >= this.o.holdTimeMs) this.failures = 0;
      this.retryAt = now + backoffMs(reconnect, this.failures++);
      this.setState('backoff');
    }
    this.releaseRampSlot();
    this.handler.onDown(reason);
  }
}

export function backoffMs(o: ReconnectOptions, failures: number): number {
  const initial = o.initialMs ?? 500;
  const max = o.maxMs ?? 30_000;
  const d = Math.min(max, initial * 2 ** Math.min(failures, 30));
  return o.jitter === false ? d : d * (0.5 + Math.random() * 0.5);
}
