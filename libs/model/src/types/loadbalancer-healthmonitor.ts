import { struct } from '../complex-types/dsl';
import type { TypeDef } from '../schema';
import { prop } from './dsl';

export const loadbalancerHealthmonitor: TypeDef = {
  name: 'loadbalancer-healthmonitor',
  parents: ['project'],
  refs: {},
  props: {
    loadbalancer_healthmonitor_properties: prop(struct('LoadbalancerHealthmonitorType')),
  },
};
