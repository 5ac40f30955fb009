import { bool, str, struct } from '../complex-types/dsl';
import type { TypeDef } from '../schema';
import { listProp, mapProp, prop, ref, refs } from './dsl';

export const virtualMachineInterface: TypeDef = {
  name: 'virtual-machine-interface',
  parents: ['project', 'virtual-machine', 'virtual-router'],
  description: 'An interface (port) into a virtual network.',
  refs: refs(
    ref('virtual-network', null, { required: true, max: 1 }),
    ref('virtual-machine', null),
    ref('security-group', null),
    ref('port-tuple', null),
    ref('service-health-check', null),
    // Sub-interfaces (not symmetric).
    ref('virtual-machine-interface', null),
    // Maintained by the API: the VN's default RI with {direction: both}.
    ref('routing-instance', 'PolicyBasedForwardingRuleType', { derived: true, system: true }),
    // TF declares this ref (BGPaaS) with presence "required" but never enforces it.
    ref('bgp-router', null),
  ),
  props: {
    virtual_machine_interface_mac_addresses: prop(struct('MacAddressesType'), {
      description: 'Assigned by the system when absent',
    }),
    virtual_machine_interface_dhcp_option_list: prop(struct('DhcpOptionsListType')),
    virtual_machine_interface_host_routes: prop(struct('RouteTableType')),
    virtual_machine_interface_allowed_address_pairs: prop(struct('AllowedAddressPairs')),
    vrf_assign_table: prop(struct('VrfAssignTableType'), { system: true }),
    virtual_machine_interface_device_owner: prop(str()),
    virtual_machine_interface_disable_policy: prop(bool, { default: false }),
    ecmp_hashing_include_fields: prop(struct('EcmpHashingIncludeFields')),
    virtual_machine_interface_properties: prop(struct('VirtualMachineInterfacePropertiesType')),
    virtual_machine_interface_bindings: mapProp('KeyValuePairs', 'key_value_pair', 'key'),
    virtual_machine_interface_fat_flow_protocols: listProp('FatFlowProtocols', 'fat_flow_protocol'),
    vlan_tag_based_bridge_domain: prop(bool, { default: false }),
    igmp_enable: prop(bool, { default: false }),
    port_security_enabled: prop(bool, { default: true }),
  },
};
