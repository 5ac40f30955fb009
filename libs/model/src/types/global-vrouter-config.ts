import { bool, int, struct } from '../complex-types/dsl';
import { EncryptionMode, ForwardingModeType, VxlanNetworkIdentifierModeType } from '../complex-types/simple';
import type { TypeDef } from '../schema';
import { listProp, prop } from './dsl';

export const globalVrouterConfig: TypeDef = {
  name: 'global-vrouter-config',
  parents: ['global-system-config'],
  description: 'Global vrouter config is object where all global vrouter config is present.',
  refs: {},
  props: {
    ecmp_hashing_include_fields: prop(struct('EcmpHashingIncludeFields')),
    linklocal_services: prop(struct('LinklocalServicesTypes')),
    encapsulation_priorities: prop(struct('EncapsulationPrioritiesType')),
    vxlan_network_identifier_mode: prop(VxlanNetworkIdentifierModeType),
    forwarding_mode: prop(ForwardingModeType),
    flow_export_rate: prop(int()),
    flow_aging_timeout_list: prop(struct('FlowAgingTimeoutList')),
    enable_security_logging: prop(bool, { default: true }),
    encryption_mode: prop(EncryptionMode, { default: 'none' }),
    encryption_tunnel_endpoints: listProp('EncryptionTunnelEndpointList', 'endpoint'),
    port_translation_pools: listProp('PortTranslationPools', 'port_translation_pool'),
  },
};
