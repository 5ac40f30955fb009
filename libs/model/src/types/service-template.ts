import { bool, struct } from '../complex-types/dsl';
import type { TypeDef } from '../schema';
import { prop, ref, refs } from './dsl';

export const serviceTemplate: TypeDef = {
  name: 'service-template',
  parents: ['domain'],
  refs: refs(ref('service-appliance-set', null)),
  props: {
    service_template_properties: prop(struct('ServiceTemplateType')),
    service_config_managed: prop(bool, { default: false }),
  },
};
