import { struct } from '../complex-types/dsl';
import type { TypeDef } from '../schema';
import { prop } from './dsl';

export const domain: TypeDef = {
  name: 'domain',
  parents: ['config-root'],
  description: 'Domain is authentication namespace, a collection of projects.',
  refs: {},
  props: {
    domain_limits: prop(struct('DomainLimitsType'), {
      description: 'Domain level quota, not currently implemented',
    }),
  },
};
