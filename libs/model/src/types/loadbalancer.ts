import { str, struct } from '../complex-types/dsl';
import type { TypeDef } from '../schema';
import { immutable, prop, ref, refs } from './dsl';

/** An LBaaS v2 load balancer: one VIP, several listeners and pools. */
export const loadbalancer: TypeDef = {
  name: 'loadbalancer',
  parents: ['project'],
  refs: refs(
    ref('service-appliance-set', null),
    // VIP interface and service instance, created by the system (TF system-only).
    ref('virtual-machine-interface', null, { system: true }),
    ref('service-instance', null, { system: true }),
  ),
  props: {
    loadbalancer_properties: prop(struct('LoadbalancerType')),
    loadbalancer_provider: immutable(str(), { operations: 'CR' }),
  },
};
