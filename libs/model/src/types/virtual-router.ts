import { bool, fmt } from '../complex-types/dsl';
import { VirtualRouterType } from '../complex-types/simple';
import type { TypeDef } from '../schema';
import { immutable, mapProp, prop, ref, refs } from './dsl';

/** A vrouter (compute node, TOR agent or TOR service node). */
export const virtualRouter: TypeDef = {
  name: 'virtual-router',
  parents: ['global-system-config'],
  refs: refs(ref('virtual-machine', null), ref('network-ipam', 'VirtualRouterNetworkIpamType')),
  props: {
    virtual_router_type: immutable(VirtualRouterType),
    virtual_router_dpdk_enabled: prop(bool),
    virtual_router_ip_address: prop(fmt('ip'), { required: true }),
    virtual_router_sriov_physical_networks: mapProp('KeyValuePairs', 'key_value_pair', 'key', {
      description: 'Dictionary of (physnet, interface) mapping for this virtual router.',
    }),
    virtual_router_tracebuffer_length: mapProp('KeyValuePairs', 'key_value_pair', 'key', {
      description: 'Custom lengths for the virtual router trace buffers.',
    }),
  },
};
