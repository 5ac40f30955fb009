import { bool, struct } from '../complex-types/dsl';
import type { TypeDef } from '../schema';
import { mapProp, prop, ref, refs } from './dsl';

export const serviceInstance: TypeDef = {
  name: 'service-instance',
  parents: ['project'],
  refs: refs(
    ref('service-template', null, { required: true }),
    // Shared next-hop ip per service interface, linked by svc-monitor.
    ref('instance-ip', 'ServiceInterfaceTag', { system: true }),
  ),
  props: {
    service_instance_properties: prop(struct('ServiceInstanceType')),
    service_instance_bindings: mapProp('KeyValuePairs', 'key_value_pair', 'key'),
    service_instance_bgp_enabled: prop(bool, { default: true }),
  },
};
