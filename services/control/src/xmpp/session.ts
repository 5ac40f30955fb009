import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import tls from 'node:tls';
import {
  KEEPALIVE,
  PublishAssembler,
  STREAM_CLOSE,
  StreamParser,
  TLS_FEATURES_REQUIRED,
  TLS_PROCEED,
  decodeStanza,
  encodeControlNodeStreamHeader,
  encodeEndOfRibMessage,
  encodeIqError,
  encodeRouteMessages,
  encodeStreamError,
  itemIdOf,
  type AgentRouteUpdate,
  type RouteEntry,
  type Stanza,
  type StreamErrorCondition,
  type StreamEvent,
  type StreamHeader,
} from '@skein/xmpp';
import { isConfigSubscription } from '../config-push/push';
import { plainAddress } from '../listener';
import type { AgentChange } from '../rib';
import { certificateNames, tlsServer, type XmppTlsOptions } from './tls';

/** What a session needs from the server around it. */
export interface AgentSessionHost {
  /** Seconds: `xmpp_hold_time`. */
  holdTime(): number;
  /** Seconds from accept to a complete stream header (issue 7: a silent socket is not kept for the hold time). */
  headerTimeout(): number;
  /** With TLS on (`xmpp_auth_enable`): agents must STARTTLS with a client certificate. */
  tlsOptions(): XmppTlsOptions | undefined;
  /** The agent's header arrived; the host decides whether it may run (a refusal names the stream error). */
  open(session: AgentSession, header: StreamHeader): StreamErrorCondition | undefined;
  subscribe(session: AgentSession, ri: string, instanceId: number, noRibout: boolean): void;
  unsubscribe(session: AgentSession, ri: string): void;
  /** A route add; answers how the Rib took it. */
  publish(session: AgentSession, ri: string, entry: RouteEntry): 'ok' | 'bad' | 'pending';
  retract(session: AgentSession, ri: string, update: Extract<AgentRouteUpdate, { op: 'delete' }>): void;
  endOfRib(session: AgentSession): void;
  /** A subscribe/unsubscribe on the /config channel (its VR or a VM), not a routing instance. */
  configSubscription(session: AgentSession, node: string, subscribe: boolean): void;
  closed(session: AgentSession, how: CloseKind): void;
  /** The agent reads slower than routes are written: hold its route output (`full`) or release it. */
  backpressure(session: AgentSession, full: boolean): void;
  log(level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>): void;
}

/** How a session ended; decides between graceful-restart helping and withdrawing at once. */
export type CloseKind =
  /** The agent closed its stream: it said goodbye. */
  | 'stream-closed'
  /** TCP went away or the hold timer expired: the agent may come back (GR helper). */
  | 'lost'
  /** We closed it for a protocol error. */
  | 'error'
  /** A newer stream with the same name took over (`conflict`). */
  | 'replaced'
  /** The node is shutting down or rebuilding its RIB. */
  | 'shutdown';

/**
 * Bytes queued on an agent's socket above which its route output waits in the Rib, coalescing per route,
 * until the socket drains: a slow agent then costs at most one pending entry per changed route.
 */
export const SEND_QUEUE_LIMIT = 64 * 1024;

export interface AgentCounters {
  open: number;
  update: number;
  keepalive: number;
  reach: number;
  unreach: number;
  end_of_rib: number;
  bad_items: number;
  subscribe: number;
  unsubscribe: number;
  sent_items: number;
  sent_messages: number;
  /** Times the socket filled up and route output was held back. */
  blocked: number;
}

type State = 'await-header' | 'await-starttls' | 'established' | 'closed';

/**
 * One agent's XMPP stream (routing.md D), one function per state: the header, then stanzas. Routes go to
 * the host (which owns the Rib); the session keeps its subscriptions, publishes waiting for an RI that does
 * not exist yet, timers and counters.
 */
export class AgentSession {
  state: State = 'await-header';
  name = '';
  /** The agent's next-hop address (its virtual-router's IP, else the TCP peer). */
  address = '';
  readonly remote: string;
  readonly subscriptions = new Map<string, { instanceId: number; noRibout: boolean }>();
  /** RIs whose initial download is still running: end-of-RIB waits for them. */
  readonly syncing = new Set<string>();
  /** Publishes into a subscribed RI that does not exist yet, by RI and item id (TF defers them too). */
  readonly deferred = new Map<string, Map<string, RouteEntry>>();
  readonly counters: AgentCounters = {
    open: 0,
    update: 0,
    keepalive: 0,
    reach: 0,
    unreach: 0,
    end_of_rib: 0,
    bad_items: 0,
    subscribe: 0,
    unsubscribe: 0,
    sent_items: 0,
    sent_messages: 0,
    blocked: 0,
  };
  /** The parser's bound on what a peer can make it hold. */
  get buffered(): number {
    return this.parser.buffered;
  }

  /** Route output is held back until the socket drains. */
  blocked = false;
  establishedAt: number | undefined;
  endOfRibSent = false;
  closeReason: string | undefined;
  lastError: StreamErrorCondition | undefined;

  private parser = StreamParser.forControlNode();
  /** The stream runs over TLS with a client certificate naming the agent. */
  certified = false;
  private readonly assembler = new PublishAssembler();
  private holdTimer: NodeJS.Timeout | undefined;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private eorTimer: NodeJS.Timeout | undefined;
  private wroteSinceTick = false;
  private headerSent = false;
  private closeKind: CloseKind = 'lost';

  constructor(
    private socket: net.Socket,
    private readonly host: AgentSessionHost,
  ) {
    this.remote = plainAddress(socket.remoteAddress);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.guard('input', () => this.receive(chunk)));
    socket.on('error', () => undefined);
    socket.on('close', () => this.guard('close', () => this.onSocketClosed()));
    // Issue 7: from accept to a complete header, not re-armed by keepalives before it.
    this.holdTimer = setTimeout(
      () => this.guard('timer', () => this.fail('connection-timeout', 'no stream header in time', 'lost')),
      this.host.headerTimeout() * 1000,
    );
    this.holdTimer.unref();
  }

  /**
   * Last resort (issue 7 item 1): whatever handling one agent's input, timers or output throws ends that
   * session alone, logged; it never reaches the process.
   */
  guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.host.log('warn', 'XMPP session fault', {
        agent: this.name || this.remote,
        what,
        err: String(err),
      });
      const closing = this.state === 'closed';
      try {
        this.fail('internal-server-error', 'internal error');
      } catch (again) {
        this.host.log('warn', 'XMPP session fault while closing', { agent: this.name, err: String(again) });
      }
      // fail() does nothing for a session already closing (the fault came from its close): drop the socket.
      if (closing) this.socket.destroy();
    }
  }

  get established(): boolean {
    return this.state === 'established';
  }

  /** Rib output for this agent: route messages of <= 256 items each. */
  sendRoutes(change: AgentChange): void {
    this.guard('output', () => this.sendRoutesNow(change));
  }

  private sendRoutesNow(change: AgentChange): void {
    if (this.state !== 'established') return;
    const msgs = encodeRouteMessages({
      agent: this.name,
      family: change.family,
      ri: change.ri,
      updates: change.updates,
    });
    this.counters.sent_items += change.updates.length;
    this.counters.sent_messages += msgs.length;
    for (const m of msgs) this.write(m);
    if (!this.blocked && this.socket.writableLength >= SEND_QUEUE_LIMIT) {
      this.blocked = true;
      this.counters.blocked++;
      this.host.backpressure(this, true);
      // Past the limit a write has returned false, so 'drain' comes once the queue is empty.
      this.socket.once('drain', () =>
        this.guard('drain', () => {
          this.blocked = false;
          if (this.state === 'established') this.host.backpressure(this, false);
        }),
      );
    }
  }

  /** /config push iqs, already encoded. */
  sendConfig(iqs: readonly string[]): void {
    if (this.state !== 'established') return;
    this.guard('output', () => {
      for (const iq of iqs) this.write(iq);
    });
  }

  /** `0/0/EndOfRib`, once per session, after the first download of every subscribed RI. */
  maybeSendEndOfRib(force = false): void {
    if (this.state !== 'established' || this.endOfRibSent) return;
    if (!force && (this.syncing.size > 0 || this.subscriptions.size === 0)) return;
    this.endOfRibSent = true;
    if (this.eorTimer) clearTimeout(this.eorTimer);
    this.write(encodeEndOfRibMessage(this.name));
  }

  /** Ends the stream with `condition` (RFC 6120 §4.9), then closes TCP. */
  fail(condition: StreamErrorCondition, text: string | undefined, kind: CloseKind = 'error'): void {
    if (this.state === 'closed') return;
    this.lastError = condition;
    this.closeReason = `${condition}${text ? `: ${text}` : ''}`;
    this.closeKind = kind;
    this.host.log('info', 'XMPP stream error', { agent: this.name || this.remote, condition, text });
    // RFC 6120 §4.9.1.1: an error before our header still opens the stream first.
    const header = this.headerSent ? '' : encodeControlNodeStreamHeader(this.name, this.streamId());
    this.headerSent = true;
    this.end(`${header}${encodeStreamError(condition, text)}${STREAM_CLOSE}`);
  }

  close(kind: CloseKind, reason: string): void {
    if (this.state === 'closed') return;
    this.closeKind = kind;
    this.closeReason = reason;
    this.end(STREAM_CLOSE);
  }

  private end(text: string): void {
    this.socket.end(text);
    setTimeout(() => this.socket.destroy(), 500).unref();
    this.finish();
  }

  private receive(chunk: Buffer): void {
    if (this.state === 'closed') return;
    let events: StreamEvent[];
    try {
      events = this.parser.push(chunk);
    } catch (err) {
      this.fail('internal-server-error', String(err));
      return;
    }
    for (const ev of events) {
      if ((this.state as State) === 'closed') return;
      try {
        if (this.state === 'await-header') this.awaitHeader(ev);
        else if (this.state === 'await-starttls') this.awaitStarttls(ev);
        else this.streaming(ev);
      } catch (err) {
        this.host.log('warn', 'XMPP session fault', { agent: this.name, err: String(err) });
        this.fail('internal-server-error', 'internal error');
        return;
      }
    }
  }

  private awaitHeader(ev: StreamEvent): void {
    switch (ev.type) {
      case 'header': {
        const name = ev.header.from!;
        this.name = name;
        this.write(encodeControlNodeStreamHeader(name, this.streamId()));
        this.headerSent = true;
        if (this.host.tlsOptions() !== undefined) {
          if (!(this.socket instanceof tls.TLSSocket)) {
            // TF (xmpp_auth_enable): the first stream only negotiates TLS; the agent is not up yet.
            this.write(TLS_FEATURES_REQUIRED);
            this.state = 'await-starttls';
            return;
          }
          // tls.Server let only a certificate signed by the CA through (rejectUnauthorized).
          const names = certificateNames(this.socket.getPeerCertificate());
          if (!names.includes(name)) {
            this.fail(
              'not-authorized',
              `the client certificate names ${names.join(', ') || 'nobody'}, not ${name}`,
            );
            return;
          }
          this.certified = true;
        }
        const refusal = this.host.open(this, ev.header);
        if (refusal !== undefined) {
          this.fail(refusal, `agent ${name} is not accepted`);
          return;
        }
        this.state = 'established';
        this.counters.open++;
        this.establishedAt = Date.now();
        this.armHold();
        this.startKeepalives();
        // Spec D: end-of-RIB at the latest 30 s after the stream opened, even if a download is still going.
        this.eorTimer = setTimeout(
          () => this.guard('timer', () => this.maybeSendEndOfRib(true)),
          30_000,
        ).unref();
        return;
      }
      case 'error':
        this.fail(ev.error.condition, ev.error.message);
        return;
      case 'keepalive':
        return;
      default:
        this.fail('not-well-formed', 'stanza before the stream header');
    }
  }

  private awaitStarttls(ev: StreamEvent): void {
    if (ev.type === 'keepalive') return;
    if (ev.type === 'error') {
      this.fail(ev.error.condition, ev.error.message);
      return;
    }
    if (ev.type !== 'stanza' || ev.element.name !== 'starttls') {
      this.fail('policy-violation', 'STARTTLS required');
      return;
    }
    const raw = this.socket;
    // No more input until TLS: the agent sends its ClientHello only after <proceed/>.
    raw.removeAllListeners('data');
    raw.pause();
    raw.write(TLS_PROCEED, () => this.guard('tls', () => this.startTls(raw)));
  }

  private startTls(raw: net.Socket): void {
    const options = this.host.tlsOptions();
    if ((this.state as State) !== 'await-starttls' || raw.destroyed || options === undefined) return;
    // A tls.Server handed the socket (documented: emit 'connection') verifies the client certificate
    // against the CA and refuses the handshake otherwise; a bare TLSSocket would not enforce that.
    const server = tlsServer(options);
    server.on('tlsClientError', (err) => {
      this.host.log('info', 'XMPP TLS refused', { agent: this.name, remote: this.remote, err: String(err) });
      this.closeReason ??= `TLS: ${String(err)}`;
      raw.destroy();
    });
    server.on('secureConnection', (secure: tls.TLSSocket) =>
      this.guard('tls', () => {
        if ((this.state as State) === 'closed') {
          secure.destroy();
          return;
        }
        this.socket = secure;
        secure.on('data', (chunk: Buffer) => this.guard('input', () => this.receive(chunk)));
        secure.on('error', () => undefined);
        secure.on('close', () => this.guard('close', () => this.onSocketClosed()));
      }),
    );
    // A new stream over TLS (RFC 6120 §5.4.3.3): a new header each way, a new parser.
    this.parser = StreamParser.forControlNode();
    this.headerSent = false;
    this.state = 'await-header';
    server.emit('connection', raw);
    raw.resume();
  }

  private streaming(ev: StreamEvent): void {
    this.armHold();
    switch (ev.type) {
      case 'keepalive':
        this.counters.keepalive++;
        return;
      case 'close':
        this.close('stream-closed', 'stream closed by the agent');
        return;
      case 'error':
        this.fail(ev.error.condition, ev.error.message);
        return;
      case 'header':
        this.fail('not-well-formed', 'second stream header');
        return;
      case 'stanza':
        this.stanza(decodeStanza(ev.element));
        return;
    }
  }

  private stanza(s: Stanza): void {
    switch (s.kind) {
      case 'subscribe':
        if (isConfigSubscription(s)) {
          this.host.configSubscription(this, s.node, true);
          return;
        }
        this.counters.subscribe++;
        if (!this.subscriptions.has(s.node)) {
          this.subscriptions.set(s.node, { instanceId: s.instanceId ?? 0, noRibout: s.noRibout });
          this.host.subscribe(this, s.node, s.instanceId ?? 0, s.noRibout);
        }
        return;
      case 'unsubscribe':
        if (isConfigSubscription(s)) {
          this.host.configSubscription(this, s.node, false);
          return;
        }
        this.counters.unsubscribe++;
        if (this.subscriptions.delete(s.node)) {
          this.deferred.delete(s.node);
          this.syncing.delete(s.node);
          this.host.unsubscribe(this, s.node);
        }
        return;
      case 'publish':
      case 'collection':
        if (s.kind === 'collection') this.counters.update++;
        for (const u of this.assembler.push(s)) this.routeUpdate(u);
        return;
      case 'bad-stanza':
        if (s.stanza === 'iq' && s.id !== undefined) this.write(encodeIqError(s, s.condition, s.reason));
        return;
      default:
        // iq results, config and UVE messages: nothing for the routing channel to do.
        return;
    }
  }

  private routeUpdate(u: AgentRouteUpdate): void {
    if (u.kind === 'end-of-rib') {
      this.counters.end_of_rib++;
      this.host.endOfRib(this);
      return;
    }
    if (u.kind === 'item-error') {
      this.counters.bad_items++;
      return;
    }
    // Spec D: a route for an RI the agent did not subscribe to closes the session (TF does too).
    if (!this.subscriptions.has(u.ri)) {
      this.fail('policy-violation', `publish into ${u.ri}, which was not subscribed`);
      return;
    }
    if (u.op === 'delete') {
      this.counters.unreach++;
      this.deferred.get(u.ri)?.delete(itemIdOf(u.nlri));
      this.host.retract(this, u.ri, u);
      return;
    }
    this.counters.reach++;
    const r = this.host.publish(this, u.ri, u.entry);
    if (r === 'bad') this.counters.bad_items++;
    else if (r === 'pending') {
      let m = this.deferred.get(u.ri);
      if (m === undefined) this.deferred.set(u.ri, (m = new Map()));
      m.set(itemIdOf(u.nlri), u.entry);
    }
  }

  private write(text: string): void {
    if (this.socket.destroyed) return;
    this.wroteSinceTick = true;
    this.socket.write(text);
  }

  private armHold(): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    if (this.state === 'closed') return;
    this.holdTimer = setTimeout(
      () => this.guard('timer', () => this.fail('connection-timeout', 'hold time expired', 'lost')),
      this.host.holdTime() * 1000,
    );
    this.holdTimer.unref();
  }

  /** One space whenever nothing else was written for hold/3 (spec D). */
  private startKeepalives(): void {
    const every = Math.max(100, (this.host.holdTime() * 1000) / 3);
    this.keepaliveTimer = setInterval(
      () =>
        this.guard('timer', () => {
          if (!this.wroteSinceTick) this.write(KEEPALIVE);
          this.wroteSinceTick = false;
        }),
      every,
    );
    this.keepaliveTimer.unref();
  }

  private onSocketClosed(): void {
    if (this.state !== 'closed') {
      this.closeReason ??= 'connection lost';
      this.closeKind = 'lost';
    }
    this.finish();
  }

  private finish(): void {
    if (this.state === 'closed') return;
    const wasUp = this.state === 'established';
    this.state = 'closed';
    if (this.holdTimer) clearTimeout(this.holdTimer);
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    if (this.eorTimer) clearTimeout(this.eorTimer);
    if (wasUp) this.host.closed(this, this.closeKind);
  }

  private streamId(): string {
    return randomBytes(6).toString('hex');
  }
}
