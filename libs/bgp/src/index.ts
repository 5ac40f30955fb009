// @skein/bgp: BGP-4 wire codec and session state machine, free of I/O (sockets live in services/control).
export * from './constants';
export * from './errors';
export * from './families';

export { ByteWriter } from './codec/writer';
export { canonicalIpv6, formatIpv4, formatIpv6, formatMac, isIpv4, isIpv6 } from './codec/ip';
export { canonicalPrefix } from './codec/prefix';
export { canonicalRd } from './codec/rd';
export type { RouteDistinguisher } from './codec/rd';
export {
  LOAD_BALANCE_FIELDS,
  TUNNEL_TYPES,
  decodeExtCommunity,
  encodeExtCommunity,
  formatExtCommunity,
  parseExtCommunity,
  parseRouteTarget,
  tunnelTypeName,
} from './codec/ext-community';
export type { ExtCommunity, LoadBalanceField } from './codec/ext-community';
export { MessageFramer, checkFraming, decodeHeader } from './codec/header';
export type { Header } from './codec/header';
export { decodeCapabilities, findCapability, multiprotocolOf } from './codec/capabilities';
export type { Capability } from './codec/capabilities';
export { decodeOpen, encodeOpen } from './codec/open';
export type { OpenMessage } from './codec/open';
export {
  cease,
  ceaseAdmin,
  ceaseCollision,
  ceaseConfigChange,
  ceaseMaxPrefixes,
  ceasePeerDeconfigured,
  decodeNotification,
  describeNotificationMessage,
  encodeNotification,
  notificationFor,
} from './codec/notification';
export type { NotificationMessage } from './codec/notification';
export { encodeKeepalive, encodeRouteRefresh } from './codec/route-refresh';
export type { KeepaliveMessage, RouteRefreshMessage } from './codec/route-refresh';
export { ZERO_ESI, labelField, mplsLabel } from './codec/nlri/evpn';
export type { EvpnInclusiveMulticast, EvpnMacIp, EvpnOpaque, EvpnRoute } from './codec/nlri/evpn';
export type { RtMembership } from './codec/nlri/rtc';
export { WITHDRAW_LABEL } from './codec/nlri/vpn';
export type { VpnPrefix } from './codec/nlri/vpn';
export { nlriKey } from './codec/nlri';
export type { Nlri, NlriByFamily } from './codec/nlri';
export { asPathLength, countAs, firstAs, prependAs } from './codec/attributes/as-path';
export type { AsPathSegment, AsSegmentType } from './codec/attributes/as-path';
export { mergeAs4Attributes, toTwoOctetAttributes } from './codec/attributes/as4';
export { ATTRIBUTE_RULES } from './codec/attributes/decode';
export type { DecodeContext } from './codec/attributes/decode';
export type { EncodeContext } from './codec/attributes/encode';
export { PMSI_INGRESS_REPLICATION } from './codec/attributes/pmsi';
export type {
  Aggregator,
  MpReach,
  MpUnreach,
  PathAttributes,
  PmsiTunnel,
  RawAttribute,
} from './codec/attributes/types';
export {
  decodeUpdate,
  encodeUpdate,
  endOfRib,
  endOfRibFamily,
  nlriSize,
  packUpdates,
  routesOf,
} from './codec/update';
export type {
  Announcement,
  FamilyRoutes,
  UpdateBatch,
  UpdateDecodeResult,
  UpdateMessage,
} from './codec/update';
export { DEFAULT_DECODE_CONTEXT, decodeMessage, encodeMessage } from './codec/message';
export type { BgpMessage, DecodeResult } from './codec/message';

export { BgpFsm } from './fsm/fsm';
export type {
  FsmAction,
  FsmConfig,
  FsmEvent,
  FsmReason,
  SessionState,
  TimerName,
  Transition,
} from './fsm/types';
export { decodeContextFor, localOpen, negotiate, peerAsOf } from './fsm/negotiate';
export type { NegotiatedSession } from './fsm/negotiate';
export { collisionLoser, collisionSurvivor } from './fsm/collision';
export type { PeerConnection } from './fsm/collision';
export { ManualClock, systemClock } from './fsm/clock';
export type { Clock } from './fsm/clock';
export { BgpSession } from './fsm/session';
export type { SessionEvents, SessionIo } from './fsm/session';
export { checkFirstAs } from './validate';
export { unknownAttributesToPropagate } from './codec/attributes/reflect';
