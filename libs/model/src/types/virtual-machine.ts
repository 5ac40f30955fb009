import { ServerType } from '../complex-types/simple';
import type { TypeDef } from '../schema';
import { prop, ref, refs } from './dsl';

export const virtualMachine: TypeDef = {
  name: 'virtual-machine',
  parents: ['config-root'],
  refs: refs(
    // Set by svc-monitor; does not block deleting the service instance.
    ref('service-instance', null, { derived: true, system: true, weak: true }),
  ),
  props: {
    server_type: prop(ServerType, { default: 'virtual-server' }),
  },
};
