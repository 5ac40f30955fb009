import { bool, struct } from '../complex-types/dsl';
import { SubnetMethodType } from '../complex-types/simple';
import type { TypeDef } from '../schema';
import { immutable, listProp, prop, ref, refs } from './dsl';

export const networkIpam: TypeDef = {
  name: 'network-ipam',
  parents: ['project'],
  description: 'IP Address Management object that controls ip allocation, DNS and DHCP.',
  refs: refs(ref('virtual-DNS', null)),
  props: {
    network_ipam_mgmt: prop(struct('IpamType')),
    // TF declares operations CRD, but the API server updates flat subnets in place (add/remove), so not imm.
    ipam_subnets: listProp('IpamSubnets', 'subnets', { description: 'Flat subnets of this ipam' }),
    ipam_subnet_method: immutable(SubnetMethodType, { default: 'user-defined-subnet' }),
    ipam_subnetting: immutable(bool, {
      description: 'Ipam subnets are carved out of a big subnet (TF default false)',
    }),
  },
};
