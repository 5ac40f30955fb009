/**
 * TF's named simple types (xsd:simpleType restrictions in vnc_cfg.xsd, bgp_schema.xsd, …): enumerations, integer
 * ranges and patterns. They are not complex types; fields and properties use them inline.
 */
import { enumOf, fmt, int, pattern, str } from './dsl';

// Integer ranges
export const AccessType = int(0, 7);
export const L4PortType = int(-1, 65535);
export const AutonomousSystemType = int(1, 4294967295);
export const RdClusterSeedType = int(1, 65535);
export const VxlanNetworkIdentifierType = int(1, 16777215);
export const MaxFlowsType = int(0, 4294967296);
export const VlanIdType = int(0, 4094);
export const Dot1QTagType = int(0, 4094);
export const MACAgingTime = int(0, 86400);
export const MACMoveTimeWindow = int(1, 60);
export const DscpValueType = int(0, 63);
export const EndOfRibTimeType = int(0, 4095);
export const GracefulRestartTimeType = int(0, 4095);
export const LongLivedGracefulRestartTimeType = int(0, 16777215);
export const XmppHoldTimeType = int(1, 90);
export const BgpHoldTime = int(0, 65535);
export const BgpAsPathLoopCount = int(0, 16);
export const BgpPrefixLimitIdleTimeout = int(0, 86400);
export const AuthenticationKeyId = int(0, 63);
export const UniqueQuotaType = int(0, 1);
/** TF declares SecurityGroupIdType as 8000000..4294967296, but stores a configured id (< 8M) there too. */
export const SecurityGroupIdType = int(0, 4294967296);
export const ConfiguredSecurityGroupIdType = int(0, 7999999);
export const VirtualNetworkIdType = int(1, 4294967296);
export const NetworkMtuType = int(0, 9216);
export const RouteReplicationThresholdType = int(0, 60);

// Enumerations
export const EtherType = enumOf('IPv4', 'IPv6');
export const DirectionType = enumOf('>', '<>');
export const FirewallRuleDirectionType = enumOf('<', '>', '<>');
export const SimpleActionType = enumOf('deny', 'pass');
export const TrafficDirectionType = enumOf('ingress', 'egress', 'both');
export const AddressMode = enumOf('active-active', 'active-standby');
export const IpAddressFamilyType = enumOf('v4', 'v6');
export const ForwardingModeType = enumOf('l2_l3', 'l2', 'l3');
export const RpfModeType = enumOf('enable', 'disable');
export const AddressAllocationModeType = enumOf(
  'user-defined-subnet-preferred',
  'user-defined-subnet-only',
  'flat-subnet-preferred',
  'flat-subnet-only',
);
export const SubnetMethodType = enumOf('user-defined-subnet', 'flat-subnet', 'auto-subnet');
export const IpamMethodType = enumOf('dhcp', 'fixed');
export const IpamDnsMethodType = enumOf(
  'none',
  'default-dns-server',
  'tenant-dns-server',
  'virtual-dns-server',
);
export const VirtualNetworkCategory = enumOf('infra', 'tenant', 'internal', 'routed');
export const ServerType = enumOf('virtual-server', 'baremetal-server', 'container');
export const NHModeType = enumOf('dynamic', 'static');
export const FatFlowIgnoreAddressType = enumOf('none', 'source', 'destination');
export const MACLimitExceedActionType = enumOf('log', 'alarm', 'shutdown', 'drop');
export const EncapsulationType = enumOf('MPLSoGRE', 'MPLSoUDP', 'VXLAN');
export const VxlanNetworkIdentifierModeType = enumOf('configured', 'automatic');
export const EncryptionMode = enumOf('none', 'all');
export const DnsRecordOrderType = enumOf('fixed', 'random', 'round-robin');
export const FloatingIpDnsNotation = enumOf(
  'dashed-ip',
  'dashed-ip-tenant-name',
  'vm-name',
  'vm-name-tenant-name',
);
export const RouteNextHopType = enumOf('service-instance', 'ip-address');
export const ImportExportType = enumOf('import', 'export');
export const ServiceType = enumOf('firewall', 'analyzer', 'source-nat', 'loadbalancer');
export const ServiceModeType = enumOf('transparent', 'in-network', 'in-network-nat');
export const ServiceVirtualizationType = enumOf(
  'virtual-machine',
  'network-namespace',
  'vrouter-instance',
  'physical-device',
);
export const VRouterInstanceType = enumOf('libvirt-qemu', 'docker');
export const HealthCheckProtocolType = enumOf('PING', 'HTTP', 'BFD');
export const HealthCheckType = enumOf('link-local', 'end-to-end', 'segment');
export const HealthmonitorType = enumOf('PING', 'TCP', 'HTTP', 'HTTPS');
export const LoadbalancerProtocolType = enumOf('HTTP', 'HTTPS', 'TCP', 'UDP', 'TERMINATED_HTTPS');
export const LoadbalancerMethodType = enumOf('ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP');
export const SessionPersistenceType = enumOf('SOURCE_IP', 'HTTP_COOKIE', 'APP_COOKIE');
export const VirtualRouterType = enumOf('embedded', 'tor-agent', 'tor-service-node');
export const BgpRouterType = enumOf(
  'control-node',
  'external-control-node',
  'router',
  'bgpaas-server',
  'bgpaas-client',
);
export const BgpPrivateAsAction = enumOf('remove', 'remove-all', 'replace-all');
export const RouteOriginAttributeType = enumOf('IGP', 'EGP', 'INCOMPLETE');
export const AddressFamily = enumOf(
  'inet',
  'inet-labeled',
  'inet-vpn',
  'e-vpn',
  'erm-vpn',
  'route-target',
  'inet6',
  'inet-mvpn',
  'inet6-vpn',
);
export const AuthenticationKeyType = enumOf('md5');
export const BgpTunnelEncapsulationType = enumOf('gre', 'mpls', 'udp', 'vxlan');
export const RoutingProtocolType = enumOf('static-routes', 'bgp', 'ospf', 'pim');
export const PimMode = enumOf('sparse', 'sparse-dense', 'dense');
export const OspfAreaType = enumOf('nssa', 'stub', 'backbone');
export const LogicalRouterType = enumOf('snat-routing', 'vxlan-routing');
export const LogicalRouterVirtualNetworkEnumType = enumOf('ExternalGateway', 'InternalVirtualNetwork');
export const DraftModeState = enumOf('created', 'updated', 'deleted');

// Patterned strings
/** TF checks `management|left|right|other[0-9]*` (`_validate_serviceinterface_type`). */
export const ServiceInterfaceType = pattern('^(management|left|right|other[0-9]*)$');
const U16 = '(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})';
/**
 * A well-known community name, or `<asn 0..65535>:<number>` (TF `_validate_communityattribute_type` bounds only
 * the ASN part).
 */
export const CommunityAttribute = pattern(
  `^(no-export|accept-own|no-advertise|no-export-subconfed|no-reoriginate|${U16}:[0-9]+)$`,
);
/** TF's bgp:SequenceNumberType: an ordering string, e.g. "00001.0" (compared lexicographically). */
export const SequenceNumberType = str();
/** TF's U16BitHexInt/U32BitHexInt (`0x` + hex digits); server-allocated in v1. */
export const HexIdType = fmt('hex');
