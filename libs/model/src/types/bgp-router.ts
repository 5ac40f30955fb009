import { struct } from '../complex-types/dsl';
import type { TypeDef } from '../schema';
import { prop, ref, refs } from './dsl';

/** A BGP speaker (control node, external router, BGPaaS peer) under the ip-fabric default RI. */
export const bgpRouter: TypeDef = {
  name: 'bgp-router',
  parents: ['routing-instance'],
  // Peerings; same-type refs are symmetric (registry.ts).
  refs: refs(ref('bgp-router', 'BgpPeeringAttributes')),
  props: {
    bgp_router_parameters: prop(struct('BgpRouterParams')),
  },
};
