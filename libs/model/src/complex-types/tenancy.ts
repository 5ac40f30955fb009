/** Domain limits, project quota, and RBAC rules (api-access-list). */
import type { ComplexType } from '../schema';
import { complexType, d, int, list, str, struct } from './dsl';
import { UniqueQuotaType } from './simple';

export const DomainLimitsType = complexType('DomainLimitsType', {
  project_limit: int(),
  virtual_network_limit: int(),
  security_group_limit: int(),
});

/** −1 (or absent) means unlimited, 0 and up a limit; below −1 means nothing, so it is a 400 (TF's vnc_quota.py). */
const quota = int(-1);

/** Per-type limits under a project; keys are TF type names with `_`. */
export const QuotaType = complexType('QuotaType', {
  defaults: quota,
  floating_ip: quota,
  instance_ip: quota,
  virtual_machine_interface: quota,
  virtual_network: quota,
  virtual_router: quota,
  virtual_DNS: quota,
  virtual_DNS_record: quota,
  bgp_router: quota,
  network_ipam: quota,
  access_control_list: quota,
  network_policy: quota,
  floating_ip_pool: quota,
  service_template: quota,
  service_instance: quota,
  logical_router: quota,
  security_group: quota,
  security_group_rule: quota,
  subnet: quota,
  global_vrouter_config: quota,
  loadbalancer_pool: quota,
  loadbalancer_member: quota,
  loadbalancer_healthmonitor: quota,
  virtual_ip: quota,
  security_logging_object: quota,
  route_table: quota,
  firewall_group: quota,
  firewall_policy: quota,
  firewall_rule: quota,
  host_based_service: d(UniqueQuotaType, '0 or 1 (TF default 0)'),
});

export const RbacRuleEntriesType = complexType('RbacRuleEntriesType', {
  rbac_rule: list(struct('RbacRuleType')),
});

export const RbacRuleType = complexType('RbacRuleType', {
  rule_object: d(str(), 'REST API object (type) for this rule, * for all'),
  rule_field: d(str(), 'Level one field (property) of the object, * for all'),
  rule_perms: list(struct('RbacPermType')),
});

export const RbacPermType = complexType('RbacPermType', {
  role_name: str(),
  role_crud: d(str(), 'CRUD letters: C=create, R=read, U=update, D=delete'),
});

export const tenancyTypes: ComplexType[] = [
  DomainLimitsType,
  QuotaType,
  RbacRuleEntriesType,
  RbacRuleType,
  RbacPermType,
];
