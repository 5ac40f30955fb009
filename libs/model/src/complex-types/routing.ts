/** Routes and routing-instance complex types (route tables, RI connections and targets, service-chain info). */
import type { ComplexType } from '../schema';
import { bool, complexType, d, fmt, int, list, str, struct } from './dsl';
import { CommunityAttribute, ImportExportType, RouteNextHopType } from './simple';

export const RouteTableType = complexType('RouteTableType', {
  route: list(struct('RouteType')),
});

export const RouteType = complexType('RouteType', {
  prefix: d(fmt('ip-prefix'), 'Ip prefix/len format prefix'),
  next_hop: d(str(), 'Ip address or service instance name.'),
  next_hop_type: RouteNextHopType,
  community_attributes: struct('CommunityAttributes'),
});

export const CommunityAttributes = complexType('CommunityAttributes', {
  community_attribute: list(CommunityAttribute),
});

/** Attr of routing-instance → route-target. */
export const InstanceTargetType = complexType('InstanceTargetType', {
  import_export: ImportExportType,
});

/** Attr of routing-instance ↔ routing-instance. */
export const ConnectionType = complexType('ConnectionType', {
  destination_instance: str(),
});

/** xsd:choice of bgp / ospf. */
export const DefaultProtocolType = complexType('DefaultProtocolType', {
  bgp: struct('ProtocolBgpType'),
  ospf: struct('ProtocolOspfType'),
});

export const ProtocolBgpType = complexType('ProtocolBgpType', {
  autonomous_system: int(),
});

export const ProtocolOspfType = complexType('ProtocolOspfType', {
  area: int(),
});

export const ServiceChainInfo = complexType('ServiceChainInfo', {
  routing_instance: str(),
  prefix: list(fmt('ip-prefix')),
  service_chain_address: fmt('ip'),
  service_instance: str(),
  source_routing_instance: str(),
  service_chain_id: str(),
  sc_head: bool,
  retain_as_path: bool,
});

export const StaticRouteEntriesType = complexType('StaticRouteEntriesType', {
  route: list(struct('StaticRouteType')),
});

export const StaticRouteType = complexType('StaticRouteType', {
  prefix: fmt('ip-prefix'),
  next_hop: str(),
  route_target: list(fmt('route-target')),
  community: list(str()),
});

export const routingTypes: ComplexType[] = [
  RouteTableType,
  RouteType,
  CommunityAttributes,
  InstanceTargetType,
  ConnectionType,
  DefaultProtocolType,
  ProtocolBgpType,
  ProtocolOspfType,
  ServiceChainInfo,
  StaticRouteEntriesType,
  StaticRouteType,
];
