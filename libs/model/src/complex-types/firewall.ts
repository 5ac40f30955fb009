/** Security (firewall) policy: rules, endpoints, services, and the sequence attr of policy links. */
import type { ComplexType } from '../schema';
import { bool, complexType, d, int, list, str, struct, u64 } from './dsl';
import { SequenceNumberType } from './simple';

/** Attr of application-policy-set → firewall-policy and firewall-policy → firewall-rule. */
export const FirewallSequence = complexType('FirewallSequence', {
  sequence: d(SequenceNumberType, 'Position as an ordering string, e.g. "00001.0"'),
});

export const FirewallServiceType = complexType('FirewallServiceType', {
  protocol: str(),
  protocol_id: int(),
  src_ports: struct('PortType'),
  dst_ports: struct('PortType'),
});

export const FirewallServiceGroupType = complexType('FirewallServiceGroupType', {
  firewall_service: list(struct('FirewallServiceType')),
});

/** One endpoint kind per endpoint (subnet | virtual_network | address_group | tags | any). */
export const FirewallRuleEndpointType = complexType('FirewallRuleEndpointType', {
  subnet: struct('SubnetType'),
  virtual_network: str(),
  address_group: str(),
  tags: list(str()),
  tag_ids: d(list(u64()), 'Filled by the server from tags'),
  any: bool,
});

export const FirewallRuleMatchTagsType = complexType('FirewallRuleMatchTagsType', {
  tag_list: list(str()),
});

export const FirewallRuleMatchTagsTypeIdList = complexType('FirewallRuleMatchTagsTypeIdList', {
  tag_type: list(int()),
});

export const firewallTypes: ComplexType[] = [
  FirewallSequence,
  FirewallServiceType,
  FirewallServiceGroupType,
  FirewallRuleEndpointType,
  FirewallRuleMatchTagsType,
  FirewallRuleMatchTagsTypeIdList,
];
