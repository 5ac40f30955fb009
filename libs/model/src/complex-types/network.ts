/** Virtual-network and logical-router complex types (VirtualNetworkType, routed properties, fat flows, MAC limits). */
import type { ComplexType } from '../schema';
import { bool, complexType, d, fmt, int, list, str, struct } from './dsl';
import {
  BgpHoldTime,
  FatFlowIgnoreAddressType,
  ForwardingModeType,
  LogicalRouterVirtualNetworkEnumType,
  MACLimitExceedActionType,
  MACMoveTimeWindow,
  MaxFlowsType,
  OspfAreaType,
  PimMode,
  RoutingProtocolType,
  RpfModeType,
  VlanIdType,
  VxlanNetworkIdentifierType,
} from './simple';

export const VirtualNetworkType = complexType('VirtualNetworkType', {
  allow_transit: d(bool, 'Enables transitive property for route imports'),
  network_id: d(int(), 'Not currently in use (system-only)'),
  vxlan_network_identifier: d(VxlanNetworkIdentifierType, 'VxLAN VNI value for this network'),
  forwarding_mode: d(ForwardingModeType, 'Packet forwarding mode for this virtual network'),
  rpf: d(RpfModeType, 'Flag used to disable Reverse Path Forwarding(RPF) check for this network'),
  mirror_destination: d(bool, 'Flag to mark the virtual network as mirror destination network'),
  max_flows: d(MaxFlowsType, 'Maximum number of flows permitted on each VMI of the VN'),
});

export const ProviderDetails = complexType('ProviderDetails', {
  segmentation_id: VlanIdType,
  physical_network: str(),
});

/** Attr of virtual-network → network-policy. */
export const VirtualNetworkPolicyType = complexType('VirtualNetworkPolicyType', {
  sequence: d(struct('SequenceType'), 'Sequence number to specify order of policy attachment to network'),
  timer: d(struct('TimerType'), 'Timer to specify when the policy can be active'),
});

export const VirtualNetworkRoutedPropertiesType = complexType('VirtualNetworkRoutedPropertiesType', {
  routed_properties: d(list(struct('RoutedProperties')), 'List of routed properties for virtual network.'),
  shared_across_all_lrs: d(
    bool,
    "Allow sharing of this routed virtual network across all LR's in the system.",
  ),
});

export const RoutedProperties = complexType('RoutedProperties', {
  physical_router_uuid: fmt('uuid'),
  logical_router_uuid: fmt('uuid'),
  routed_interface_ip_address: d(fmt('ip'), 'IP address of the routed interface from the VN subnet.'),
  loopback_ip_address: d(fmt('ip'), 'IP address of the loopback interface from the overlay loopback subnet.'),
  routing_protocol: RoutingProtocolType,
  bgp_params: struct('BgpParameters'),
  ospf_params: struct('OspfParameters'),
  pim_params: struct('PimParameters'),
  static_route_params: struct('StaticRouteParameters'),
  bfd_params: struct('BfdParameters'),
  routing_policy_params: struct('RoutingPolicyParameters'),
});

export const BgpParameters = complexType('BgpParameters', {
  peer_autonomous_system: int(),
  peer_ip_address: fmt('ip'),
  peer_ip_address_list: list(fmt('ip')),
  hold_time: BgpHoldTime,
  auth_data: struct('AuthenticationData'),
  local_autonomous_system: int(),
  multihop_ttl: int(),
});

export const OspfParameters = complexType('OspfParameters', {
  auth_data: struct('AuthenticationData'),
  hello_interval: int(),
  dead_interval: int(),
  area_id: d(fmt('ipv4'), 'OSPF area ID (dotted quad)'),
  area_type: OspfAreaType,
  advertise_loopback: bool,
  orignate_summary_lsa: d(bool, 'TF spelling'),
});

export const PimParameters = complexType('PimParameters', {
  rp_ip_address: list(fmt('ip')),
  mode: PimMode,
  enable_all_interfaces: bool,
});

export const StaticRouteParameters = complexType('StaticRouteParameters', {
  interface_route_table_uuid: list(fmt('uuid')),
  next_hop_ip_address: list(fmt('ip')),
});

export const BfdParameters = complexType('BfdParameters', {
  time_interval: int(),
  detection_time_multiplier: int(),
});

export const RoutingPolicyParameters = complexType('RoutingPolicyParameters', {
  import_routing_policy_uuid: list(fmt('uuid')),
  export_routing_policy_uuid: list(fmt('uuid')),
});

export const FatFlowProtocols = complexType('FatFlowProtocols', {
  fat_flow_protocol: list(struct('ProtocolType')),
});

export const ProtocolType = complexType('ProtocolType', {
  protocol: str(),
  port: int(),
  ignore_address: FatFlowIgnoreAddressType,
  source_prefix: struct('SubnetType'),
  source_aggregate_prefix_length: int(),
  destination_prefix: struct('SubnetType'),
  destination_aggregate_prefix_length: int(),
});

export const MACLimitControlType = complexType('MACLimitControlType', {
  mac_limit: d(int(), 'Number of MACs that can be learnt'),
  mac_limit_action: d(MACLimitExceedActionType, 'Action to be taken when MAC limit exceeds (TF default log)'),
});

export const MACMoveLimitControlType = complexType('MACMoveLimitControlType', {
  mac_move_limit: d(int(), 'Number of MAC moves permitted in mac move time window'),
  mac_move_time_window: d(MACMoveTimeWindow, 'MAC move time window (TF default 10)'),
  mac_move_limit_action: d(MACLimitExceedActionType, 'Action to be taken when MAC move limit exceeds'),
});

export const EcmpHashingIncludeFields = complexType('EcmpHashingIncludeFields', {
  hashing_configured: bool,
  source_ip: bool,
  destination_ip: bool,
  ip_protocol: bool,
  source_port: bool,
  destination_port: bool,
});

/** Attr of logical-router → virtual-network. */
export const LogicalRouterVirtualNetworkType = complexType('LogicalRouterVirtualNetworkType', {
  logical_router_virtual_network_type: d(LogicalRouterVirtualNetworkEnumType, 'TF default ExternalGateway'),
});

export const networkTypes: ComplexType[] = [
  VirtualNetworkType,
  ProviderDetails,
  VirtualNetworkPolicyType,
  VirtualNetworkRoutedPropertiesType,
  RoutedProperties,
  BgpParameters,
  OspfParameters,
  PimParameters,
  StaticRouteParameters,
  BfdParameters,
  RoutingPolicyParameters,
  FatFlowProtocols,
  ProtocolType,
  MACLimitControlType,
  MACMoveLimitControlType,
  EcmpHashingIncludeFields,
  LogicalRouterVirtualNetworkType,
];
