import type { TypeDef } from '../schema';

/** Groups security-policy resources, globally or per project. */
export const policyManagement: TypeDef = {
  name: 'policy-management',
  parents: ['config-root', 'project'],
  refs: {},
  props: {},
};
