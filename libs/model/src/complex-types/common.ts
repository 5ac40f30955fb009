/** Complex types shared by many object types: identity and permissions, key/value maps, subnets, ports. */
import type { ComplexType } from '../schema';
import { bool, complexType, d, fmt, int, list, str, struct, u64 } from './dsl';
import { AccessType, L4PortType } from './simple';

export const IdPermsType = complexType('IdPermsType', {
  permissions: d(struct('PermType'), 'No longer used, will be removed'),
  uuid: d(struct('UuidType'), 'UUID of the object, system automatically allocates one if not provided'),
  enable: d(bool, 'Administratively Enable/Disable this object'),
  created: d(fmt('datetime'), 'Time when this object was created (system-only)'),
  last_modified: d(fmt('datetime'), 'Time when this object was last modified (system-only)'),
  description: d(str(), 'User provided text'),
  user_visible: d(bool, 'System created internal objects will have this flag set and will not be visible'),
  creator: d(str(), 'Id of tenant who created this object (system-only)'),
});

export const PermType = complexType('PermType', {
  owner: str(),
  owner_access: AccessType,
  group: str(),
  group_access: AccessType,
  other_access: AccessType,
});

/** Two xsd:unsignedLong halves of the object uuid. */
export const UuidType = complexType('UuidType', {
  uuid_mslong: u64(),
  uuid_lslong: u64(),
});

export const PermType2 = complexType('PermType2', {
  owner: d(str(), 'Owner tenant of the object'),
  owner_access: d(AccessType, 'Owner permissions of the object'),
  global_access: d(AccessType, 'Globally(others) shared object and permissions for others of the object'),
  share: d(list(struct('ShareType')), 'Selectively shared object, List of (tenant, permissions)'),
});

export const ShareType = complexType('ShareType', {
  tenant: d(str(), 'Name of tenant with whom the object is shared ("tenant:<uuid>" or "domain:<uuid>")'),
  tenant_access: d(AccessType, 'Allowed permissions in sharing'),
});

export const KeyValuePair = complexType('KeyValuePair', {
  key: str(),
  value: str(),
});

export const KeyValuePairs = complexType('KeyValuePairs', {
  key_value_pair: list(struct('KeyValuePair')),
});

export const SubnetType = complexType('SubnetType', {
  ip_prefix: fmt('ip'),
  ip_prefix_len: int(0, 128),
});

export const SubnetListType = complexType('SubnetListType', {
  subnet: list(struct('SubnetType')),
});

export const AllocationPoolType = complexType('AllocationPoolType', {
  start: fmt('ip'),
  end: fmt('ip'),
  vrouter_specific_pool: bool,
});

export const IpAddressesType = complexType('IpAddressesType', {
  ip_address: list(fmt('ip')),
});

export const MacAddressesType = complexType('MacAddressesType', {
  mac_address: list(fmt('mac')),
});

export const RouteTargetList = complexType('RouteTargetList', {
  route_target: list(fmt('route-target')),
});

export const SequenceType = complexType('SequenceType', {
  major: int(),
  minor: int(),
});

export const TimerType = complexType('TimerType', {
  start_time: fmt('datetime'),
  on_interval: d(str(), 'xsd:time'),
  off_interval: d(str(), 'xsd:time'),
  end_time: fmt('datetime'),
});

export const PortType = complexType('PortType', {
  start_port: L4PortType,
  end_port: L4PortType,
});

export const commonTypes: ComplexType[] = [
  IdPermsType,
  PermType,
  UuidType,
  PermType2,
  ShareType,
  KeyValuePair,
  KeyValuePairs,
  SubnetType,
  SubnetListType,
  AllocationPoolType,
  IpAddressesType,
  MacAddressesType,
  RouteTargetList,
  SequenceType,
  TimerType,
  PortType,
];
