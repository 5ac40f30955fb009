import type { TypeDef } from '../schema';
import { ref, refs } from './dsl';

/** An ordered set of interfaces of one service VM or device; removed with its service instance. */
export const portTuple: TypeDef = {
  name: 'port-tuple',
  parents: ['service-instance'],
  derived: true,
  refs: refs(ref('virtual-network', null), ref('logical-router', null)),
  props: {},
};
