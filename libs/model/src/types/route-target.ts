import type { TypeDef } from '../schema';

/** Named `target:<asn>:<n>` or `target:<ipv4>:<n>`; no properties. */
export const routeTarget: TypeDef = {
  name: 'route-target',
  parents: ['config-root'],
  description: 'BGP route target extended community.',
  refs: {},
  props: {},
};
