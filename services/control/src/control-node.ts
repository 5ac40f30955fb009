import type { Kafka } from 'kafkajs';
import { ceaseConfigChange, systemClock, type Clock } from '@skein/bgp';
import type { ConfigEvent, EventLog, PositionStore } from '@skein/events';
import { BgpSpeaker } from './bgp/speaker';
import type { Authorize } from './introspect/auth';
import type { NeighborHost } from './bgp/neighbor';
import { ConfigView } from './config/view';
import { ConfigPush } from './config-push/push';
import type { ConfigDelta, GlobalSettings, PrefixLimit } from './config/types';
import { KafkaRouteEventSink, pathRecords, sessionRecord, type RouteEventSink } from './events/route-events';
import { RouteFeed } from './events/route-feed';
import { Rib, type RibChanges, type RoutingInstanceDef } from './rib';
import { XmppServer, type XmppServerHost, type XmppServerOptions } from './xmpp/server';

export interface Logger {
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
}

export interface Endpoint {
  host: string;
  port: number;
}

export interface ReadEndpoint {
  host?: string;
  port?: number;
  requireAuth?: boolean;
}

export interface ControlNodeOptions {
  /** `config.events`: the Postgres tail (all-in-one, tests) or Kafka (distributed). */
  events: EventLog;
  /** Progress is recorded there; the node always replays from seq 0 (its state is memory only). */
  positions?: PositionStore;
  /** CONTROL_NODE_NAME: the own bgp-router's name under the master RI. */
  name: string;
  bgp: Endpoint & {
    /** Seconds; routing.md C: 30 by default, <= 2 in tests. */
    connectRetryTime?: number;
    /** Source address of our connects; default `bgp.host` when it is a specific address. */
    localAddress?: string;
    /**
     * Prefix limit of every session family with no `prefix_limit` of its own; `maximum` 0 = none. Default
     * DEFAULT_BGP_PREFIX_LIMIT (docs/control-node.md says why).
     */
    defaultPrefixLimit?: { maximum?: number; idleTimeout?: number };
  };
  xmpp: Endpoint &
    XmppServerOptions & {
      /** Refuse agents whose name is no virtual-router (`not-authorized`); default true. */
      requireVirtualRouter?: boolean;
    };
  /**
   * Read-only ports. Host default 127.0.0.1 whatever BGP and XMPP bind to (issue 7: they list every tenant's
   * routes); `requireAuth` (default: off loopback) makes each request need `authorize`'s approval.
   */
  introspect: ReadEndpoint & { port: number };
  /** gRPC `skein.control.v1.Routes` (List, Watch); not served when absent. Port default 8084. */
  grpc?: ReadEndpoint;
  /** Approves introspect and gRPC Routes requests where auth is required (all-in-one: the API's admins). */
  authorize?: Authorize;
  /** With a client, route and session changes are published to `control.routes`. */
  kafka?: Kafka;
  /** Overrides the Kafka sink (tests collect records in memory). */
  routeEvents?: RouteEventSink;
  /** BGP identifier when the own bgp-router has none (or none yet). */
  routerId?: string;
  logger?: Logger;
  clock?: Clock;
}

/**
 * Per peer and family, unless configured: far above what a gateway's VPN tables hold, below what sinks the
 * node (issue 7: 3 M routes took it from 0.5 to 1.8 GB). Five minutes down before the peer may retry.
 */
export const DEFAULT_BGP_PREFIX_LIMIT: PrefixLimit = { maximum: 1_000_000, idleTimeout: 300 };

const silent: Logger = { info: () => undefined, warn: () => undefined };

const isSpecific = (host: string) =>
  host !== '' && host !== '0.0.0.0' && host !== '::' && !host.includes(':');

/**
 * The control node's one owner of state (style.md: one queue owns all RIB changes). Config deltas, XMPP and
 * BGP input all call the Rib synchronously on the event loop and then `changed()`; one flush per loop turn
 * takes the Rib's coalesced output and hands it to the sessions, so bursts go out as few messages.
 */
export class ControlNode implements NeighborHost, XmppServerHost {
  readonly view: ConfigView;
  readonly bgp: BgpSpeaker;
  readonly xmpp: XmppServer;
  /** The /config channel: a full config cache and each subscribed agent's subgraph. */
  readonly configPush: ConfigPush;
  readonly clock: Clock;
  readonly startedAt = Date.now();
  readonly requireVirtualRouter: boolean;
  readonly connectRetryTime: number;
  readonly localAddress: string | undefined;
  readonly defaultPrefixLimit: PrefixLimit | undefined;
  private ribInstance: Rib;
  /** Route and session changes: `control.routes` and gRPC watchers. */
  readonly routeFeed: RouteFeed;
  private flushScheduled = false;
  private readonly logger: Logger;

  constructor(private readonly opts: ControlNodeOptions) {
    this.logger = opts.logger ?? silent;
    this.clock = opts.clock ?? systemClock;
    this.view = new ConfigView(opts.name, (msg) => this.logger.warn({}, msg));
    this.configPush = new ConfigPush({ log: (level, msg, fields) => this.log(level, msg, fields) });
    this.requireVirtualRouter = opts.xmpp.requireVirtualRouter ?? true;
    this.connectRetryTime = opts.bgp.connectRetryTime ?? 30;
    this.localAddress = opts.bgp.localAddress ?? (isSpecific(opts.bgp.host) ? opts.bgp.host : undefined);
    const limit = { ...DEFAULT_BGP_PREFIX_LIMIT };
    const given = opts.bgp.defaultPrefixLimit;
    if (given?.maximum !== undefined) limit.maximum = given.maximum;
    if (given?.idleTimeout !== undefined) limit.idleTimeout = given.idleTimeout;
    this.defaultPrefixLimit = limit.maximum > 0 ? limit : undefined;
    const sink: RouteEventSink | undefined =
      opts.routeEvents ??
      (opts.kafka
        ? new KafkaRouteEventSink(opts.kafka, (err) =>
            this.logger.warn({ err: err.message }, 'control.routes publish failed'),
          )
        : undefined);
    this.routeFeed = new RouteFeed(sink, (err) =>
      this.logger.warn({ err: String(err) }, 'route watcher failed'),
    );
    this.ribInstance = this.newRib();
    this.bgp = new BgpSpeaker(this);
    this.xmpp = new XmppServer(this, opts.xmpp);
  }

  get rib(): Rib {
    return this.ribInstance;
  }

  get routerId(): string {
    return this.ribInstance.routerId;
  }

  settings(): GlobalSettings {
    return this.view.global;
  }

  virtualRouterAddress(name: string): string | undefined {
    return this.view.virtualRouter(name);
  }

  // ===== Config ==========================================================================================

  applyConfig(batch: readonly ConfigEvent[]): void {
    const delta = this.view.apply(batch);
    this.applyDelta(delta);
    try {
      this.configPush.apply(batch);
    } catch (err) {
      // Routing does not depend on /config (spec D): a push fault is logged, never propagated.
      this.logger.warn({ err: String(err) }, 'config push failed');
    }
  }

  private applyDelta(d: ConfigDelta): void {
    if (this.ribParamsChanged()) {
      this.rebuild();
      return;
    }
    const rib = this.rib;
    for (const name of d.riDeletes) rib.deleteRoutingInstance(name);
    const created: string[] = [];
    for (const def of d.riUpserts) {
      const isNew = rib.instance(def.name) === undefined;
      if (this.upsertInstance(def) && isNew) created.push(def.name);
    }
    if (created.length > 0) this.xmpp.instancesCreated(created);
    if (d.bgp !== undefined) this.bgp.configure(d.bgp);
    this.changed();
  }

  /** False when the Rib refused `def` (logged; the rest of the batch goes on). */
  private upsertInstance(def: RoutingInstanceDef): boolean {
    try {
      this.ribInstance.upsertRoutingInstance(def);
      return true;
    } catch (err) {
      this.logger.warn({ ri: def.name, err: String(err) }, 'routing instance not applied');
      return false;
    }
  }

  private ribParams() {
    const own = this.view.bgp.own;
    return {
      routerId:
        own?.routerId ??
        this.opts.routerId ??
        (isSpecific(this.opts.bgp.host) ? this.opts.bgp.host : '127.0.0.1'),
      asn: this.view.global.asn,
      clusterId: own?.clusterId,
      alwaysCompareMed: this.view.global.alwaysCompareMed,
    };
  }

  private ribParamsChanged(): boolean {
    const p = this.ribParams();
    const r = this.ribInstance;
    return (
      p.routerId !== r.routerId ||
      p.asn !== r.asn ||
      p.clusterId !== r.speaker.clusterId ||
      p.alwaysCompareMed !== r.compare.alwaysCompareMed
    );
  }

  private newRib(): Rib {
    const p = this.ribParams();
    return new Rib({
      routerId: p.routerId,
      asn: p.asn,
      alwaysCompareMed: p.alwaysCompareMed,
      ...(p.clusterId !== undefined ? { clusterId: p.clusterId } : {}),
      // Watchers may come at any time; the Rib records path events from its start or never.
      pathEvents: this.routeFeed.active || this.opts.grpc !== undefined,
    });
  }

  /**
   * The Rib's identity (router id, ASN, cluster id) is fixed at construction, so a change starts routing
   * over: every session is reset (BGP Cease 6/6, XMPP stream error `reset`) and the Rib rebuilt from config.
   */
  private rebuild(): void {
    this.logger.info(this.ribParams(), 'routing identity changed: rebuilding the RIB');
    this.bgp.reset(ceaseConfigChange());
    this.xmpp.shutdown('reset');
    this.ribInstance = this.newRib();
    for (const def of this.view.routingInstances()) this.upsertInstance(def);
    this.bgp.configure(this.view.bgp);
    this.changed();
  }

  // ===== Output ==========================================================================================

  changed(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    let c: RibChanges;
    try {
      // Downloads are walked in slices so one huge table cannot hold the event loop.
      c = this.rib.takeChanges({ maxSyncRoutes: 20_000 });
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'RIB output failed');
      return;
    }
    this.xmpp.send(c.agents);
    this.bgp.send(c.peers);
    for (const s of c.synced) {
      if (s.kind === 'agent') this.xmpp.synced(s.name, s.ri);
      else this.bgp.endOfRib(s.name);
    }
    if (this.routeFeed.active && c.paths.length > 0)
      this.routeFeed.publish(pathRecords(c.paths, new Date().toISOString()));
    if (c.more) this.changed();
  }

  sessionEvent(
    type: 'bgp' | 'xmpp',
    name: string,
    state: 'up' | 'down',
    detail: Record<string, unknown>,
  ): void {
    if (this.routeFeed.active)
      this.routeFeed.publish([sessionRecord(name, type, state, detail, new Date().toISOString())]);
  }

  log(level: 'info' | 'warn', msg: string, fields: Record<string, unknown> = {}): void {
    this.logger[level](fields, msg);
  }

  async close(): Promise<void> {
    await this.xmpp.close();
    await this.bgp.close();
    await this.routeFeed.close();
  }
}
