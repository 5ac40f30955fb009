import { struct } from '../complex-types/dsl';
import type { TypeDef } from '../schema';
import { prop } from './dsl';

export const loadbalancerHealthmonitor: TypeDef = {
  name: 'loadbalancer-healthmonitor',
  parents: ['project'],
  refs: {},
  props: {
    // The one property TF's api-server requires on create (_MANDATORY_PROPS).
    loadbalancer_healthmonitor_properties: prop(struct('LoadbalancerHealthmonitorType'), { required: true }),
  },
};
