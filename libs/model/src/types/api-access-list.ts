import { struct } from '../complex-types/dsl';
import type { TypeDef } from '../schema';
import { prop } from './dsl';

/** RBAC rules at global, domain or project level. */
export const apiAccessList: TypeDef = {
  name: 'api-access-list',
  parents: ['global-system-config', 'domain', 'project'],
  refs: {},
  props: {
    api_access_list_entries: prop(struct('RbacRuleEntriesType')),
  },
};
