import { struct } from '../complex-types/dsl';
import type { TypeDef } from '../schema';
import { prop } from './dsl';

export const loadbalancerMember: TypeDef = {
  name: 'loadbalancer-member',
  parents: ['loadbalancer-pool'],
  refs: {},
  props: {
    loadbalancer_member_properties: prop(struct('LoadbalancerMemberType')),
  },
};
