import { bool, str, struct } from '../complex-types/dsl';
import { LogicalRouterType } from '../complex-types/simple';
import type { TypeDef } from '../schema';
import { immutable, prop, ref, refs } from './dsl';

export const logicalRouter: TypeDef = {
  name: 'logical-router',
  parents: ['project'],
  refs: refs(
    ref('virtual-machine-interface', null),
    ref('virtual-network', 'LogicalRouterVirtualNetworkType'),
    ref('route-target', null, { system: true }),
    ref('route-table', null),
    // SNAT service instance, created by the system.
    ref('service-instance', null, { system: true }),
  ),
  props: {
    configured_route_target_list: prop(struct('RouteTargetList')),
    vxlan_network_identifier: prop(str(), { description: 'VNI of the internal VN in vxlan_routing mode' }),
    logical_router_dhcp_relay_server: prop(struct('IpAddressesType')),
    logical_router_gateway_external: prop(bool),
    logical_router_type: immutable(LogicalRouterType, { default: 'snat-routing' }),
  },
};
