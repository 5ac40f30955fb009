import { EventEmitter } from 'node:events';
import {
  encodeAgentEndOfRib,
  encodeCollection,
  encodePublish,
  encodeSubscribe,
  encodeUnsubscribe,
  formatPublishNode,
  itemIdOf,
  parseIPv4,
  parseItemId,
  type Nlri,
  type RouteEntry,
  type RouteEventMessage,
  type StreamErrorCondition,
  type Stanza,
  type StreamHeader,
} from '@skein/xmpp';
import { ConfigChannel, type ConfigView } from './config-channel';
import { Connection, type ConnectionState, type DownReason, type ReconnectOptions } from './connection';
import { newCounters, type AgentCounters } from './counters';
import {
  bumRoute,
  DEFAULT_ENCAPSULATIONS,
  interfaceRoutes,
  type InterfaceRoutes,
  type InterfaceSpec,
} from './interfaces';
import { DEFAULT_STAGES, runPipeline, type ForwardingStage, type Packet, type Verdict } from './pipeline';
import { canonicalRoutePrefix } from './prefix-table';
import type { ConnectRamp } from './ticker';
import { Ticker } from './ticker';
import {
  DEFAULT_ENCAPSULATION_PRIORITY,
  Vrf,
  type EvpnFibEntry,
  type FibChange,
  type FibEntry,
  type FibNextHop,
} from './vrf';
import { Waiters } from './waiters';

export interface ControlAddress {
  host: string;
  port: number;
}

export interface AgentOptions {
  /** The agent name, which names its virtual-router (`default-global-system-config:<name>`). */
  name: string;
  /** This vRouter's next-hop IPv4 address (vhost0); RDs of its routes are `<address>:<instance-id>`. */
  address: string;
  /** The control node's XMPP endpoint (TF's port is 5269). */
  control: ControlAddress | string;
  /** Default 90 s (routing.md D); tests use 3 s. Keepalives go out every hold/3. */
  holdTimeMs?: number;
  reconnect?: ReconnectOptions | false;
  /** Publish EVPN MAC/IP routes for interfaces with a MAC, and the BUM membership per RI. Default false. */
  evpn?: boolean;
  /**
   * `full` (default) keeps per-VRF forwarding tables; `count` only counts what arrives, for fleets that
   * receive more routes than one process can hold (`lookup` and the route waiters are then unavailable).
   */
  fib?: 'full' | 'count';
  /**
   * Keep learned routes when the session drops, flagged stale, until the next session's end-of-RIB
   * sweeps what it did not refresh (what TF's agent does for a restarting control node). Default true;
   * false flushes them at once.
   */
  keepStaleRoutes?: boolean;
  /** Which offered encapsulation this vRouter uses; TF's default is gre, udp, vxlan. */
  encapsulationPriority?: readonly string[];
  /** Stream errors after which the agent stays down. Default `conflict` (another agent took the name). */
  fatalStreamErrors?: readonly StreamErrorCondition[];
  /** Shared by a fleet; a lone agent makes its own. */
  ticker?: Ticker;
  ramp?: ConnectRamp;
  /** Subscribe to the own virtual-router on /config at every session (see config-channel.ts). */
  config?: boolean;
  /**
   * Source address of the XMPP connection. The control node accepts an agent only from its
   * virtual_router_ip_address; on one host, tests give each agent a 127.x address of its own.
   */
  localAddress?: string;
  /** STARTTLS with this client certificate (TF's `xmpp_auth_enable`); PEM contents. */
  tls?: { cert: string | Buffer; key: string | Buffer; ca: string | Buffer };
}

export interface SubscribeOptions {
  /** Publish-only: the control node sends nothing back for this RI. */
  noRibout?: boolean;
  /** Label (or VNI) of this agent's BUM membership route when EVPN is on; default 1000 + instance-id. */
  bumLabel?: number;
  /** `virtual-network` of the BUM route. */
  vn?: string;
}

interface Subscription extends SubscribeOptions {
  instanceId: number;
}

/** One change in a VRF, as the `route` event reports it; `entry` undefined = gone. */
export type RouteChange = { agent: string; ri: string } & FibChange;

export interface AgentEvents {
  state: [ConnectionState];
  established: [StreamHeader];
  down: [DownReason];
  route: [RouteChange];
  'end-of-rib': [];
}

/**
 * One simulated vRouter agent: its XMPP session to a control node (`Connection`), the interfaces it owns
 * and publishes, its subscriptions, and per-VRF forwarding tables built from what the control node sends.
 * Subscriptions and interfaces outlive a session: every new session re-subscribes and republishes them,
 * then sends the agent's end-of-RIB.
 */
export class Agent extends EventEmitter<AgentEvents> {
  readonly name: string;
  readonly address: string;
  readonly counters: AgentCounters = newCounters();
  /** The forwarding pipeline; NAT, security and flow stages go in here (see pipeline.ts). */
  readonly stages: ForwardingStage[] = [...DEFAULT_STAGES];

  private readonly conn: Connection;
  private readonly subs = new Map<string, Subscription>();
  private readonly interfaces = new Map<string, InterfaceRoutes>();
  private readonly vrfs = new Map<string, Vrf>();
  /** Keyed `<ri>\n<prefix or EVPN id>`, and `eor` for the end-of-RIB. */
  private readonly waiters = new Waiters<FibEntry | EvpnFibEntry | true>();
  private readonly evpn: boolean;
  private readonly keepFib: boolean;
  private readonly keepStale: boolean;
  private readonly priority: readonly string[];
  /** Session generation: learned routes carry the generation that wrote them. */
  private gen = 0;
  private endOfRibThisSession = false;
  private iqSeq = 0;
  private readonly config: ConfigChannel;

  constructor(o: AgentOptions) {
    super();
    if (!parseIPv4(o.address))
      throw new TypeError(`agent ${o.name}: next-hop address ${o.address} is not IPv4`);
    if (o.name === '' || /[\s/'"<>&]/.test(o.name))
      throw new TypeError(`agent name ${JSON.stringify(o.name)}`);
    this.name = o.name;
    this.address = o.address;
    this.evpn = o.evpn ?? false;
    this.keepFib = (o.fib ?? 'full') === 'full';
    this.keepStale = o.keepStaleRoutes ?? true;
    this.priority = o.encapsulationPriority ?? DEFAULT_ENCAPSULATION_PRIORITY;
    this.config = new ConfigChannel(o.name);
    if (o.config) this.config.subscribe(this.config.vrouterNode);
    const holdTimeMs = o.holdTimeMs ?? 90_000;
    const control = typeof o.control === 'string' ? parseControlAddress(o.control) : o.control;
    this.conn = new Connection(
      {
        name: o.name,
        host: control.host,
        port: control.port,
        holdTimeMs,
        reconnect: o.reconnect ?? {},
        fatalConditions: o.fatalStreamErrors ?? ['conflict'],
        ticker: o.ticker ?? new Ticker(Ticker.periodFor(holdTimeMs)),
        counters: this.counters,
        ...(o.ramp ? { ramp: o.ramp } : {}),
        ...(o.localAddress !== undefined ? { localAddress: o.localAddress } : {}),
        ...(o.tls !== undefined ? { tls: o.tls } : {}),
      },
      {
        onEstablished: (h) => this.onEstablished(h),
        onStanza: (s) => this.onStanza(s),
        onDown: (r) => this.onDown(r),
        onStateChange: (s) => this.emit('state', s),
      },
    );
  }

  get state(): ConnectionState {
    return this.conn.state;
  }

  /** Why the last session ended. */
  get lastDown(): DownReason | undefined {
    return this.conn.lastDown;
  }

  get peerHeader(): StreamHeader | undefined {
    return this.conn.peerHeader;
  }

  get subscriptions(): ReadonlyMap<string, Readonly<Subscription>> {
    return this.subs;
  }

  start(): this {
    this.conn.start();
    return this;
  }

  /** Closes the stream (`</stream:stream>`) and stays down; pending waiters fail. */
  async stop(): Promise<void> {
    await this.conn.stop();
    const e = new Error(`agent ${this.name} stopped`);
    this.waiters.rejectAll(e);
    this.config.failWaiters(e);
  }

  /** Stops reading from the control node, like an agent too busy to keep up; `resumeReading` catches up. */
  pauseReading(): void {
    this.conn.pauseReading();
  }

  resumeReading(): void {
    this.conn.resumeReading();
  }

  /** Drops TCP without a stream close, like a crash; comes back per the reconnect policy unless `stayDown`. */
  crash(stayDown = false): void {
    this.conn.abort(stayDown);
  }

  // -------------------------------------------------------------------------------------------------
  // What the agent announces

  /** Joins `ri`; sent now if the session is up, else at establishment. A repeat is ignored, as TF does. */
  subscribe(ri: string, instanceId: number, opts: SubscribeOptions = {}): void {
    if (!Number.isInteger(instanceId) || instanceId < 0 || instanceId > 0xffffffff) {
      throw new RangeError(`instance-id ${instanceId}`);
    }
    if (this.subs.has(ri)) return;
    const sub: Subscription = { ...opts, instanceId };
    this.subs.set(ri, sub);
    if (this.keepFib && !this.vrfs.has(ri)) this.vrfs.set(ri, new Vrf(ri, this.priority));
    if (this.state === 'established') this.conn.send(this.subscriptionIqs(ri, sub));
  }

  /** Leaves `ri`: the control node deletes this agent's paths there; learned routes are dropped here. */
  unsubscribe(ri: string): void {
    if (!this.subs.delete(ri)) return;
    if (this.state === 'established') {
      this.counters.unsubscribesSent++;
      this.conn.send(encodeUnsubscribe({ from: this.name, id: `unsubscribe${++this.iqSeq}`, node: ri }));
    }
    const vrf = this.vrfs.get(ri);
    if (vrf) this.applyChanges(ri, vrf.clearLearned());
  }

  /**
   * Places an interface on this vRouter and publishes its route(s). Subscribes to its RI first if needed
   * (with the lowest free instance-id), because the control node closes a session that publishes into an
   * RI it did not subscribe to (routing.md D). Adding a uuid again is a change: routes it keeps are
   * re-published (associate = add or change), routes it no longer has are withdrawn.
   */
  addInterface(spec: InterfaceSpec): void {
    const ifr = interfaceRoutes(spec, this.address, this.evpn);
    const old = this.interfaces.get(spec.uuid);
    if (old !== undefined) {
      const kept = new Set(ifr.routes.map((r) => `${ifr.spec.ri}\n${itemIdOf(r.nlri)}`));
      this.withdraw(old, (r) => !kept.has(`${old.spec.ri}\n${itemIdOf(r.nlri)}`));
      this.setLocal(old, false);
    }
    this.interfaces.set(spec.uuid, ifr);
    if (!this.subs.has(spec.ri)) {
      // The subscription carries the RI's interfaces, this one included.
      this.subscribe(spec.ri, this.freeInstanceId());
    } else if (this.state === 'established') {
      this.conn.send(this.publishIqs(ifr));
    }
    this.setLocal(ifr, true);
  }

  /** Retracts the interface's routes (item with only the NLRI + `dissociate`) and forgets it. */
  removeInterface(uuid: string): boolean {
    const ifr = this.interfaces.get(uuid);
    if (ifr === undefined) return false;
    this.interfaces.delete(uuid);
    this.withdraw(ifr, () => true);
    this.setLocal(ifr, false);
    return true;
  }

  private withdraw(ifr: InterfaceRoutes, which: (r: InterfaceRoutes['routes'][number]) => boolean): void {
    if (this.state !== 'established' || !this.subs.has(ifr.spec.ri)) return;
    const deletes = ifr.routes.filter(which).map((r) => this.routeIqs(ifr.spec.ri, r.nlri, undefined));
    if (deletes.length > 0) this.conn.send(deletes.join(''));
  }

  get interfaceCount(): number {
    return this.interfaces.size;
  }

  /** Subscribes a /config node (`virtual-machine:<uuid>`, or the own `virtual-router:…`); kept across sessions. */
  subscribeConfig(node: string): void {
    const iq = this.config.subscribe(node);
    if (iq !== undefined && this.state === 'established') this.conn.send(iq);
  }

  unsubscribeConfig(node: string): void {
    const iq = this.config.unsubscribe(node);
    if (iq !== undefined && this.state === 'established') this.conn.send(iq);
  }

  // -------------------------------------------------------------------------------------------------
  // What the agent knows

  /** What the current session has learned over /config. */
  get configView(): ConfigView {
    return this.config.view;
  }

  /** Config iqs received (subscribed or not), over all sessions. */
  get configIqsReceived(): number {
    return this.config.iqsReceived;
  }

  /** Longest-prefix match of `address` in `ri`'s inet or inet6 table. */
  lookup(ri: string, address: string): FibEntry | undefined {
    return this.vrfs.get(ri)?.lookup(address);
  }

  /** The exact entry for `prefix` (bare address = host route). */
  route(ri: string, prefix: string): FibEntry | undefined {
    const p = canonicalRoutePrefix(prefix);
    return p && this.vrfs.get(ri)?.get(p.version === 4 ? 'inet' : 'inet6', p.prefix);
  }

  /** Every inet/inet6 entry of `ri`. */
  routes(ri: string): FibEntry[] {
    const vrf = this.vrfs.get(ri);
    return vrf ? [...vrf.entries()] : [];
  }

  /** EVPN entry by item id (`<mac>,<ip>/<plen>`), or every entry for a MAC. */
  evpnRoute(ri: string, id: string): EvpnFibEntry | undefined {
    const key = evpnKey(id);
    return key === undefined ? undefined : this.vrfs.get(ri)?.getEvpn(key);
  }

  evpnRoutesForMac(ri: string, mac: string): EvpnFibEntry[] {
    return this.vrfs.get(ri)?.evpnByMac(mac.toLowerCase()) ?? [];
  }

  evpnRoutes(ri: string): EvpnFibEntry[] {
    const vrf = this.vrfs.get(ri);
    return vrf ? [...vrf.evpnEntries()] : [];
  }

  /** Entries held in all VRFs (inet + inet6 + evpn). */
  get routeCount(): number {
    let n = 0;
    for (const v of this.vrfs.values()) {
      const s = v.size;
      n += s.inet + s.inet6 + s.evpn;
    }
    return n;
  }

  /** Runs `packet` through the forwarding pipeline: which next hop (or local VMI) it would leave by. */
  forward(packet: Packet): Verdict {
    return runPipeline(this.stages, this, packet);
  }

  /** True once the current session received the control node's end-of-RIB. */
  get endOfRibReceived(): boolean {
    return this.endOfRibThisSession;
  }

  // -------------------------------------------------------------------------------------------------
  // Waiting, for tests

  /** Resolves with the entry for `prefix` once it exists and satisfies `predicate`. */
  waitForRoute(
    ri: string,
    prefix: string,
    predicate: (e: FibEntry) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<FibEntry> {
    const p = this.requireKey(prefix);
    if (p.family === 'evpn') throw new TypeError(`${prefix} is an EVPN id: use waitForEvpnRoute`);
    const current = () => this.vrfs.get(ri)?.get(p.family, p.key);
    return this.waitForEntry(ri, p.key, p.key, current, predicate, timeoutMs);
  }

  /** Resolves once `prefix` (inet/inet6 or an EVPN item id) has no entry in `ri`. */
  async waitForWithdraw(ri: string, prefix: string, timeoutMs = 5000): Promise<void> {
    const p = this.requireKey(prefix);
    const current = () =>
      p.family === 'evpn' ? this.vrfs.get(ri)?.getEvpn(p.key) : this.vrfs.get(ri)?.get(p.family, p.key);
    await this.waiters.wait(
      `${ri}\n${p.key}`,
      () => (current() === undefined ? true : undefined),
      timeoutMs,
      () => `agent ${this.name}: ${p.key} still in ${ri}`,
    );
  }

  waitForEvpnRoute(
    ri: string,
    id: string,
    predicate: (e: EvpnFibEntry) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<EvpnFibEntry> {
    const p = this.requireKey(id);
    const current = () => this.vrfs.get(ri)?.getEvpn(p.key);
    return this.waitForEntry(ri, p.key, `EVPN ${p.key}`, current, predicate, timeoutMs);
  }

  /** Resolves with `current()` once it exists and satisfies `predicate`, re-checked when `key` changes in `ri`. */
  private waitForEntry<E extends FibEntry | EvpnFibEntry>(
    ri: string,
    key: string,
    what: string,
    current: () => E | undefined,
    predicate: (e: E) => boolean,
    timeoutMs: number,
  ): Promise<E> {
    return this.waiters.wait(
      `${ri}\n${key}`,
      () => {
        const e = current();
        return e !== undefined && predicate(e) ? e : undefined;
      },
      timeoutMs,
      () => `agent ${this.name}: ${what} in ${ri} not as expected; have ${JSON.stringify(current() ?? null)}`,
    ) as Promise<E>;
  }

  /** Resolves with the /config view once `predicate` holds, re-checked on every config iq. */
  waitForConfig(predicate: (v: ConfigView) => boolean, timeoutMs = 5000): Promise<ConfigView> {
    return this.config.wait(predicate, timeoutMs);
  }

  /** Resolves when the current session has received the control node's end-of-RIB. */
  async waitForEndOfRib(timeoutMs = 5000): Promise<void> {
    await this.waiters.wait(
      'eor',
      () => (this.endOfRibThisSession ? true : undefined),
      timeoutMs,
      () => `agent ${this.name}: no end-of-RIB (state ${this.state})`,
    );
  }

  waitForState(state: ConnectionState, timeoutMs = 5000): Promise<void> {
    if (this.state === state) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onState = (s: ConnectionState) => {
        if (s !== state) return;
        clearTimeout(timer);
        this.off('state', onState);
        resolve();
      };
      const timer = setTimeout(() => {
        this.off('state', onState);
        reject(
          new Error(
            `agent ${this.name}: not ${state} after ${timeoutMs} ms (state ${this.state}, last down ${JSON.stringify(this.lastDown)})`,
          ),
        );
      }, timeoutMs);
      this.on('state', onState);
    });
  }

  waitForEstablished(timeoutMs = 5000): Promise<void> {
    return this.waitForState('established', timeoutMs);
  }

  // -------------------------------------------------------------------------------------------------
  // Session events

  private onEstablished(h: StreamHeader): void {
    this.gen++;
    this.endOfRibThisSession = false;
    this.conn.send(this.initialIqs());
    const config = this.config.established();
    if (config.length > 0) this.conn.send(config);
    this.emit('established', h);
  }

  /** Every subscription with its routes, then end-of-RIB; generated as the socket drains. */
  private *initialIqs(): Generator<string> {
    for (const [ri, sub] of [...this.subs]) {
      // Unsubscribed meanwhile: skip it rather than subscribe again.
      if (this.subs.get(ri) === sub) yield* this.subscriptionIqs(ri, sub);
    }
    this.counters.endOfRibSent++;
    yield encodeAgentEndOfRib({ from: this.name, idPrefix: `eor${++this.iqSeq}` });
  }

  private onDown(reason: DownReason): void {
    this.endOfRibThisSession = false;
    for (const [ri, vrf] of this.vrfs) {
      this.applyChanges(
        ri,
        this.keepStale && reason.kind !== 'stopped' ? vrf.markStale(this.gen + 1) : vrf.clearLearned(),
      );
    }
    this.emit('down', reason);
  }

  private onStanza(s: Stanza): void {
    switch (s.kind) {
      case 'route-event':
        this.onRouteEvent(s);
        return;
      case 'end-of-rib':
        this.counters.endOfRibReceived++;
        this.onEndOfRib();
        return;
      case 'config':
        this.config.receive(s);
        return;
      default:
        // iq results/errors (TF's control node sends none), UVE echoes: nothing to act on.
        this.counters.ignoredStanzas++;
    }
  }

  private onEndOfRib(): void {
    this.endOfRibThisSession = true;
    for (const [ri, vrf] of this.vrfs) {
      const swept = vrf.sweep(this.gen);
      this.counters.staleSwept += swept.length;
      this.applyChanges(ri, swept);
    }
    this.waiters.check('eor');
    this.emit('end-of-rib');
  }

  private onRouteEvent(m: RouteEventMessage): void {
    const vrf = this.vrfs.get(m.ri);
    if (!this.subs.has(m.ri)) {
      this.counters.badItems += m.items.length;
      return;
    }
    for (const item of m.items) {
      if (item.op === 'error') {
        this.counters.badItems++;
        continue;
      }
      if (item.op === 'add') this.counters.reachReceived++;
      else this.counters.unreachReceived++;
      if (vrf === undefined) continue;
      const entry: RouteEntry | undefined = item.op === 'add' ? item.entry : undefined;
      const nlri: Nlri = item.op === 'add' ? item.entry.nlri : item.nlri;
      const change =
        nlri.family === 'evpn'
          ? vrf.setEvpn(item.id, nlri, entry, this.gen)
          : vrf.setLearned(nlri.family, nlri.prefix, entry, this.gen);
      if (change) this.applyChanges(m.ri, [change]);
    }
  }

  // -------------------------------------------------------------------------------------------------

  private applyChanges(ri: string, changes: readonly FibChange[]): void {
    for (const c of changes) {
      this.waiters.check(`${ri}\n${c.key}`);
      if (this.listenerCount('route') > 0) this.emit('route', { agent: this.name, ri, ...c });
    }
  }

  private setLocal(ifr: InterfaceRoutes, present: boolean): void {
    const vrf = this.vrfs.get(ifr.spec.ri);
    if (vrf === undefined) return;
    const s = ifr.spec;
    const nh: FibNextHop = {
      address: this.address,
      label: s.label,
      encapsulation: undefined,
      encapsulations: [...(s.encapsulations ?? DEFAULT_ENCAPSULATIONS)],
      vn: s.vn,
      sgs: [...(s.securityGroups ?? [])],
      tags: [...(s.tags ?? [])],
      interface: s.uuid,
      ...(ifr.mac === undefined ? {} : { mac: ifr.mac }),
    };
    const c = vrf.setLocal(ifr.family, ifr.prefix, s.uuid, present ? nh : undefined, this.gen);
    if (c) this.applyChanges(s.ri, [c]);
  }

  /** subscribe, then the BUM membership (EVPN), then every interface in the RI; lazily (see Connection.send). */
  private *subscriptionIqs(ri: string, sub: Subscription): Generator<string> {
    this.counters.subscribesSent++;
    yield encodeSubscribe({
      from: this.name,
      id: `subscribe${++this.iqSeq}`,
      node: ri,
      instanceId: sub.instanceId,
      ...(sub.noRibout ? { noRibout: true } : {}),
    });
    if (this.evpn) {
      const bum = bumRoute(
        this.address,
        sub.bumLabel ?? 1000 + sub.instanceId,
        DEFAULT_ENCAPSULATIONS,
        sub.vn,
      );
      yield this.routeIqs(ri, bum.nlri, bum.entry);
    }
    for (const ifr of this.interfaces.values()) if (ifr.spec.ri === ri) yield this.publishIqs(ifr);
  }

  private publishIqs(ifr: InterfaceRoutes): string {
    return ifr.routes.map((r) => this.routeIqs(ifr.spec.ri, r.nlri, r.entry)).join('');
  }

  /** publish + collection, numbered like TF's agent (`pubsub<N>`, `collection<N>`). Undefined entry = delete. */
  private routeIqs(ri: string, nlri: Nlri, entry: RouteEntry | undefined): string {
    const n = ++this.iqSeq;
    const node = formatPublishNode(ri, nlri);
    if (entry === undefined) this.counters.unreachSent++;
    else this.counters.reachSent++;
    const item = entry ?? { nlri, nextHops: [], securityGroups: [], communityTags: [] };
    return (
      encodePublish({ from: this.name, id: `pubsub${n}`, node, entry: item }) +
      encodeCollection({
        from: this.name,
        id: `collection${n}`,
        ri,
        op: entry ? 'associate' : 'dissociate',
        itemNode: node,
      })
    );
  }

  private freeInstanceId(): number {
    const used = new Set([...this.subs.values()].map((s) => s.instanceId));
    let id = 1;
    while (used.has(id)) id++;
    return id;
  }

  private requireKey(
    prefix: string,
  ): { family: 'inet' | 'inet6'; key: string } | { family: 'evpn'; key: string } {
    if (!this.keepFib) throw new Error(`agent ${this.name} runs with fib: 'count' and keeps no routes`);
    if (prefix.includes(',')) {
      const key = evpnKey(prefix);
      if (key === undefined) throw new TypeError(`bad EVPN item id ${prefix}`);
      return { family: 'evpn', key };
    }
    const p = canonicalRoutePrefix(prefix);
    if (p === undefined) throw new TypeError(`bad prefix ${prefix}`);
    return { family: p.version === 4 ? 'inet' : 'inet6', key: p.prefix };
  }
}

/** Canonical EVPN item id, as the control node's ids are decoded. */
function evpnKey(id: string): string | undefined {
  const r = parseItemId('evpn', id);
  return r.ok ? itemIdOf(r.value) : undefined;
}

/** `host:port` or `[v6]:port`. */
export function parseControlAddress(s: string): ControlAddress {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):([0-9]{1,5})$/.exec(s);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535)
    throw new TypeError(`control address ${JSON.stringify(s)} is not host:port`);
  return { host: m[1] ?? m[2]!, port };
}
