/** bgp-router parameters and bgp-router ↔ bgp-router peering attributes (TF bgp_schema.xsd). */
import type { ComplexType } from '../schema';
import { bool, complexType, d, fmt, int, list, str, struct } from './dsl';
import {
  AddressFamily,
  AuthenticationKeyId,
  AuthenticationKeyType,
  BgpAsPathLoopCount,
  BgpHoldTime,
  BgpPrefixLimitIdleTimeout,
  BgpPrivateAsAction,
  BgpRouterType,
  BgpTunnelEncapsulationType,
  RouteOriginAttributeType,
} from './simple';

export const BgpRouterParams = complexType('BgpRouterParams', {
  admin_down: d(bool, 'Administratively up or down.'),
  vendor: str(),
  cluster_id: int(),
  autonomous_system: d(int(), 'Autonomous System number for this BGP router'),
  identifier: d(fmt('ipv4'), 'Router ID for this BGP router. Dotted ip notation.'),
  address: d(fmt('ip'), 'Ip address used to reach this BGP router by the system.'),
  port: d(int(), 'TCP port for BGP (TF default 179)'),
  source_port: d(int(), 'For system internal use in BGPaaS service (system-only)'),
  hold_time: BgpHoldTime,
  address_families: struct('AddressFamilies'),
  auth_data: struct('AuthenticationData'),
  local_autonomous_system: int(),
  router_type: BgpRouterType,
  gateway_address: d(fmt('ipv4'), 'ipv4 gateway address, for router-type bgpaas-client'),
  ipv6_gateway_address: d(fmt('ipv6'), 'ipv6 (or ipv4-mapped ipv6) gateway address, for bgpaas-client'),
});

export const AddressFamilies = complexType('AddressFamilies', {
  family: list(AddressFamily),
});

export const AuthenticationData = complexType('AuthenticationData', {
  key_type: AuthenticationKeyType,
  key_items: d(list(struct('AuthenticationKeyItem'), 2), 'Upto two keys can be specified.'),
});

export const AuthenticationKeyItem = complexType('AuthenticationKeyItem', {
  key_id: AuthenticationKeyId,
  key: str(),
});

/** Attr of bgp-router ↔ bgp-router. */
export const BgpPeeringAttributes = complexType('BgpPeeringAttributes', {
  session: list(struct('BgpSession')),
});

export const BgpSession = complexType('BgpSession', {
  uuid: d(str(), 'When multiple sessions are present, each session must have an unique id.'),
  attributes: d(list(struct('BgpSessionAttributes'), 3), 'Up to 3 instances (both ends and common).'),
});

export const BgpSessionAttributes = complexType('BgpSessionAttributes', {
  bgp_router: str(),
  admin_down: bool,
  passive: bool,
  as_override: bool,
  hold_time: BgpHoldTime,
  loop_count: BgpAsPathLoopCount,
  local_autonomous_system: int(),
  address_families: struct('AddressFamilies'),
  auth_data: struct('AuthenticationData'),
  family_attributes: list(struct('BgpFamilyAttributes')),
  private_as_action: BgpPrivateAsAction,
  route_origin_override: struct('RouteOriginOverride'),
});

export const BgpFamilyAttributes = complexType('BgpFamilyAttributes', {
  address_family: AddressFamily,
  loop_count: BgpAsPathLoopCount,
  prefix_limit: struct('BgpPrefixLimit'),
  default_tunnel_encap: list(BgpTunnelEncapsulationType),
});

export const BgpPrefixLimit = complexType('BgpPrefixLimit', {
  maximum: int(),
  idle_timeout: BgpPrefixLimitIdleTimeout,
});

export const RouteOriginOverride = complexType('RouteOriginOverride', {
  origin_override: bool,
  origin: RouteOriginAttributeType,
});

export const bgpTypes: ComplexType[] = [
  BgpRouterParams,
  AddressFamilies,
  AuthenticationData,
  AuthenticationKeyItem,
  BgpPeeringAttributes,
  BgpSession,
  BgpSessionAttributes,
  BgpFamilyAttributes,
  BgpPrefixLimit,
  RouteOriginOverride,
];
