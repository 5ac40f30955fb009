import { bool, str, struct } from '../complex-types/dsl';
import {
  AutonomousSystemType,
  MACAgingTime,
  RdClusterSeedType,
  RouteReplicationThresholdType,
} from '../complex-types/simple';
import type { TypeDef } from '../schema';
import { mapProp, prop, ref, refs } from './dsl';

/** The singleton `default-global-system-config`: cluster-wide BGP and system settings. */
export const globalSystemConfig: TypeDef = {
  name: 'global-system-config',
  parents: ['config-root'],
  singleton: true,
  description: 'Global system config is object where all global system configuration is present.',
  refs: refs(ref('bgp-router', null)),
  props: {
    autonomous_system: prop(AutonomousSystemType, {
      description: 'Autonomous System number for the cluster; 16 bits unless enable_4byte_as',
    }),
    enable_4byte_as: prop(bool, { default: false }),
    config_version: prop(str(), { operations: 'R', system: true }),
    graceful_restart_parameters: prop(struct('GracefulRestartParametersType')),
    fast_convergence_parameters: prop(struct('FastConvergenceParametersType')),
    plugin_tuning: prop(struct('PluginProperties')),
    data_center_interconnect_loopback_namespace: prop(struct('SubnetListType')),
    data_center_interconnect_asn_namespace: prop(struct('AsnRangeType')),
    ibgp_auto_mesh: prop(bool, { default: true }),
    bgp_always_compare_med: prop(bool),
    bgp_all_tags_are_global: prop(bool),
    rd_cluster_seed: prop(RdClusterSeedType),
    route_replication_threshold: prop(RouteReplicationThresholdType),
    ip_fabric_subnets: prop(struct('SubnetListType')),
    supported_device_families: prop(struct('DeviceFamilyListType')),
    supported_vendor_hardwares: prop(struct('VendorHardwaresType')),
    supported_fabric_annotations: prop(struct('KeyValuePairs')),
    bgpaas_parameters: prop(struct('BGPaaServiceParametersType')),
    mac_limit_control: prop(struct('MACLimitControlType')),
    mac_move_control: prop(struct('MACMoveLimitControlType')),
    mac_aging_time: prop(MACAgingTime, { default: 300 }),
    igmp_enable: prop(bool, { default: false }),
    alarm_enable: prop(bool),
    enable_security_policy_draft: prop(bool, { default: false }),
    user_defined_log_statistics: mapProp('UserDefinedLogStatList', 'statlist', 'name'),
  },
};
