import { bool } from '../complex-types/dsl';
import { DraftModeState } from '../complex-types/simple';
import type { TypeDef } from '../schema';
import { prop, ref, refs } from './dsl';

export const applicationPolicySet: TypeDef = {
  name: 'application-policy-set',
  parents: ['policy-management', 'project'],
  refs: refs(
    ref('firewall-policy', 'FirewallSequence'),
    // Set by the system for global application policy sets.
    ref('global-vrouter-config', null, { system: true }),
  ),
  props: {
    all_applications: prop(bool, { default: false, operations: 'R', system: true }),
    draft_mode_state: prop(DraftModeState, { operations: 'R', system: true }),
  },
};
