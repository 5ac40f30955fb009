import { bool, fmt } from '../complex-types/dsl';
import { IpAddressFamilyType, TrafficDirectionType } from '../complex-types/simple';
import type { TypeDef } from '../schema';
import { immutable, listProp, prop, ref, refs } from './dsl';

export const floatingIp: TypeDef = {
  name: 'floating-ip',
  parents: ['floating-ip-pool', 'instance-ip'],
  refs: refs(
    // Defaults to the project fq_name[0..1] of the creator (hook).
    ref('project', null),
    ref('virtual-machine-interface', null),
  ),
  props: {
    floating_ip_address: immutable(fmt('ip'), { operations: 'CR', description: 'Allocated when absent' }),
    floating_ip_is_virtual_ip: prop(bool),
    floating_ip_fixed_ip_address: prop(fmt('ip')),
    floating_ip_address_family: prop(IpAddressFamilyType),
    floating_ip_port_mappings_enable: prop(bool, { default: false }),
    floating_ip_port_mappings: listProp('PortMappings', 'port_mappings'),
    floating_ip_traffic_direction: prop(TrafficDirectionType, { default: 'both' }),
  },
};
