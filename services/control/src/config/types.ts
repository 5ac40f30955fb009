import type { Family } from '@skein/bgp';
import type { RoutingInstanceDef } from '../rib';

/** The settings of `default-global-system-config` the control node uses, defaults applied. */
export interface GlobalSettings {
  asn: number;
  alwaysCompareMed: boolean;
  /** Seconds (`fast_convergence_parameters.xmpp_hold_time`, 1-90, default 90). */
  xmppHoldTime: number;
  gr: GracefulRestartSettings;
}

export interface GracefulRestartSettings {
  enable: boolean;
  /** Seconds stale paths are kept for a lost session. */
  restartTime: number;
  /** Seconds a returning session has to send its end-of-RIB before stale paths are swept. */
  endOfRibTimeout: number;
  xmppHelper: boolean;
  bgpHelper: boolean;
}

/** The own bgp-router (routing.md C "Config"), as far as this node needs it. */
export interface OwnRouter {
  uuid: string;
  name: string;
  routerId: string | undefined;
  address: string | undefined;
  localAs: number | undefined;
  holdTime: number | undefined;
  /** RFC 4456 cluster id as a dotted quad. */
  clusterId: string | undefined;
  adminDown: boolean;
}

export interface PrefixLimit {
  maximum: number;
  /** Seconds idle after the limit tripped; 0 = stay down until reconfigured. */
  idleTimeout: number;
}

/** One configured BGP session: a bgp_router_refs ref between the own router and a peer, resolved. */
export interface PeerConfig {
  /** The peer bgp-router's name (last fq_name element): the neighbour name in introspect and the Rib. */
  name: string;
  uuid: string;
  address: string;
  port: number;
  routerId: string;
  routerType: string;
  peerAs: number;
  localAs: number;
  families: Family[];
  holdTime: number;
  adminDown: boolean;
  passive: boolean;
  loopCount: number;
  prefixLimits: Partial<Record<Family, PrefixLimit>>;
}

export interface BgpConfig {
  own: OwnRouter | undefined;
  peers: Map<string, PeerConfig>;
}

/** What one batch of config events changed, in the order it must be applied. */
export interface ConfigDelta {
  global?: GlobalSettings;
  riUpserts: RoutingInstanceDef[];
  riDeletes: string[];
  bgp?: BgpConfig;
  virtualRoutersChanged: boolean;
}
