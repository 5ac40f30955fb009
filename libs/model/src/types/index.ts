/** Every v1 type (config-api.md §1.3), one file each, as declared (without the common fields). */
import type { TypeDef } from '../schema';
import { accessControlList } from './access-control-list';
import { addressGroup } from './address-group';
import { aliasIpPool } from './alias-ip-pool';
import { aliasIp } from './alias-ip';
import { apiAccessList } from './api-access-list';
import { applicationPolicySet } from './application-policy-set';
import { bgpRouter } from './bgp-router';
import { domain } from './domain';
import { firewallPolicy } from './firewall-policy';
import { firewallRule } from './firewall-rule';
import { floatingIpPool } from './floating-ip-pool';
import { floatingIp } from './floating-ip';
import { globalSystemConfig } from './global-system-config';
import { globalVrouterConfig } from './global-vrouter-config';
import { instanceIp } from './instance-ip';
import { loadbalancerHealthmonitor } from './loadbalancer-healthmonitor';
import { loadbalancerListener } from './loadbalancer-listener';
import { loadbalancerMember } from './loadbalancer-member';
import { loadbalancerPool } from './loadbalancer-pool';
import { loadbalancer } from './loadbalancer';
import { logicalRouter } from './logical-router';
import { networkIpam } from './network-ipam';
import { networkPolicy } from './network-policy';
import { policyManagement } from './policy-management';
import { portTuple } from './port-tuple';
import { project } from './project';
import { routeTable } from './route-table';
import { routeTarget } from './route-target';
import { routingInstance } from './routing-instance';
import { securityGroup } from './security-group';
import { serviceApplianceSet } from './service-appliance-set';
import { serviceGroup } from './service-group';
import { serviceHealthCheck } from './service-health-check';
import { serviceInstance } from './service-instance';
import { serviceTemplate } from './service-template';
import { tagType } from './tag-type';
import { tag } from './tag';
import { virtualDns } from './virtual-DNS';
import { virtualMachineInterface } from './virtual-machine-interface';
import { virtualMachine } from './virtual-machine';
import { virtualNetwork } from './virtual-network';
import { virtualRouter } from './virtual-router';

export const typeDefs: readonly TypeDef[] = [
  accessControlList,
  addressGroup,
  aliasIpPool,
  aliasIp,
  apiAccessList,
  applicationPolicySet,
  bgpRouter,
  domain,
  firewallPolicy,
  firewallRule,
  floatingIpPool,
  floatingIp,
  globalSystemConfig,
  globalVrouterConfig,
  instanceIp,
  loadbalancerHealthmonitor,
  loadbalancerListener,
  loadbalancerMember,
  loadbalancerPool,
  loadbalancer,
  logicalRouter,
  networkIpam,
  networkPolicy,
  policyManagement,
  portTuple,
  project,
  routeTable,
  routeTarget,
  routingInstance,
  securityGroup,
  serviceApplianceSet,
  serviceGroup,
  serviceHealthCheck,
  serviceInstance,
  serviceTemplate,
  tagType,
  tag,
  virtualDns,
  virtualMachineInterface,
  virtualMachine,
  virtualNetwork,
  virtualRouter,
];

export { commonProps, commonRefs, withCommon } from './common';
