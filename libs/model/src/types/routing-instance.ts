import { bool, struct } from '../complex-types/dsl';
import type { TypeDef } from '../schema';
import { prop, ref, refs } from './dsl';

const sys = { system: true } as const;

/** A VRF. Created and deleted with its virtual network (the default RI `<vn fq_name>:<vn name>`). */
export const routingInstance: TypeDef = {
  name: 'routing-instance',
  parents: ['virtual-network'],
  derived: true,
  description: 'Routing instances are internal to the system.',
  refs: refs(
    ref('route-target', 'InstanceTargetType'),
    // Service-chain connections; same-type refs are symmetric (registry.ts).
    ref('routing-instance', 'ConnectionType'),
  ),
  props: {
    default_ce_protocol: prop(struct('DefaultProtocolType')),
    service_chain_information: prop(struct('ServiceChainInfo'), sys),
    ipv6_service_chain_information: prop(struct('ServiceChainInfo'), sys),
    evpn_service_chain_information: prop(struct('ServiceChainInfo'), sys),
    evpn_ipv6_service_chain_information: prop(struct('ServiceChainInfo'), sys),
    routing_instance_is_default: prop(bool, { default: false, ...sys }),
    routing_instance_has_pnf: prop(bool, { default: false, ...sys }),
    static_route_entries: prop(struct('StaticRouteEntriesType'), sys),
    routing_instance_fabric_snat: prop(bool, { default: false, ...sys }),
  },
};
