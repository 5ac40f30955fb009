import type net from 'node:net';
import {
  FAMILIES,
  ceaseAdmin,
  ceaseCollision,
  ceaseConfigChange,
  ceaseMaxPrefixes,
  ceasePeerDeconfigured,
  collisionLoser,
  describeNotificationMessage,
  encodeMessage,
  endOfRib,
  endOfRibFamily,
  familyOf,
  mergeAs4Attributes,
  nlriKey,
  packUpdates,
  routesOf,
  toTwoOctetAttributes,
  type Clock,
  type Family,
  type FsmConfig,
  type FsmReason,
  type NegotiatedSession,
  type NotificationMessage,
  type RouteRefreshMessage,
  type Transition,
  type UpdateBatch,
  type UpdateDecodeResult,
} from '@skein/bgp';
import type { Rib } from '../rib';
import type { PeerConfig, PrefixLimit } from '../config/types';
import { BgpConnection } from './connection';
import { adjRibOut } from './refresh';

/** What a neighbour needs from the node around it. */
export interface NeighborHost {
  readonly rib: Rib;
  readonly routerId: string;
  /** Seconds (routing.md C: 30 by default, <= 2 in tests). */
  readonly connectRetryTime: number;
  readonly localAddress: string | undefined;
  /** Applies to every family a session's `family_attributes` give no `prefix_limit` for. */
  readonly defaultPrefixLimit: PrefixLimit | undefined;
  readonly clock: Clock;
  /** RIB input was applied: take and send the changes soon. */
  changed(): void;
  sessionEvent(type: 'bgp', peer: string, state: 'up' | 'down', detail: Record<string, unknown>): void;
  log(level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>): void;
}

export interface NeighborCounters {
  open: number;
  update: number;
  keepalive: number;
  notification: number;
  route_refresh: number;
  reach: number;
  unreach: number;
  end_of_rib: number;
  attr_errors: number;
  bad_items: number;
  /** Times the socket filled up and the Rib held this peer's output back. */
  blocked: number;
}

interface CountersBase {
  blocked: number;
  reach: number;
  unreach: number;
  endOfRib: number;
  /** Messages and attribute errors of connections already gone, so totals survive flaps. */
  closed: {
    open: number;
    update: number;
    keepalive: number;
    notification: number;
    refresh: number;
    attrErrors: number;
  };
}

const ESTABLISHED_STATES = new Set(['OpenConfirm', 'Established']);

/** Bytes queued on a peer's socket above which its output waits in the Rib (see `holdBackIfFull`). */
export const SEND_QUEUE_LIMIT = 1024 * 1024;

/** UPDATEs already built for a batch list, by whether the peer speaks 4-octet AS. */
export type EncodedBatches = Map<readonly UpdateBatch[], Map<boolean, Buffer[]>>;

/**
 * One configured BGP peer (routing.md C): up to two connections (ours and the peer's), RFC 4271 §6.8
 * collision handling between them, the Rib's view of the peer, and counters for introspect. Each
 * connection runs its own `BgpSession`; the neighbour only decides which of them lives.
 */
export class Neighbor {
  private out: BgpConnection | undefined;
  private in: BgpConnection | undefined;
  private live: BgpConnection | undefined;
  private restartTimer: unknown;
  private readonly counts: CountersBase = {
    blocked: 0,
    reach: 0,
    unreach: 0,
    endOfRib: 0,
    closed: { open: 0, update: 0, keepalive: 0, notification: 0, refresh: 0, attrErrors: 0 },
  };
  flaps = 0;
  establishedAt: number | undefined;
  closeReason: FsmReason | undefined;
  lastNotificationIn: NotificationMessage | undefined;
  lastNotificationOut: NotificationMessage | undefined;
  /** The last prefix-limit trip, until the next session is Established: why, and when a retry may come. */
  prefixLimitTrip: { reason: string; until: number | undefined } | undefined;
  negotiated: NegotiatedSession | undefined;
  private received = new Map<Family, Set<string>>();
  private stopped = false;
  private blocked = false;

  constructor(
    private readonly host: NeighborHost,
    public cfg: PeerConfig,
  ) {
    this.registerInRib();
  }

  get name(): string {
    return this.cfg.name;
  }

  get state(): string {
    return this.live?.state ?? this.in?.state ?? this.out?.state ?? 'Idle';
  }

  get established(): boolean {
    return this.live !== undefined;
  }

  counters(): NeighborCounters {
    const conns = [this.out, this.in].filter((c): c is BgpConnection => c !== undefined);
    const sum = (f: (c: BgpConnection) => number) => conns.reduce((n, c) => n + f(c), 0);
    const c = this.counts.closed;
    return {
      open: c.open + sum((x) => x.session.received.open),
      update: c.update + sum((x) => x.session.received.update),
      keepalive: c.keepalive + sum((x) => x.session.received.keepalive),
      notification: c.notification + sum((x) => x.session.received.notification),
      route_refresh: c.refresh + sum((x) => x.session.received['route-refresh']),
      reach: this.counts.reach,
      unreach: this.counts.unreach,
      end_of_rib: this.counts.endOfRib,
      attr_errors: c.attrErrors + sum((x) => x.session.attrErrors),
      bad_items: 0,
      blocked: this.counts.blocked,
    };
  }

  start(): void {
    this.stopped = false;
    if (this.cfg.adminDown) return;
    if (!this.cfg.passive && this.out === undefined) {
      this.out = this.connection('local');
      this.out.guard(() => this.out!.session.start());
    }
  }

  /** Stops every connection with `notification` (sent only where a session got that far). */
  stop(notification: NotificationMessage): void {
    this.stopped = true;
    this.clearRestart();
    for (const c of [this.out, this.in]) c?.guard(() => c.session.stop(notification));
    this.retire(this.out);
    this.retire(this.in);
    this.out = undefined;
    this.in = undefined;
    if (this.live !== undefined) this.sessionDown('admin-stop');
  }

  /** Removed from config: Cease 6/3 and gone from the Rib. */
  remove(): void {
    this.stop(ceasePeerDeconfigured());
    this.host.rib.removeBgpPeer(this.name);
    this.host.changed();
  }

  /**
   * New configuration. Anything the OPEN or the peer's identity depends on resets this session only
   * (Cease 6/6, routing.md check 37); admin_down stops it with 6/2; the rest applies in place.
   */
  reconfigure(next: PeerConfig): void {
    const prev = this.cfg;
    this.cfg = next;
    // A prefix limit change resets the session too, as TF's family attributes do (and ends a hold-down).
    const sessionKey = (c: PeerConfig) =>
      JSON.stringify([
        c.address,
        c.port,
        c.peerAs,
        c.localAs,
        c.families,
        c.holdTime,
        c.passive,
        c.routerId,
        c.prefixLimits,
      ]);
    if (next.adminDown && !prev.adminDown) {
      this.prefixLimitTrip = undefined;
      this.stop(ceaseAdmin(2));
      this.registerInRib();
      return;
    }
    if (sessionKey(prev) !== sessionKey(next)) {
      this.prefixLimitTrip = undefined;
      this.stop(ceaseConfigChange());
      this.registerInRib();
      this.scheduleStart();
      return;
    }
    this.registerInRib();
    if (!next.adminDown && prev.adminDown) this.start();
  }

  /** A connection from the peer's address arrived. */
  accept(socket: net.Socket): void {
    if (this.cfg.adminDown || this.stopped) {
      if (this.prefixLimitTrip?.until !== undefined)
        this.host.log('info', 'BGP connection refused: prefix limit idle timeout running', {
          peer: this.name,
        });
      socket.destroy();
      return;
    }
    // A newer inbound connection replaces one that never got established.
    if (this.in !== undefined && this.in !== this.live) {
      this.in.guard(() => this.in!.session.stop(ceaseCollision()));
      this.retire(this.in);
    }
    this.in = this.connection('remote');
    this.in.adopt(socket);
  }

  /**
   * Updates computed by the Rib; 2-octet-AS peers get AS_TRANS paths with AS4_PATH (RFC 6793). Members of
   * one update group are handed the same batch list: `encoded` keeps its UPDATEs so they are built once.
   */
  sendBatches(batches: readonly UpdateBatch[], encoded?: EncodedBatches): void {
    const c = this.live;
    const neg = this.negotiated;
    if (c === undefined || neg === undefined) return;
    let byAs4 = encoded?.get(batches);
    let bufs = byAs4?.get(neg.as4);
    if (bufs === undefined) {
      bufs = this.encode(batches, neg.as4);
      if (encoded !== undefined) {
        if (byAs4 === undefined) encoded.set(batches, (byAs4 = new Map()));
        byAs4.set(neg.as4, bufs);
      }
    }
    const messages = bufs;
    c.guard(() => c.session.sendUpdates(messages));
    this.holdBackIfFull(c);
  }

  /**
   * A peer that reads slower than we write: once SEND_QUEUE_LIMIT bytes wait on its socket, its output stays
   * in the Rib (one pending entry per changed route) until the socket drains.
   */
  private holdBackIfFull(c: BgpConnection): void {
    if (this.blocked || c.queuedBytes < SEND_QUEUE_LIMIT) return;
    this.blocked = true;
    this.counts.blocked++;
    this.host.rib.block(this.name);
    c.onceDrained(() => {
      if (!this.blocked || this.live !== c) return;
      this.blocked = false;
      this.host.rib.unblock(this.name);
      this.host.changed();
    });
  }

  private encode(batches: readonly UpdateBatch[], as4: boolean): Buffer[] {
    const bufs: Buffer[] = [];
    for (const b of batches) {
      const batch =
        as4 || b.attributes === undefined ? b : { ...b, attributes: toTwoOctetAttributes(b.attributes) };
      try {
        bufs.push(...packUpdates(batch as UpdateBatch, { as4 }));
      } catch (err) {
        this.host.log('warn', 'UPDATE not encodable, skipped', { peer: this.name, err: String(err) });
      }
    }
    return bufs;
  }

  /** The initial download is complete: End-of-RIB for every negotiated family (RFC 4724 §2). */
  sendEndOfRib(): void {
    const c = this.live;
    const neg = this.negotiated;
    if (c === undefined || neg === undefined) return;
    const bufs = neg.families.map((f) => encodeMessage(endOfRib(f), { as4: neg.as4 }));
    c.guard(() => c.session.sendUpdates(bufs));
  }

  private registerInRib(): void {
    this.host.rib.addBgpPeer({
      name: this.cfg.name,
      address: this.cfg.address,
      routerId: this.cfg.routerId,
      asn: this.cfg.peerAs,
      localAs: this.cfg.localAs,
      routerType: this.cfg.routerType,
      loopCount: this.cfg.loopCount,
    });
  }

  private fsmConfig(passive: boolean): FsmConfig {
    return {
      localAs: this.cfg.localAs,
      routerId: this.host.routerId,
      peerAs: this.cfg.peerAs,
      holdTime: this.cfg.holdTime,
      families: this.cfg.families,
      passive,
      connectRetryTime: this.host.connectRetryTime,
    };
  }

  private connection(initiatedBy: 'local' | 'remote'): BgpConnection {
    const conn: BgpConnection = new BgpConnection(
      initiatedBy,
      this.fsmConfig(initiatedBy === 'remote'),
      { host: this.cfg.address, port: this.cfg.port, localAddress: this.host.localAddress },
      {
        stateChange: (t) => this.onStateChange(conn, t),
        established: (s) => this.onEstablished(conn, s),
        down: (reason, n) => this.onDown(conn, reason, n),
        update: (r) => this.onUpdate(conn, r),
        routeRefresh: (m) => this.onRouteRefresh(conn, m),
      },
      this.host.clock,
      (err) => this.onFault(conn, err),
    );
    return conn;
  }

  /** A throw while handling `conn` (its socket is already closed): forget it, as if the peer had hung up. */
  private onFault(conn: BgpConnection, err: unknown): void {
    this.host.log('warn', 'BGP session fault: connection closed', {
      peer: this.name,
      err: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
    if (conn === this.in) {
      this.retire(conn);
      this.in = undefined;
    }
    if (conn === this.out) {
      this.retire(conn);
      this.out = undefined;
    }
    if (conn === this.live) this.sessionDown('connection-closed');
    if (!this.stopped) this.scheduleStart();
  }

  private onStateChange(conn: BgpConnection, t: Transition): void {
    if (t.notification?.direction === 'sent') this.lastNotificationOut = t.notification.message;
    if (t.notification?.direction === 'received') this.lastNotificationIn = t.notification.message;
    if (t.to === 'Idle' && t.reason) this.closeReason = t.reason;
    if (t.to === 'Idle' && conn.initiatedBy === 'remote' && conn === this.in) {
      // An accepted connection is not retried by us; the peer reconnects. Silence its restart timer.
      queueMicrotask(() => {
        if (this.in === conn) {
          conn.guard(() => conn.session.stop());
          this.retire(conn);
          this.in = undefined;
          this.wakeOutbound();
        }
      });
      return;
    }
    if (ESTABLISHED_STATES.has(t.to)) this.resolveCollision(conn);
  }

  /** RFC 4271 §6.8 once both connections know the peer's identifier; an Established one always wins. */
  private resolveCollision(conn: BgpConnection): void {
    const other = conn === this.out ? this.in : this.out;
    if (other === undefined) return;
    if (!ESTABLISHED_STATES.has(other.state)) {
      // The other one cannot win any more once this one is Established: stop its attempts.
      if (conn.state === 'Established') this.quiet(other);
      return;
    }
    const remoteId =
      (conn.session.fsm.negotiated ?? other.session.fsm.negotiated)?.peerId ?? this.cfg.routerId;
    const loser = collisionLoser(
      conn,
      other,
      { id: this.host.routerId, as: this.cfg.localAs },
      { id: remoteId, as: this.cfg.peerAs },
    );
    if (loser === undefined) return;
    loser.guard(() => loser.session.dumpForCollision());
    if (loser === this.in) {
      this.retire(loser);
      this.in = undefined;
    } else {
      // Our own connection lost: keep it idle while the peer's lives (restarted when that one goes).
      loser.guard(() => loser.session.stop(ceaseCollision()));
    }
  }

  private quiet(conn: BgpConnection): void {
    if (conn === this.in) {
      conn.guard(() => conn.session.stop(ceaseCollision()));
      this.retire(conn);
      this.in = undefined;
    } else {
      conn.guard(() => conn.session.stop(ceaseCollision()));
    }
  }

  private onEstablished(conn: BgpConnection, s: NegotiatedSession): void {
    this.clearRestart();
    this.live = conn;
    this.negotiated = s;
    this.establishedAt = this.host.clock.now();
    this.prefixLimitTrip = undefined;
    this.received.clear();
    this.host.rib.bgpPeerUp(this.name, s.families);
    this.host.sessionEvent('bgp', this.name, 'up', { families: s.families, as4: s.as4, peer_as: s.peerAs });
    this.host.log('info', 'BGP session established', { peer: this.name, families: s.families });
    this.host.changed();
  }

  private onDown(conn: BgpConnection, reason: FsmReason, n?: NotificationMessage): void {
    if (conn !== this.live) return;
    this.sessionDown(reason, n);
    if (conn === this.in) this.wakeOutbound();
  }

  private sessionDown(reason: FsmReason, n?: NotificationMessage): void {
    this.live = undefined;
    this.received.clear();
    this.blocked = false;
    this.negotiated = undefined;
    this.establishedAt = undefined;
    this.flaps++;
    this.closeReason = reason;
    this.host.rib.bgpPeerDown(this.name);
    this.host.sessionEvent('bgp', this.name, 'down', {
      reason,
      ...(n ? { notification: describeNotificationMessage(n) } : {}),
    });
    this.host.log('info', 'BGP session down', { peer: this.name, reason });
    this.host.changed();
  }

  /** Our connection sits idle after losing to (or yielding to) the peer's: start it again, jittered. */
  private wakeOutbound(): void {
    if (this.stopped || this.cfg.passive || this.cfg.adminDown) return;
    if (this.out !== undefined && this.out.state !== 'Idle') return;
    this.scheduleStart();
  }

  /**
   * Sessions may start again after the connect retry time (jittered; a passive neighbour at once), or after
   * exactly `afterSeconds` (a prefix limit's idle timeout), before which a passive one refuses connections too.
   */
  private scheduleStart(afterSeconds?: number): void {
    if (this.cfg.adminDown || (this.cfg.passive && afterSeconds === undefined)) {
      this.stopped = false;
      return;
    }
    this.clearRestart();
    const ms =
      afterSeconds !== undefined
        ? afterSeconds * 1000
        : this.host.connectRetryTime * 1000 * (0.75 + 0.25 * Math.random());
    this.restartTimer = this.host.clock.setTimer(ms, () => {
      this.restartTimer = undefined;
      this.stopped = false;
      if (this.cfg.passive) return;
      if (this.out === undefined) this.start();
      else if (this.out.state === 'Idle') this.out.guard(() => this.out!.session.start());
    });
  }

  private clearRestart(): void {
    if (this.restartTimer !== undefined) this.host.clock.clearTimer(this.restartTimer);
    this.restartTimer = undefined;
  }

  private retire(conn: BgpConnection | undefined): void {
    if (conn === undefined) return;
    const s = conn.session;
    const c = this.counts.closed;
    c.open += s.received.open;
    c.update += s.received.update;
    c.keepalive += s.received.keepalive;
    c.notification += s.received.notification;
    c.refresh += s.received['route-refresh'];
    c.attrErrors += s.attrErrors;
    // Zero them so counters() does not count this connection twice while it is still referenced.
    for (const k of Object.keys(s.received) as (keyof typeof s.received)[]) s.received[k] = 0;
    s.attrErrors = 0;
  }

  private onUpdate(conn: BgpConnection, r: UpdateDecodeResult): void {
    if (conn !== this.live) return;
    const rib = this.host.rib;
    const eor = endOfRibFamily(r.message);
    if (eor !== undefined) {
      this.counts.endOfRib++;
      return;
    }
    const attributes = this.negotiated?.as4 ? r.message.attributes : mergeAs4Attributes(r.message.attributes);
    const { announce, withdraw } = routesOf({ ...r.message, attributes }, r.treatAsWithdraw);
    for (const w of withdraw) {
      this.counts.unreach += w.nlri.length;
      rib.bgpWithdraw(this.name, w.family, w.nlri);
      this.track(w.family, w.nlri, false);
    }
    for (const a of announce) {
      this.counts.reach += a.nlri.length;
      rib.bgpAnnounce(this.name, a.family, a.nlri, attributes, a.nextHop);
      if (this.track(a.family, a.nlri, true)) return;
    }
    this.host.changed();
  }

  /**
   * Prefix limit (session `family_attributes[].prefix_limit`, else the node's default): the distinct prefixes
   * the peer has announced in `family` and not withdrawn. True when this tripped it and the session is gone.
   */
  private track(family: Family, nlri: readonly unknown[], add: boolean): boolean {
    const limit = this.cfg.prefixLimits[family] ?? this.host.defaultPrefixLimit;
    if (limit === undefined) return false;
    let set = this.received.get(family);
    if (set === undefined) this.received.set(family, (set = new Set()));
    for (const n of nlri) {
      const k = nlriKey(family, n as never);
      if (add) set.add(k);
      else set.delete(k);
    }
    if (set.size <= limit.maximum) return false;
    this.tripPrefixLimit(family, limit);
    return true;
  }

  /**
   * As TF's BgpPeer::CheckPrefixLimits: Cease 6/1 (RFC 4486 data: AFI, SAFI, the limit), every path of the
   * peer withdrawn, and no session for `idle_timeout` seconds, ours or the peer's. 0 adds no wait to the
   * usual retry (TF's idle timer then expires at once).
   */
  private tripPrefixLimit(family: Family, limit: PrefixLimit): void {
    const { afi, safi } = FAMILIES[family];
    const idle = limit.idleTimeout;
    this.host.log('warn', 'prefix limit exceeded: session closed', {
      peer: this.name,
      family,
      maximum: limit.maximum,
      idle_timeout: idle,
    });
    this.stop(ceaseMaxPrefixes(afi, safi, limit.maximum));
    this.prefixLimitTrip = {
      reason: `prefix limit exceeded: more than ${limit.maximum} ${family} prefixes (Cease 6/1)`,
      until: idle > 0 ? this.host.clock.now() + idle * 1000 : undefined,
    };
    this.scheduleStart(idle > 0 ? idle : undefined);
    this.host.changed();
  }

  /** RFC 2918: send the Adj-RIB-Out of that family again. */
  private onRouteRefresh(conn: BgpConnection, m: RouteRefreshMessage): void {
    if (conn !== this.live) return;
    const family = familyOf(m.afi, m.safi);
    if (family === undefined) return;
    const peer = this.host.rib.peer(this.name);
    if (peer === undefined) return;
    this.sendBatches(adjRibOut(this.host.rib, peer, family));
  }
}
