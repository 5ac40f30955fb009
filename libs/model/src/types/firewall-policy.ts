import { DraftModeState } from '../complex-types/simple';
import type { TypeDef } from '../schema';
import { prop, ref, refs } from './dsl';

export const firewallPolicy: TypeDef = {
  name: 'firewall-policy',
  parents: ['policy-management', 'project'],
  refs: refs(ref('firewall-rule', 'FirewallSequence')),
  props: {
    draft_mode_state: prop(DraftModeState, { operations: 'R', system: true }),
  },
};
