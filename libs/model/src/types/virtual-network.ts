import { bool, int, struct } from '../complex-types/dsl';
import {
  AddressAllocationModeType,
  MACAgingTime,
  NetworkMtuType,
  VirtualNetworkCategory,
} from '../complex-types/simple';
import type { TypeDef } from '../schema';
import { immutable, listProp, prop, ref, refs } from './dsl';

export const virtualNetwork: TypeDef = {
  name: 'virtual-network',
  parents: ['project'],
  description: 'Virtual network is a collection of end points that can talk to each other by default.',
  refs: refs(
    ref('network-ipam', 'VnSubnetsType'),
    ref('network-policy', 'VirtualNetworkPolicyType'),
    ref('route-table', null),
    // Provider network; same-type refs are symmetric (registry.ts).
    ref('virtual-network', null),
    ref('service-health-check', null),
  ),
  props: {
    virtual_network_properties: prop(struct('VirtualNetworkType')),
    virtual_network_routed_properties: prop(struct('VirtualNetworkRoutedPropertiesType')),
    virtual_network_category: prop(VirtualNetworkCategory, { default: 'tenant' }),
    virtual_network_network_id: prop(int(1, 4294967296), {
      operations: 'CR',
      allocated: true,
      system: true,
      description: 'System assigned unique ID for every virtual network (1..2^24 in Skein).',
    }),
    virtual_network_fat_flow_protocols: listProp('FatFlowProtocols', 'fat_flow_protocol'),
    ecmp_hashing_include_fields: prop(struct('EcmpHashingIncludeFields')),
    provider_properties: immutable(struct('ProviderDetails'), {
      description: 'Provider network: VLAN tag and physical network name.',
    }),
    is_provider_network: prop(bool, { default: false, operations: 'R', system: true }),
    port_security_enabled: prop(bool, { default: true }),
    fabric_snat: prop(bool, { default: false }),
    route_target_list: prop(struct('RouteTargetList')),
    import_route_target_list: prop(struct('RouteTargetList')),
    export_route_target_list: prop(struct('RouteTargetList')),
    router_external: prop(bool),
    is_shared: prop(bool, { description: 'true ⇔ perms2.global_access = 7' }),
    external_ipam: prop(bool),
    flood_unknown_unicast: prop(bool, { default: false }),
    multi_policy_service_chains_enabled: prop(bool),
    // TF's AddressAllocationModeType default; the IPAM code treats an absent mode the same way.
    address_allocation_mode: prop(AddressAllocationModeType, { default: 'user-defined-subnet-preferred' }),
    mac_learning_enabled: prop(bool, { default: false }),
    mac_limit_control: prop(struct('MACLimitControlType')),
    mac_move_control: prop(struct('MACMoveLimitControlType')),
    mac_aging_time: prop(MACAgingTime, { default: 300 }),
    mac_ip_learning_enable: prop(bool, { default: false }),
    pbb_evpn_enable: prop(bool, { default: false }),
    pbb_etree_enable: prop(bool, { default: false }),
    layer2_control_word: prop(bool, { default: false }),
    igmp_enable: prop(bool, { default: false }),
    mtu: prop(NetworkMtuType),
  },
};
