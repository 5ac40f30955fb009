import { struct } from '../complex-types/dsl';
import { ConfiguredSecurityGroupIdType, SecurityGroupIdType } from '../complex-types/simple';
import type { TypeDef } from '../schema';
import { prop } from './dsl';

export const securityGroup: TypeDef = {
  name: 'security-group',
  parents: ['project'],
  description: 'Stateful access control rules attached to interfaces.',
  refs: {},
  props: {
    security_group_entries: prop(struct('PolicyEntriesType')),
    security_group_id: prop(SecurityGroupIdType, {
      operations: 'R',
      allocated: true,
      system: true,
      description: 'Allocated from 8,000,001 .. 2^32−1, or configured_security_group_id when > 0',
    }),
    configured_security_group_id: prop(ConfiguredSecurityGroupIdType, { default: 0 }),
  },
};
