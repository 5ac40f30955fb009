import { aliasIpHooks, floatingIpHooks, instanceIpHooks, networkIpamHooks } from './addresses';
import { firewallRuleHooks } from './firewall';
import { globalSystemConfigHooks } from './global-system-config';
import { projectHooks } from './project';
import { routeTargetHooks } from './route-target';
import { routingInstanceHooks } from './routing-instance';
import { networkPolicyHooks, securityGroupHooks } from './security';
import { tagHooks, tagTypeHooks } from './tags';
import type { TypeHooks } from './types';
import { virtualNetworkHooks } from './virtual-network';
import { vmiHooks } from './virtual-machine-interface';

/** The per-type rules, keyed by type name. */
export const HOOKS: Record<string, TypeHooks> = {
  'virtual-network': virtualNetworkHooks,
  'routing-instance': routingInstanceHooks,
  'route-target': routeTargetHooks,
  'virtual-machine-interface': vmiHooks,
  'instance-ip': instanceIpHooks,
  'floating-ip': floatingIpHooks,
  'alias-ip': aliasIpHooks,
  'network-ipam': networkIpamHooks,
  'security-group': securityGroupHooks,
  'network-policy': networkPolicyHooks,
  tag: tagHooks,
  'tag-type': tagTypeHooks,
  'firewall-rule': firewallRuleHooks,
  'global-system-config': globalSystemConfigHooks,
  project: projectHooks,
};

export { checkQuota } from './quota';
