/** virtual-machine-interface and floating-ip complex types. */
import type { ComplexType } from '../schema';
import { bool, complexType, d, fmt, int, list, str, struct } from './dsl';
import { AddressMode, MaxFlowsType, ServiceInterfaceType, TrafficDirectionType } from './simple';

export const AllowedAddressPairs = complexType('AllowedAddressPairs', {
  allowed_address_pair: list(struct('AllowedAddressPair')),
});

export const AllowedAddressPair = complexType('AllowedAddressPair', {
  ip: struct('SubnetType'),
  mac: fmt('mac'),
  address_mode: d(AddressMode, 'active-standby is used for VRRP address, active-active for ECMP'),
});

export const VirtualMachineInterfacePropertiesType = complexType('VirtualMachineInterfacePropertiesType', {
  service_interface_type: ServiceInterfaceType,
  interface_mirror: struct('InterfaceMirrorType'),
  local_preference: int(),
  sub_interface_vlan_tag: d(int(), '802.1Q VLAN tag if this interface is a sub-interface'),
  max_flows: MaxFlowsType,
});

export const InterfaceMirrorType = complexType('InterfaceMirrorType', {
  traffic_direction: TrafficDirectionType,
  mirror_to: struct('MirrorActionType'),
});

export const VrfAssignTableType = complexType('VrfAssignTableType', {
  vrf_assign_rule: list(struct('VrfAssignRuleType')),
});

export const VrfAssignRuleType = complexType('VrfAssignRuleType', {
  match_condition: struct('MatchConditionType'),
  vlan_tag: int(),
  routing_instance: str(),
  ignore_acl: bool,
});

/** Attr of virtual-machine-interface → routing-instance (API-maintained). */
export const PolicyBasedForwardingRuleType = complexType('PolicyBasedForwardingRuleType', {
  direction: TrafficDirectionType,
  vlan_tag: int(),
  src_mac: fmt('mac'),
  dst_mac: fmt('mac'),
  mpls_label: int(),
  service_chain_address: fmt('ipv4'),
  ipv6_service_chain_address: fmt('ipv6'),
  protocol: str(),
});

export const PortMappings = complexType('PortMappings', {
  port_mappings: list(struct('PortMap'), 65535),
});

export const PortMap = complexType('PortMap', {
  protocol: str(),
  src_port: int(),
  dst_port: int(),
});

export const interfaceTypes: ComplexType[] = [
  AllowedAddressPairs,
  AllowedAddressPair,
  VirtualMachineInterfacePropertiesType,
  InterfaceMirrorType,
  VrfAssignTableType,
  VrfAssignRuleType,
  PolicyBasedForwardingRuleType,
  PortMappings,
  PortMap,
];
