import { struct } from '../complex-types/dsl';
import type { TypeDef } from '../schema';
import { prop } from './dsl';

export const virtualDns: TypeDef = {
  name: 'virtual-DNS',
  parents: ['domain'],
  optional: true,
  refs: {},
  props: {
    virtual_DNS_data: prop(struct('VirtualDnsType')),
  },
};
