import { struct } from '../complex-types/dsl';
import type { TypeDef } from '../schema';
import { prop, ref, refs } from './dsl';

export const loadbalancerListener: TypeDef = {
  name: 'loadbalancer-listener',
  parents: ['project'],
  description: 'The application (protocol, port) to be load balanced.',
  refs: refs(ref('loadbalancer', null)),
  props: {
    loadbalancer_listener_properties: prop(struct('LoadbalancerListenerType')),
  },
};
