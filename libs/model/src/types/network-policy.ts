import { struct } from '../complex-types/dsl';
import type { TypeDef } from '../schema';
import { prop } from './dsl';

export const networkPolicy: TypeDef = {
  name: 'network-policy',
  parents: ['project'],
  description: 'Access control rules that can be attached to virtual networks.',
  refs: {},
  props: {
    network_policy_entries: prop(struct('PolicyEntriesType')),
  },
};
