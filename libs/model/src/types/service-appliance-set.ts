import { str, struct } from '../complex-types/dsl';
import { ServiceVirtualizationType } from '../complex-types/simple';
import type { TypeDef } from '../schema';
import { prop } from './dsl';

export const serviceApplianceSet: TypeDef = {
  name: 'service-appliance-set',
  parents: ['global-system-config'],
  description: 'A provider (driver) of service appliances, e.g. for load balancer pools.',
  refs: {},
  props: {
    service_appliance_set_virtualization_type: prop(ServiceVirtualizationType),
    // A plain property in TF (not a MapProperty).
    service_appliance_set_properties: prop(struct('KeyValuePairs')),
    service_appliance_driver: prop(str()),
    service_appliance_ha_mode: prop(str()),
  },
};
