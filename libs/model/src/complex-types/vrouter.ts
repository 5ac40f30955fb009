/** global-vrouter-config complex types: link-local services, encapsulation, flow aging, encryption, PAT pools. */
import type { ComplexType } from '../schema';
import { complexType, d, fmt, int, list, str, struct } from './dsl';
import { EncapsulationType } from './simple';

export const LinklocalServicesTypes = complexType('LinklocalServicesTypes', {
  linklocal_service_entry: list(struct('LinklocalServiceEntryType')),
});

export const LinklocalServiceEntryType = complexType('LinklocalServiceEntryType', {
  linklocal_service_name: str(),
  linklocal_service_ip: fmt('ip'),
  linklocal_service_port: int(),
  ip_fabric_DNS_service_name: str(),
  ip_fabric_service_port: int(),
  ip_fabric_service_ip: list(fmt('ip')),
});

export const EncapsulationPrioritiesType = complexType('EncapsulationPrioritiesType', {
  encapsulation: d(list(EncapsulationType), 'Ordered list of encapsulation types to be used in priority'),
});

export const FlowAgingTimeoutList = complexType('FlowAgingTimeoutList', {
  flow_aging_timeout: list(struct('FlowAgingTimeout')),
});

export const FlowAgingTimeout = complexType('FlowAgingTimeout', {
  protocol: str(),
  port: int(),
  timeout_in_seconds: int(),
});

export const EncryptionTunnelEndpointList = complexType('EncryptionTunnelEndpointList', {
  endpoint: list(struct('EncryptionTunnelEndpoint')),
});

export const EncryptionTunnelEndpoint = complexType('EncryptionTunnelEndpoint', {
  tunnel_remote_ip_address: fmt('ip'),
});

export const PortTranslationPools = complexType('PortTranslationPools', {
  port_translation_pool: list(struct('PortTranslationPool')),
});

/** `port_range` or `port_count` (exclusive). TF types.yml declares port_count as a string (xsd unsignedShort). */
export const PortTranslationPool = complexType('PortTranslationPool', {
  protocol: str(),
  port_range: struct('PortType'),
  port_count: str(),
});

export const vrouterTypes: ComplexType[] = [
  LinklocalServicesTypes,
  LinklocalServiceEntryType,
  EncapsulationPrioritiesType,
  FlowAgingTimeoutList,
  FlowAgingTimeout,
  EncryptionTunnelEndpointList,
  EncryptionTunnelEndpoint,
  PortTranslationPools,
  PortTranslationPool,
];
