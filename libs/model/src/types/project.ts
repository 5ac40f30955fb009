import { bool, struct } from '../complex-types/dsl';
import type { TypeDef } from '../schema';
import { prop, ref, refs } from './dsl';

export const project: TypeDef = {
  name: 'project',
  parents: ['domain'],
  description: 'Project represent one instance of application or tenant.',
  refs: refs(
    // The project's default application-policy-set, linked by the system.
    ref('application-policy-set', null, { system: true }),
    ref('floating-ip-pool', null),
    ref('alias-ip-pool', null),
  ),
  props: {
    quota: prop(struct('QuotaType'), {
      description: 'Max instances limits for various objects under project.',
    }),
    vxlan_routing: prop(bool),
    alarm_enable: prop(bool),
    enable_security_policy_draft: prop(bool, { default: false }),
  },
};
