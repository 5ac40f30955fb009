/** global-system-config complex types. */
import type { ComplexType } from '../schema';
import { bool, complexType, d, int, list, str, struct } from './dsl';
import {
  EndOfRibTimeType,
  GracefulRestartTimeType,
  L4PortType,
  LongLivedGracefulRestartTimeType,
  XmppHoldTimeType,
} from './simple';

export const GracefulRestartParametersType = complexType('GracefulRestartParametersType', {
  enable: bool,
  restart_time: d(GracefulRestartTimeType, 'TF default 300'),
  long_lived_restart_time: d(LongLivedGracefulRestartTimeType, 'TF default 300'),
  end_of_rib_timeout: d(EndOfRibTimeType, 'TF default 300'),
  bgp_helper_enable: bool,
  xmpp_helper_enable: bool,
});

export const FastConvergenceParametersType = complexType('FastConvergenceParametersType', {
  enable: bool,
  nh_reachability_check: bool,
  xmpp_hold_time: d(XmppHoldTimeType, 'TF default 90'),
});

export const BGPaaServiceParametersType = complexType('BGPaaServiceParametersType', {
  port_start: d(L4PortType, 'TF default 50000'),
  port_end: d(L4PortType, 'TF default 50512'),
});

export const PluginProperties = complexType('PluginProperties', {
  plugin_property: list(struct('PluginProperty')),
});

export const PluginProperty = complexType('PluginProperty', {
  property: str(),
  value: str(),
});

export const DeviceFamilyListType = complexType('DeviceFamilyListType', {
  device_family: list(str()),
});

export const VendorHardwaresType = complexType('VendorHardwaresType', {
  vendor_hardware: list(str()),
});

export const AsnRangeType = complexType('AsnRangeType', {
  asn_min: int(),
  asn_max: int(),
});

/** global-system-config `user_defined_log_statistics`: a map collection over `statlist`, keyed by `name`. */
export const UserDefinedLogStatList = complexType('UserDefinedLogStatList', {
  statlist: list(struct('UserDefinedLogStat')),
});

export const UserDefinedLogStat = complexType('UserDefinedLogStat', {
  name: str(),
  pattern: d(str(), 'Perl type regular expression pattern to match'),
});

export const systemTypes: ComplexType[] = [
  GracefulRestartParametersType,
  FastConvergenceParametersType,
  BGPaaServiceParametersType,
  PluginProperties,
  PluginProperty,
  DeviceFamilyListType,
  VendorHardwaresType,
  AsnRangeType,
  UserDefinedLogStatList,
  UserDefinedLogStat,
];
