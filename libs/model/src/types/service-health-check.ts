import { struct } from '../complex-types/dsl';
import type { TypeDef } from '../schema';
import { prop, ref, refs } from './dsl';

export const serviceHealthCheck: TypeDef = {
  name: 'service-health-check',
  parents: ['project'],
  refs: refs(
    // Linked by svc-monitor; does not block deleting the service instance.
    ref('service-instance', 'ServiceInterfaceTag', { derived: true, weak: true }),
  ),
  props: {
    service_health_check_properties: prop(struct('ServiceHealthCheckType')),
  },
};
