import net from 'node:net';
import type { AgentRouteUpdate, RouteEntry, StreamErrorCondition, StreamHeader } from '@skein/xmpp';
import type { GlobalSettings } from '../config/types';
import type { ConfigPush } from '../config-push/push';
import { closeServer, listen } from '../listener';
import type { AgentChange, Rib } from '../rib';
import { AgentSession, type AgentSessionHost, type CloseKind } from './session';
import { checkTlsOptions, type XmppTlsOptions } from './tls';

export interface XmppServerHost {
  readonly rib: Rib;
  settings(): GlobalSettings;
  /** The agent's virtual-router address, when config has one. */
  virtualRouterAddress(name: string): string | undefined;
  /** Refuse agents without a virtual-router (`not-authorized`). */
  readonly requireVirtualRouter: boolean;
  changed(): void;
  sessionEvent(type: 'xmpp', agent: string, state: 'up' | 'down', detail: Record<string, unknown>): void;
  /** The /config push; without one, config subscriptions are ignored. */
  readonly configPush?: ConfigPush;
  log(level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>): void;
}

/**
 * Who may speak for an agent name (issue 7). `always`: only a peer at the name's virtual_router_ip_address;
 * `except-loopback` (default): the same, but a process on the node's own host is trusted, as it can read
 * the node's config anyway (all-in-one, tests); `never`: any peer (the pre-issue-7 behaviour).
 */
export type VerifyAddress = 'always' | 'except-loopback' | 'never';

export interface XmppServerOptions {
  verifyAddress?: VerifyAddress;
  /** Seconds from accept to a complete stream header (over TLS, when on); default 10. */
  headerTimeout?: number;
  /** TF's `xmpp_auth_enable`: STARTTLS and a client certificate naming the agent, signed by the CA. */
  tls?: XmppTlsOptions;
}

export const DEFAULT_XMPP_HEADER_TIMEOUT = 10;

const isLoopback = (a: string) => a.startsWith('127.') || a === '::1';

/** Graceful-restart helper state of one agent name across its sessions. */
interface AgentHistory {
  flaps: number;
  /** Its paths are stale in the Rib, waiting for the agent's return and end-of-RIB (or the timers). */
  stale: boolean;
  restartTimer?: NodeJS.Timeout;
  eorTimer?: NodeJS.Timeout;
  lastClose?: string;
}

/**
 * The XMPP side of the node (routing.md D): the listener, the current session per agent name (a second
 * stream with the same name replaces the first with `conflict`), the graceful-restart helper, and the
 * bridge between sessions and the Rib.
 */
export class XmppServer implements AgentSessionHost {
  private server: net.Server | undefined;
  private readonly sessions = new Map<string, AgentSession>();
  private readonly open_ = new Set<AgentSession>();
  private readonly history = new Map<string, AgentHistory>();

  private readonly verify: VerifyAddress;
  private readonly headerSeconds: number;
  private readonly tls: XmppTlsOptions | undefined;

  constructor(
    private readonly host: XmppServerHost,
    opts: XmppServerOptions = {},
  ) {
    this.verify = opts.verifyAddress ?? 'except-loopback';
    this.headerSeconds = opts.headerTimeout ?? DEFAULT_XMPP_HEADER_TIMEOUT;
    if (opts.tls !== undefined) checkTlsOptions(opts.tls);
    this.tls = opts.tls;
  }

  /** Sessions not closed yet, established or not (each holds a socket and a parser). */
  get openCount(): number {
    return this.open_.size;
  }

  /** Characters all open sessions' parsers hold for unfinished headers and stanzas. */
  get buffered(): number {
    let n = 0;
    for (const s of this.open_) n += s.buffered;
    return n;
  }

  async listen(host: string, port: number): Promise<number> {
    const server = net.createServer((socket) => {
      const s = new AgentSession(socket, this);
      this.open_.add(s);
      socket.on('close', () => this.open_.delete(s));
    });
    server.on('error', (err) => this.host.log('warn', 'XMPP listener error', { err: String(err) }));
    const bound = await listen(server, host, port);
    this.server = server;
    return bound;
  }

  all(): IterableIterator<AgentSession> {
    return this.sessions.values();
  }

  flaps(name: string): number {
    return this.history.get(name)?.flaps ?? 0;
  }

  get upCount(): number {
    return this.sessions.size;
  }

  // ===== Rib output ======================================================================================

  send(changes: readonly AgentChange[]): void {
    for (const c of changes) this.sessions.get(c.agent)?.sendRoutes(c);
  }

  synced(agent: string, ri: string): void {
    const s = this.sessions.get(agent);
    if (s === undefined) return;
    s.syncing.delete(ri);
    s.maybeSendEndOfRib();
  }

  /** RIs came into existence: subscriptions waiting for them are live now, and so are deferred publishes. */
  instancesCreated(names: readonly string[]): void {
    const rib = this.host.rib;
    for (const s of this.sessions.values()) {
      for (const ri of names) {
        const sub = s.subscriptions.get(ri);
        if (sub === undefined) continue;
        if (!sub.noRibout && rib.peer(s.name)?.subscriptions.get(ri)?.active) s.syncing.add(ri);
        const waiting = s.deferred.get(ri);
        if (waiting === undefined) continue;
        s.deferred.delete(ri);
        for (const entry of waiting.values()) {
          const r = this.publish(s, ri, entry);
          if (r === 'bad') s.counters.bad_items++;
        }
      }
    }
    this.host.changed();
  }

  /** Every stream closed (shutdown, or the Rib is being rebuilt and agents must start over). */
  shutdown(condition: StreamErrorCondition = 'system-shutdown'): void {
    for (const s of [...this.open_])
      s.fail(condition, 'control node restarting its routing state', 'shutdown');
    for (const h of this.history.values()) {
      if (h.restartTimer) clearTimeout(h.restartTimer);
      if (h.eorTimer) clearTimeout(h.eorTimer);
    }
    this.history.clear();
  }

  async close(): Promise<void> {
    this.shutdown();
    const srv = this.server;
    this.server = undefined;
    if (srv !== undefined) await closeServer(srv);
  }

  // ===== AgentSessionHost ================================================================================

  holdTime(): number {
    return this.host.settings().xmppHoldTime;
  }

  headerTimeout(): number {
    return this.headerSeconds;
  }

  tlsOptions(): XmppTlsOptions | undefined {
    return this.tls;
  }

  open(session: AgentSession, header: StreamHeader): StreamErrorCondition | undefined {
    const name = header.from!;
    const vr = this.host.virtualRouterAddress(name);
    if (vr === undefined && this.host.requireVirtualRouter) return 'not-authorized';
    // Issue 7: the name alone proves nothing; the stream must come from the virtual-router's address.
    if (vr !== undefined && !session.certified && session.remote !== vr && this.mustVerify(session.remote)) {
      this.host.log('warn', 'XMPP agent refused: address is not its virtual-router', {
        agent: name,
        remote: session.remote,
        expected: vr,
      });
      return 'not-authorized';
    }
    const previous = this.sessions.get(name);
    if (previous !== undefined && previous !== session && !this.mayReplace(previous, session, vr)) {
      this.host.log('warn', 'XMPP agent refused: the name is already up from another address', {
        agent: name,
        remote: session.remote,
        current: previous.remote,
      });
      return 'conflict';
    }
    session.address = vr ?? session.remote;
    const rib = this.host.rib;
    const h = this.historyOf(name);
    // The map names the new stream first, so the old one's close is seen as a replacement.
    this.sessions.set(name, session);
    if (previous !== undefined && previous !== session) {
      // Spec D: the newer stream wins; its republish and end-of-RIB replace the old paths without a gap.
      previous.fail('conflict', 'another stream opened with the same name', 'replaced');
      rib.agentDown(name, { graceful: true });
      h.stale = true;
      h.flaps++;
    }
    if (h.restartTimer) clearTimeout(h.restartTimer);
    h.restartTimer = undefined;
    rib.agentUp(name, session.address);
    if (h.stale) {
      const timeout = this.host.settings().gr.endOfRibTimeout;
      if (h.eorTimer) clearTimeout(h.eorTimer);
      h.eorTimer = setTimeout(() => this.sweep(name), timeout * 1000).unref();
    }
    this.host.sessionEvent('xmpp', name, 'up', { address: session.address });
    this.host.log('info', 'XMPP agent up', { agent: name, address: session.address });
    this.host.changed();
    return undefined;
  }

  subscribe(session: AgentSession, ri: string, instanceId: number, noRibout: boolean): void {
    const rib = this.host.rib;
    rib.subscribe(session.name, ri, instanceId, { noRibout });
    if (!noRibout && rib.peer(session.name)?.subscriptions.get(ri)?.active) session.syncing.add(ri);
    this.host.changed();
  }

  unsubscribe(session: AgentSession, ri: string): void {
    this.host.rib.unsubscribe(session.name, ri);
    session.maybeSendEndOfRib();
    this.host.changed();
  }

  publish(session: AgentSession, ri: string, entry: RouteEntry): 'ok' | 'bad' | 'pending' {
    const r = this.host.rib.agentPublish(session.name, ri, entry);
    if (r.ok) {
      this.host.changed();
      return 'ok';
    }
    if (r.reason === 'not-subscribed') return 'pending';
    if (r.reason === 'invalid')
      this.host.log('info', 'bad item dropped', { agent: session.name, error: r.error });
    return 'bad';
  }

  retract(session: AgentSession, ri: string, u: Extract<AgentRouteUpdate, { op: 'delete' }>): void {
    this.host.rib.agentRetract(session.name, ri, u.nlri);
    this.host.changed();
  }

  backpressure(session: AgentSession, full: boolean): void {
    if (this.sessions.get(session.name) !== session) return;
    if (full) {
      this.host.rib.block(session.name);
      return;
    }
    this.host.rib.unblock(session.name);
    this.host.changed();
  }

  endOfRib(session: AgentSession): void {
    if (this.sessions.get(session.name) === session) this.sweep(session.name);
  }

  configSubscription(session: AgentSession, node: string, subscribe: boolean): void {
    const push = this.host.configPush;
    if (push === undefined || this.sessions.get(session.name) !== session) return;
    if (subscribe) push.subscribe(session, node);
    else push.unsubscribe(session, node);
  }

  closed(session: AgentSession, how: CloseKind): void {
    // Before the replaced-session check: a replaced stream's /config state goes too.
    this.host.configPush?.closed(session);
    const name = session.name;
    if (this.sessions.get(name) !== session) return;
    this.sessions.delete(name);
    const h = this.historyOf(name);
    h.flaps++;
    h.lastClose = session.closeReason;
    const rib = this.host.rib;
    const gr = this.host.settings().gr;
    if (h.eorTimer) clearTimeout(h.eorTimer);
    h.eorTimer = undefined;
    if (how === 'lost' && gr.enable && gr.xmppHelper) {
      // GR helper: paths stay (stale, still advertised) for restart_time, then go unless the agent is back.
      rib.agentDown(name, { graceful: true });
      h.stale = true;
      h.restartTimer = setTimeout(() => {
        h.restartTimer = undefined;
        if (this.sessions.has(name)) return;
        h.stale = false;
        this.host.rib.agentDown(name);
        this.host.changed();
      }, gr.restartTime * 1000).unref();
    } else {
      rib.agentDown(name);
      h.stale = false;
    }
    this.host.sessionEvent('xmpp', name, 'down', { reason: session.closeReason ?? how });
    this.host.log('info', 'XMPP agent down', { agent: name, reason: session.closeReason ?? how });
    this.host.changed();
  }

  log(level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>): void {
    this.host.log(level, msg, fields);
  }

  private mustVerify(remote: string): boolean {
    if (this.verify === 'never') return false;
    return this.verify === 'always' || !isLoopback(remote);
  }

  /**
   * A second stream for a name that is up evicts the first (spec D: an agent that restarted comes back
   * before its old TCP is seen to die) only when it is at least as much that agent: from the same host, or
   * from the virtual-router's address when the first is not (a loopback newcomer, trusted for itself, does
   * not evict a remote agent), or over TLS with a certificate naming the agent. Anything else is refused
   * with `conflict`, the first untouched.
   */
  private mayReplace(previous: AgentSession, next: AgentSession, vr: string | undefined): boolean {
    if (this.verify === 'never' || next.remote === previous.remote) return true;
    // With TLS the certificate names the agent: the same identity as the first stream's.
    if (next.certified) return true;
    return vr !== undefined && next.remote === vr;
  }

  private sweep(name: string): void {
    const h = this.historyOf(name);
    if (h.eorTimer) clearTimeout(h.eorTimer);
    h.eorTimer = undefined;
    if (!h.stale) return;
    h.stale = false;
    this.host.rib.sweepStale(name);
    this.host.changed();
  }

  private historyOf(name: string): AgentHistory {
    let h = this.history.get(name);
    if (h === undefined) this.history.set(name, (h = { flaps: 0, stale: false }));
    return h;
  }
}
