import { struct } from '../complex-types/dsl';
import type { TypeDef } from '../schema';
import { prop } from './dsl';

export const routeTable: TypeDef = {
  name: 'route-table',
  parents: ['project'],
  description: 'Static routes for virtual networks.',
  refs: {},
  props: {
    routes: prop(struct('RouteTableType')),
  },
};
