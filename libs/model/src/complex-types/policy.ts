/** Network-policy and security-group rules, ACL entries, and the actions (mirror, service chain) they share. */
import type { ComplexType } from '../schema';
import { bool, complexType, d, fmt, int, list, str, struct } from './dsl';
import {
  DirectionType,
  EtherType,
  NHModeType,
  SimpleActionType,
  VlanIdType,
  VxlanNetworkIdentifierType,
} from './simple';

export const PolicyEntriesType = complexType('PolicyEntriesType', {
  policy_rule: list(struct('PolicyRuleType')),
});

export const PolicyRuleType = complexType('PolicyRuleType', {
  rule_sequence: d(struct('SequenceType'), 'Deprecated'),
  rule_uuid: d(str(), 'Rule UUID is identifier used in flow records to identify rule (server-assigned)'),
  direction: DirectionType,
  protocol: d(str(), 'Layer 4 protocol in ip packet: any, a name, or 0..255'),
  src_addresses: list(struct('AddressType')),
  src_ports: list(struct('PortType')),
  application: list(str()),
  dst_addresses: list(struct('AddressType')),
  dst_ports: list(struct('PortType')),
  action_list: struct('ActionListType'),
  ethertype: EtherType,
  created: fmt('datetime'),
  last_modified: fmt('datetime'),
  description: d(str(), 'User provided text (OpenSDN)'),
});

/** Deprecated single `subnet` in favour of `subnet_list`; one kind per address. */
export const AddressType = complexType('AddressType', {
  subnet: struct('SubnetType'),
  virtual_network: str(),
  security_group: str(),
  network_policy: str(),
  subnet_list: list(struct('SubnetType')),
});

export const ActionListType = complexType('ActionListType', {
  simple_action: SimpleActionType,
  gateway_name: str(),
  apply_service: d(list(str()), 'Ordered list of service instances in service chain'),
  mirror_to: struct('MirrorActionType'),
  assign_routing_instance: str(),
  log: bool,
  alert: bool,
  qos_action: str(),
  host_based_service: bool,
});

export const MirrorActionType = complexType('MirrorActionType', {
  analyzer_name: str(),
  encapsulation: str(),
  analyzer_ip_address: fmt('ip'),
  analyzer_mac_address: fmt('mac'),
  routing_instance: str(),
  udp_port: int(),
  juniper_header: d(bool, 'TF default true'),
  nh_mode: NHModeType,
  static_nh_header: struct('StaticMirrorNhType'),
  nic_assisted_mirroring: bool,
  nic_assisted_mirroring_vlan: VlanIdType,
});

export const StaticMirrorNhType = complexType('StaticMirrorNhType', {
  vtep_dst_ip_address: fmt('ip'),
  vtep_dst_mac_address: fmt('mac'),
  vni: VxlanNetworkIdentifierType,
});

export const AclEntriesType = complexType('AclEntriesType', {
  dynamic: bool,
  acl_rule: list(struct('AclRuleType')),
});

export const AclRuleType = complexType('AclRuleType', {
  match_condition: struct('MatchConditionType'),
  action_list: struct('ActionListType'),
  rule_uuid: str(),
  direction: DirectionType,
});

export const MatchConditionType = complexType('MatchConditionType', {
  protocol: str(),
  src_address: struct('AddressType'),
  src_port: struct('PortType'),
  dst_address: struct('AddressType'),
  dst_port: struct('PortType'),
  ethertype: EtherType,
});

export const policyTypes: ComplexType[] = [
  PolicyEntriesType,
  PolicyRuleType,
  AddressType,
  ActionListType,
  MirrorActionType,
  StaticMirrorNhType,
  AclEntriesType,
  AclRuleType,
  MatchConditionType,
];
