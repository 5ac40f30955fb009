import { DraftModeState } from '../complex-types/simple';
import type { TypeDef } from '../schema';
import { listProp, prop } from './dsl';

export const addressGroup: TypeDef = {
  name: 'address-group',
  parents: ['policy-management', 'project'],
  refs: {},
  props: {
    address_group_prefix: listProp('SubnetListType', 'subnet'),
    draft_mode_state: prop(DraftModeState, { operations: 'R', system: true }),
  },
};
