/**
 * The control node's routing core (routing.md Part B): tables, best path, VRF/VPN replication, route-target
 * constraint, reflection and the per-agent/per-peer updates, with no sockets or timers. `Rib` is the owner;
 * the rest is exported for the session, introspect and test code that reads it.
 */
export { Rib } from './rib';
export type { BgpPeerDef, OriginatedPath, PublishResult, RibOptions, SubscribeOptions } from './rib';
export type { AgentChange, PathEvent, PeerChange, RibChanges, SyncDone } from './changes';
export { AdvertiseReason, bgpVerdict, agentVerdict, outboundAttrs } from './advertise';
export {
  BEST_PATH_RULES,
  BestPathReason,
  ECMP_RULE_COUNT,
  comparePaths,
  decide,
  ecmpEqual,
} from './best-path';
export type { BestPathRule, CompareContext, Decision, PathComparator } from './best-path';
export { AttrPool, AttrSet } from './attrs';
export type { AttrInput } from './attrs';
export { Path, PathFlag, INFEASIBLE } from './path';
export { PEER_KINDS, Peer } from './peer';
export type { PeerKind, Subscription } from './peer';
export { Destination, Table } from './table';
export { RoutingInstance, canonicalRouteTarget } from './routing-instance';
export type { RoutingInstanceDef } from './routing-instance';
export { IndexAllocator, agentRd, originatedRd } from './rd';
export { LOCAL_PREF_TO_MED, medFromLocalPref, xmppPath, agentEntry } from './xmpp-attrs';
export { membershipKey, membershipNlri, peerWantsRoute } from './rtc';
export { MASTER_INSTANCE, vrfTableName } from './tables';
export type { TableKind, XmppFamily } from './tables';
export { explain } from './explain';
export type { Explanation, ExplainOptions } from './explain';
export { describePath, routesView, routingInstanceView, routeTargetsView } from './views';
export type { PathView, RoutesQuery, RoutesView, RoutingInstanceView, RouteTargetView } from './views';
export { StaticRoutes } from './static-routes';
export type { StaticRouteDef, StaticRouteView } from './static-routes';
export { ServiceChains } from './service-chain';
export type { ServiceChainDef, ServiceChainView } from './service-chain';
