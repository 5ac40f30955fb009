import { str, struct } from '../complex-types/dsl';
import type { TypeDef } from '../schema';
import { immutable, prop, ref, refs } from './dsl';

export const loadbalancerPool: TypeDef = {
  name: 'loadbalancer-pool',
  parents: ['project'],
  refs: refs(
    ref('loadbalancer-listener', null),
    ref('loadbalancer-healthmonitor', null),
    // LBaaS v1 links maintained by the system (TF system-only).
    ref('service-instance', null, { system: true, operations: 'CR' }),
    ref('virtual-machine-interface', null, { system: true, operations: 'CR' }),
    ref('service-appliance-set', null, { system: true }),
  ),
  props: {
    loadbalancer_pool_properties: prop(struct('LoadbalancerPoolType')),
    loadbalancer_pool_provider: immutable(str(), { operations: 'CR' }),
    // A plain property in TF (not a MapProperty).
    loadbalancer_pool_custom_attributes: prop(struct('KeyValuePairs')),
  },
};
