/** Service templates, instances, health checks and the ServiceInterfaceTag ref attr. */
import type { ComplexType } from '../schema';
import { bool, complexType, d, fmt, int, list, str, struct } from './dsl';
import {
  AddressMode,
  HealthCheckProtocolType,
  HealthCheckType,
  ServiceInterfaceType,
  ServiceModeType,
  ServiceType,
  ServiceVirtualizationType,
  VRouterInstanceType,
} from './simple';

export const ServiceTemplateType = complexType('ServiceTemplateType', {
  version: d(int(), 'Version of service template (TF default 1)'),
  service_mode: ServiceModeType,
  service_type: ServiceType,
  image_name: str(),
  service_scaling: bool,
  interface_type: list(struct('ServiceTemplateInterfaceType')),
  flavor: str(),
  ordered_interfaces: d(bool, 'Deprecated'),
  service_virtualization_type: ServiceVirtualizationType,
  availability_zone_enable: bool,
  vrouter_instance_type: VRouterInstanceType,
  instance_data: str(),
});

export const ServiceTemplateInterfaceType = complexType('ServiceTemplateInterfaceType', {
  service_interface_type: ServiceInterfaceType,
  shared_ip: bool,
  static_route_enable: bool,
});

export const ServiceInstanceType = complexType('ServiceInstanceType', {
  auto_policy: d(bool, 'Set when system creates internal service chains (system-only)'),
  availability_zone: str(),
  management_virtual_network: d(str(), 'Deprecated'),
  left_virtual_network: d(str(), 'Deprecated'),
  left_ip_address: d(fmt('ip'), 'Deprecated'),
  right_virtual_network: d(str(), 'Deprecated'),
  right_ip_address: d(fmt('ip'), 'Deprecated'),
  interface_list: list(struct('ServiceInstanceInterfaceType')),
  scale_out: struct('ServiceScaleOutType'),
  ha_mode: AddressMode,
  virtual_router_id: d(fmt('uuid'), 'UUID of a virtual-router on which this service instance needs to spawn'),
  service_virtualization_type: ServiceVirtualizationType,
});

export const ServiceInstanceInterfaceType = complexType('ServiceInstanceInterfaceType', {
  virtual_network: str(),
  ip_address: fmt('ip'),
  static_routes: struct('RouteTableType'),
  allowed_address_pairs: struct('AllowedAddressPairs'),
});

export const ServiceScaleOutType = complexType('ServiceScaleOutType', {
  max_instances: d(int(), 'TF default 1'),
  auto_scale: bool,
});

/** Attr of service-instance → instance-ip and service-health-check → service-instance. */
export const ServiceInterfaceTag = complexType('ServiceInterfaceTag', {
  interface_type: ServiceInterfaceType,
});

export const ServiceHealthCheckType = complexType('ServiceHealthCheckType', {
  enabled: bool,
  health_check_type: HealthCheckType,
  monitor_type: HealthCheckProtocolType,
  delay: int(),
  delayUsecs: int(),
  timeout: int(),
  timeoutUsecs: int(),
  max_retries: int(),
  http_method: str(),
  url_path: str(),
  expected_codes: str(),
  target_ip_all: d(bool, 'Run BFD for all IP addresses learnt by mac-ip learning (OpenSDN)'),
  target_ip_list: d(
    struct('IpAddressesType'),
    'Addresses to health-check when target_ip_all is false (OpenSDN)',
  ),
});

export const serviceTypes: ComplexType[] = [
  ServiceTemplateType,
  ServiceTemplateInterfaceType,
  ServiceInstanceType,
  ServiceInstanceInterfaceType,
  ServiceScaleOutType,
  ServiceInterfaceTag,
  ServiceHealthCheckType,
];
