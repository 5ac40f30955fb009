/** LBaaS v2 objects (TF loadbalancer.xsd). */
import type { ComplexType } from '../schema';
import { bool, complexType, d, fmt, int, list, str } from './dsl';
import {
  HealthmonitorType,
  LoadbalancerMethodType,
  LoadbalancerProtocolType,
  SessionPersistenceType,
} from './simple';

export const LoadbalancerType = complexType('LoadbalancerType', {
  status: d(str(), 'Operational status, updated by system'),
  provisioning_status: d(str(), 'Provisioning status, updated by system'),
  operating_status: d(str(), 'Operational status, updated by system'),
  vip_subnet_id: d(fmt('uuid'), 'Subnet UUID of the subnet of VIP'),
  vip_address: d(fmt('ip'), 'Virtual ip for this LBaaS'),
  admin_state: bool,
});

export const LoadbalancerListenerType = complexType('LoadbalancerListenerType', {
  protocol: LoadbalancerProtocolType,
  protocol_port: int(),
  admin_state: bool,
  connection_limit: int(),
  default_tls_container: str(),
  sni_containers: list(str()),
});

export const LoadbalancerPoolType = complexType('LoadbalancerPoolType', {
  status: d(str(), 'Operating status (system-only)'),
  status_description: d(str(), 'Operating status description (system-only)'),
  admin_state: bool,
  protocol: LoadbalancerProtocolType,
  loadbalancer_method: LoadbalancerMethodType,
  subnet_id: d(fmt('uuid'), 'UUID of the subnet from where the members of the pool are reachable'),
  session_persistence: SessionPersistenceType,
  persistence_cookie_name: str(),
});

export const LoadbalancerMemberType = complexType('LoadbalancerMemberType', {
  admin_state: bool,
  status: d(str(), 'Operational status (system-only)'),
  status_description: d(str(), 'Operational status description (system-only)'),
  protocol_port: int(),
  weight: d(int(), 'Weight for load balancing (TF default 1)'),
  address: d(fmt('ip'), 'Ip address of the member'),
  subnet_id: fmt('uuid'),
});

export const LoadbalancerHealthmonitorType = complexType('LoadbalancerHealthmonitorType', {
  admin_state: bool,
  monitor_type: HealthmonitorType,
  delay: int(),
  timeout: int(),
  max_retries: int(),
  http_method: str(),
  url_path: str(),
  expected_codes: str(),
});

export const loadbalancerTypes: ComplexType[] = [
  LoadbalancerType,
  LoadbalancerListenerType,
  LoadbalancerPoolType,
  LoadbalancerMemberType,
  LoadbalancerHealthmonitorType,
];
