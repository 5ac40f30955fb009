/** Every complex type used by a property or ref attr of a v1 type, transitively, by TF name. */
import type { ComplexType } from '../schema';
import { bgpTypes } from './bgp';
import { commonTypes } from './common';
import { firewallTypes } from './firewall';
import { interfaceTypes } from './interface';
import { ipamTypes } from './ipam';
import { loadbalancerTypes } from './loadbalancer';
import { networkTypes } from './network';
import { policyTypes } from './policy';
import { routingTypes } from './routing';
import { serviceTypes } from './service';
import { systemTypes } from './system';
import { tenancyTypes } from './tenancy';
import { vrouterTypes } from './vrouter';

export const allComplexTypes: readonly ComplexType[] = [
  ...commonTypes,
  ...networkTypes,
  ...ipamTypes,
  ...routingTypes,
  ...bgpTypes,
  ...policyTypes,
  ...firewallTypes,
  ...interfaceTypes,
  ...serviceTypes,
  ...loadbalancerTypes,
  ...vrouterTypes,
  ...systemTypes,
  ...tenancyTypes,
];

function build(list: readonly ComplexType[]): Record<string, ComplexType> {
  const out: Record<string, ComplexType> = {};
  for (const t of list) {
    if (out[t.name]) throw new Error(`complex type ${t.name} declared twice`);
    out[t.name] = t;
  }
  return out;
}

/** The complex-type registry, keyed by TF name (e.g. `VnSubnetsType`). Frozen by ../registry.ts. */
export const complexTypes: Record<string, ComplexType> = build(allComplexTypes);
