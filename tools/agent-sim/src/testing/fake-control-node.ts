import * as net from 'node:net';
import {
  decodeStanza,
  encodeControlNodeStreamHeader,
  encodeEndOfRibMessage,
  encodeRouteMessages,
  encodeStreamError,
  itemIdOf,
  KEEPALIVE,
  PublishAssembler,
  STREAM_CLOSE,
  StreamParser,
  type AgentRouteUpdate,
  type Family,
  type Nlri,
  type RouteEntry,
  type RouteUpdate,
  type Stanza,
  type StreamErrorCondition,
  type StreamHeader,
  type SubscribeIq,
} from '@skein/xmpp';

/**
 * A stand-in for the control node's XMPP side, for agent-sim's own tests until services/control exists.
 * It is built only from `@skein/xmpp`, so what it records is what a real control node would decode.
 * With `reflect`, it also plays a toy route server: each agent's paths go to every other agent
 * subscribed to the same RI, one item per prefix with all other agents' next hops (ECMP), and an
 * end-of-RIB follows the agent's own. No best path, no route targets: that is services/control's job.
 */

export interface FakeControlNodeOptions {
  /** Whitespace keepalive period per session; false = silent. Default 1000 ms. */
  keepaliveMs?: number | false;
  reflect?: boolean;
  /** Replaces the stream header answer (to test the agent's header check). */
  answerHeader?: (agent: string) => string;
}

export class FakeSession {
  header: StreamHeader | undefined;
  readonly stanzas: Stanza[] = [];
  /** Exact text of every stanza received. */
  readonly raw: string[] = [];
  /** Publish/collection pairs as the control node assembles them. */
  readonly updates: AgentRouteUpdate[] = [];
  readonly subscriptions = new Map<string, SubscribeIq>();
  /** Arrival times of keepalive whitespace. */
  readonly keepalives: number[] = [];
  streamError: StreamErrorCondition | undefined;
  closed = false;
  closedAt = 0;
  /** Stop sending keepalives (and anything else) on this session. */
  silent = false;
  readonly openedAt = Date.now();
  private readonly parser = StreamParser.forControlNode();
  private readonly assembler = new PublishAssembler();
  private keepaliveTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly socket: net.Socket,
    private readonly node: FakeControlNode,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => this.onClose());
  }

  get name(): string {
    return this.header?.from ?? '';
  }

  send(data: string): void {
    if (!this.closed && !this.silent) this.socket.write(data);
  }

  sendRoutes(family: Family, ri: string, updates: RouteUpdate[]): void {
    for (const m of encodeRouteMessages({ agent: this.name, family, ri, updates })) this.send(m);
  }

  sendEndOfRib(): void {
    this.send(encodeEndOfRibMessage(this.name));
  }

  /** TCP reset, no stream close: a control node that died. */
  drop(): void {
    this.socket.resetAndDestroy();
  }

  /** Stream error then close, as the control node ends a session it rejects. */
  fail(condition: StreamErrorCondition): void {
    this.send(encodeStreamError(condition) + STREAM_CLOSE);
    this.socket.end();
  }

  private onData(chunk: Buffer): void {
    for (const ev of this.parser.push(chunk)) {
      switch (ev.type) {
        case 'header': {
          this.header = ev.header;
          this.socket.write(
            this.node.options.answerHeader?.(this.name) ??
              encodeControlNodeStreamHeader(this.name, `fake-${this.openedAt}`),
          );
          this.node.onSessionUp(this);
          const ka = this.node.options.keepaliveMs ?? 1000;
          if (ka !== false) this.keepaliveTimer = setInterval(() => this.send(KEEPALIVE), ka);
          break;
        }
        case 'keepalive':
          this.keepalives.push(Date.now());
          break;
        case 'stanza': {
          this.raw.push(ev.raw);
          const s = decodeStanza(ev.element);
          this.stanzas.push(s);
          if (s.kind === 'subscribe') {
            this.subscriptions.set(s.node, s);
            this.node.onSubscribe(this, s);
          } else if (s.kind === 'unsubscribe') {
            this.subscriptions.delete(s.node);
            this.node.onAgentGone(this, s.node);
          } else if (s.kind === 'publish' || s.kind === 'collection') {
            for (const u of this.assembler.push(s)) {
              this.updates.push(u);
              this.node.onUpdate(this, u);
            }
          }
          break;
        }
        case 'close':
          this.socket.end(STREAM_CLOSE);
          break;
        case 'error':
          this.streamError = ev.error.condition;
          this.socket.end(encodeStreamError(ev.error.condition) + STREAM_CLOSE);
          break;
      }
    }
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.closedAt = Date.now();
    clearInterval(this.keepaliveTimer);
    this.node.onSessionDown(this);
  }
}

export class FakeControlNode {
  readonly sessions: FakeSession[] = [];
  private readonly server: net.Server;
  /** ri → item id → paths (reflect mode). */
  private readonly paths = new Map<string, Map<string, Paths>>();

  private constructor(readonly options: FakeControlNodeOptions) {
    this.server = net.createServer((sock) => {
      sock.setNoDelay(true);
      this.sessions.push(new FakeSession(sock, this));
    });
  }

  static async start(options: FakeControlNodeOptions = {}): Promise<FakeControlNode> {
    const n = new FakeControlNode(options);
    await new Promise<void>((resolve) => n.server.listen(0, '127.0.0.1', resolve));
    return n;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The newest open session of `agent`. */
  session(agent: string): FakeSession | undefined {
    for (let i = this.sessions.length - 1; i >= 0; i--) {
      const s = this.sessions[i]!;
      if (s.name === agent && !s.closed) return s;
    }
    return undefined;
  }

  /** Every session `agent` opened, oldest first. */
  sessionsOf(agent: string): FakeSession[] {
    return this.sessions.filter((s) => s.name === agent);
  }

  async waitForSession(agent: string, timeoutMs = 5000, after = 0): Promise<FakeSession> {
    let found: FakeSession | undefined;
    await waitUntil(
      () => (found = this.sessionsOf(agent).find((s, i) => i >= after && !s.closed)) !== undefined,
      timeoutMs,
      `session of ${agent}`,
    );
    return found!;
  }

  async stop(): Promise<void> {
    for (const s of this.sessions) if (!s.closed) s.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // -------------------------------------------------------------------------------------------------
  // Session callbacks

  onSessionUp(s: FakeSession): void {
    // routing.md D: a second stream with the same name replaces the first, which gets `conflict`.
    for (const old of this.sessions)
      if (old !== s && !old.closed && old.name === s.name) old.fail('conflict');
  }

  onSessionDown(s: FakeSession): void {
    if (this.session(s.name) !== undefined) return;
    for (const ri of s.subscriptions.keys()) this.onAgentGone(s, ri);
  }

  onSubscribe(s: FakeSession, sub: SubscribeIq): void {
    if (!this.options.reflect || sub.noRibout) return;
    for (const family of ['inet', 'inet6', 'evpn'] as const) {
      const updates: RouteUpdate[] = [];
      for (const p of this.paths.get(sub.node)?.values() ?? []) {
        const e = viewFor(p.byAgent, s.name);
        if (e !== undefined && p.nlri.family === family) updates.push({ op: 'add', entry: e });
      }
      if (updates.length > 0) s.sendRoutes(family, sub.node, updates);
    }
  }

  onUpdate(s: FakeSession, u: AgentRouteUpdate): void {
    if (!this.options.reflect) return;
    if (u.kind === 'end-of-rib') {
      s.sendEndOfRib();
      return;
    }
    if (u.kind !== 'route') return;
    const id = itemIdOf(u.nlri);
    let byId = this.paths.get(u.ri);
    if (byId === undefined) this.paths.set(u.ri, (byId = new Map()));
    let p = byId.get(id);
    if (p === undefined) byId.set(id, (p = { nlri: u.nlri, byAgent: new Map() }));
    if (u.op === 'add') p.byAgent.set(s.name, u.entry);
    else p.byAgent.delete(s.name);
    this.fanOut(u.ri, p, s.name);
  }

  /** Unsubscribe or session end: the agent's paths in `ri` go. */
  onAgentGone(s: FakeSession, ri: string): void {
    if (!this.options.reflect) return;
    for (const p of this.paths.get(ri)?.values() ?? []) {
      if (p.byAgent.delete(s.name)) this.fanOut(ri, p, s.name);
    }
  }

  private fanOut(ri: string, p: Paths, origin: string): void {
    for (const peer of this.sessions) {
      if (peer.closed || peer.name === origin) continue;
      const sub = peer.subscriptions.get(ri);
      if (sub === undefined || sub.noRibout) continue;
      const e = viewFor(p.byAgent, peer.name);
      peer.sendRoutes(p.nlri.family, ri, [
        e === undefined ? { op: 'retract', nlri: p.nlri } : { op: 'add', entry: e },
      ]);
    }
  }
}

interface Paths {
  nlri: Nlri;
  /** agent name → its entry */
  byAgent: Map<string, RouteEntry>;
}

/** The receiver's view of a prefix: every other agent's next hop, the first path's attributes. */
function viewFor(byAgent: Map<string, RouteEntry>, receiver: string): RouteEntry | undefined {
  const others = [...byAgent].filter(([a]) => a !== receiver).map(([, e]) => e);
  if (others.length === 0) return undefined;
  return { ...others[0]!, nextHops: others.flatMap((e) => e.nextHops) };
}

export async function waitUntil(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
