import { struct } from '../complex-types/dsl';
import type { TypeDef } from '../schema';
import { prop } from './dsl';

export const floatingIpPool: TypeDef = {
  name: 'floating-ip-pool',
  parents: ['virtual-network'],
  description: 'Set of addresses carved out of a virtual network, assignable as one-to-one NAT.',
  refs: {},
  props: {
    floating_ip_pool_subnets: prop(struct('FloatingIpPoolSubnetType'), {
      description: 'Subnets that restrict floating ip allocation from the virtual network.',
    }),
  },
};
