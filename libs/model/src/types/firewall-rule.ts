import { struct } from '../complex-types/dsl';
import { DraftModeState, FirewallRuleDirectionType } from '../complex-types/simple';
import type { TypeDef } from '../schema';
import { listProp, prop, ref, refs } from './dsl';

/** The server resolves endpoints and fills tag/address-group/VN refs, tag_ids and match_tag_types. */
const serverSet = { derived: true, operations: 'R' } as const;

export const firewallRule: TypeDef = {
  name: 'firewall-rule',
  parents: ['policy-management', 'project'],
  refs: refs(
    ref('service-group', null),
    ref('address-group', null, serverSet),
    ref('virtual-network', null, serverSet),
    // Overrides the common tag ref: server-set on firewall rules.
    ref('tag', null, serverSet),
  ),
  props: {
    action_list: prop(struct('ActionListType')),
    service: prop(struct('FirewallServiceType'), { description: 'Exclusive with service_group_refs' }),
    endpoint_1: prop(struct('FirewallRuleEndpointType')),
    endpoint_2: prop(struct('FirewallRuleEndpointType')),
    match_tags: listProp('FirewallRuleMatchTagsType', 'tag_list'),
    match_tag_types: prop(struct('FirewallRuleMatchTagsTypeIdList'), { operations: 'R', system: true }),
    direction: prop(FirewallRuleDirectionType),
    draft_mode_state: prop(DraftModeState, { operations: 'R', system: true }),
  },
};
