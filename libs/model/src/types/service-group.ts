import { DraftModeState } from '../complex-types/simple';
import type { TypeDef } from '../schema';
import { listProp, prop } from './dsl';

export const serviceGroup: TypeDef = {
  name: 'service-group',
  parents: ['policy-management', 'project'],
  refs: {},
  props: {
    service_group_firewall_service_list: listProp('FirewallServiceGroupType', 'firewall_service'),
    draft_mode_state: prop(DraftModeState, { operations: 'R', system: true }),
  },
};
