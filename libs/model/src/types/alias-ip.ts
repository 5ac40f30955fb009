import { fmt } from '../complex-types/dsl';
import { IpAddressFamilyType } from '../complex-types/simple';
import type { TypeDef } from '../schema';
import { immutable, prop, ref, refs } from './dsl';

export const aliasIp: TypeDef = {
  name: 'alias-ip',
  parents: ['alias-ip-pool'],
  optional: true,
  refs: refs(ref('project', null), ref('virtual-machine-interface', null)),
  props: {
    alias_ip_address: immutable(fmt('ip'), { operations: 'CR', description: 'Allocated when absent' }),
    alias_ip_address_family: prop(IpAddressFamilyType),
  },
};
