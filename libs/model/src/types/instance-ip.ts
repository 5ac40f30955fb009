import { bool, fmt, str, struct } from '../complex-types/dsl';
import { AddressMode, IpAddressFamilyType } from '../complex-types/simple';
import type { TypeDef } from '../schema';
import { immutable, prop, ref, refs } from './dsl';

/** An address allocated from a VN, an IPAM (flat) or a virtual-router source; `fq_name: [name]`. */
export const instanceIp: TypeDef = {
  name: 'instance-ip',
  parents: ['config-root'],
  refs: refs(
    // The source: exactly one of virtual-network / network-ipam / virtual-router (hooks).
    ref('virtual-network', null),
    ref('network-ipam', null),
    ref('virtual-router', null),
    ref('virtual-machine-interface', null),
  ),
  props: {
    instance_ip_address: immutable(fmt('ip'), { operations: 'CR', description: 'Allocated when absent' }),
    instance_ip_family: immutable(IpAddressFamilyType, { operations: 'CR' }),
    instance_ip_mode: immutable(AddressMode, { operations: 'CR' }),
    secondary_ip_tracking_ip: prop(struct('SubnetType')),
    subnet_uuid: immutable(fmt('uuid'), { operations: 'CR' }),
    instance_ip_subscriber_tag: immutable(str(), { operations: 'CR' }),
    instance_ip_secondary: prop(bool, { default: false }),
    instance_ip_local_ip: prop(bool, { default: false }),
    service_instance_ip: prop(bool, { default: false, system: true }),
    service_health_check_ip: prop(bool, { default: false, system: true }),
    instance_ip_subnet: prop(struct('SubnetType'), { description: 'Set by the server' }),
  },
};
