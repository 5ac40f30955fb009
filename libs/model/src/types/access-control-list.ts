import { struct, u64 } from '../complex-types/dsl';
import type { TypeDef } from '../schema';
import { prop } from './dsl';

/** Derived by the schema service from network policies (VN) or security groups (SG). */
export const accessControlList: TypeDef = {
  name: 'access-control-list',
  parents: ['virtual-network', 'security-group'],
  derived: true,
  refs: {},
  props: {
    access_control_list_entries: prop(struct('AclEntriesType'), { system: true }),
    access_control_list_hash: prop(u64(), { system: true }),
  },
};
