import type { TypeDef } from '../schema';

export const aliasIpPool: TypeDef = {
  name: 'alias-ip-pool',
  parents: ['virtual-network'],
  optional: true,
  description: 'Set of addresses carved out of a virtual network, assignable to interfaces as alias ips.',
  refs: {},
  props: {},
};
