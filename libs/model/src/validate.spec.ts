import { SkeinError } from './errors';
import { getType } from './registry';
import type { FieldType } from './schema';
import { validateProp, validateRefAttr, validateValue } from './validate';

/** Validate every prop of a body for `type` (what the API does for each property key). */
function validateBody(type: string, body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) out[k] = validateProp(type, k, v);
  return out;
}

function errorOf(fn: () => unknown): SkeinError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SkeinError);
    return e as SkeinError;
  }
  throw new Error('expected a SkeinError');
}

function expect400(fn: () => unknown, code: 'INVALID_FIELD' | 'UNKNOWN_FIELD', field: string): SkeinError {
  const e = errorOf(fn);
  expect({ status: e.status, code: e.code, field: e.details.field }).toEqual({ status: 400, code, field });
  expect(e.message).toContain(field);
  return e;
}

const UUID = '6d1f4a7e-2b3c-4d5e-8f90-a1b2c3d4e5f6';

describe('validateValue accepts real TF payloads', () => {
  it('a virtual network with properties, route targets and an ipam ref with VnSubnetsType', () => {
    const vn = {
      display_name: 'vn-blue',
      virtual_network_properties: {
        forwarding_mode: 'l2_l3',
        vxlan_network_identifier: 5001,
        rpf: 'enable',
        allow_transit: null,
        network_id: null,
        mirror_destination: false,
        max_flows: 0,
      },
      route_target_list: { route_target: ['target:64512:1', 'target:10.0.0.1:7'] },
      port_security_enabled: true,
      address_allocation_mode: 'user-defined-subnet-only',
      virtual_network_fat_flow_protocols: {
        fat_flow_protocol: [{ protocol: 'udp', port: 53, ignore_address: 'none' }],
      },
      annotations: { key_value_pair: [{ key: 'owner', value: 'ops' }] },
      id_perms: {
        enable: true,
        description: 'blue',
        user_visible: true,
        created: '2024-01-01T10:00:00.000000',
      },
      perms2: { owner: 'cloud-admin', owner_access: 7, global_access: 0, share: [] },
    };
    expect(validateBody('virtual-network', vn)).toEqual({
      ...vn,
      virtual_network_properties: {
        forwarding_mode: 'l2_l3',
        vxlan_network_identifier: 5001,
        rpf: 'enable',
        mirror_destination: false,
        max_flows: 0,
      },
    });
    // vnc_api serialises unset fields as null: they are dropped
    const attr = {
      ipam_subnets: [
        {
          subnet: { ip_prefix: '10.1.1.0', ip_prefix_len: 24 },
          default_gateway: '10.1.1.254',
          dns_server_address: '10.1.1.253',
          subnet_uuid: UUID,
          enable_dhcp: true,
          dns_nameservers: [],
          allocation_pools: [{ start: '10.1.1.10', end: '10.1.1.100', vrouter_specific_pool: null }],
          addr_from_start: false,
          dhcp_option_list: {
            dhcp_option: [
              { dhcp_option_name: '6', dhcp_option_value: '8.8.8.8', dhcp_option_value_bytes: null },
            ],
          },
          host_routes: {
            route: [
              { prefix: '0.0.0.0/0', next_hop: '10.1.1.1', next_hop_type: null, community_attributes: null },
            ],
          },
          subnet_name: 'subnet-1',
          alloc_unit: 1,
          created: null,
          last_modified: null,
        },
        { subnet: { ip_prefix: 'fd14::', ip_prefix_len: 64 }, addr_from_start: true },
      ],
      host_routes: null,
    };
    const out = validateRefAttr('virtual-network', 'network-ipam', attr, 'network_ipam_refs[0].attr') as any;
    expect(out.host_routes).toBeUndefined();
    expect(out.ipam_subnets[0].allocation_pools).toEqual([{ start: '10.1.1.10', end: '10.1.1.100' }]);
    expect(out.ipam_subnets[0].host_routes.route[0]).toEqual({ prefix: '0.0.0.0/0', next_hop: '10.1.1.1' });
    expect(
      validateRefAttr(
        'virtual-network',
        'network-policy',
        { sequence: { major: 0, minor: 0 }, timer: null },
        'a',
      ),
    ).toEqual({ sequence: { major: 0, minor: 0 } });
    expect(validateRefAttr('virtual-network', 'route-table', null, 'route_table_refs[0].attr')).toBeNull();
    expect(validateRefAttr('virtual-network', 'route-table', {}, 'route_table_refs[0].attr')).toBeNull();
  });

  it('a virtual machine interface with allowed address pairs, bindings and fat flows', () => {
    const vmi = {
      virtual_machine_interface_mac_addresses: { mac_address: ['02:6d:1f:4a:7e:2b'] },
      virtual_machine_interface_allowed_address_pairs: {
        allowed_address_pair: [
          {
            ip: { ip_prefix: '10.0.0.5', ip_prefix_len: 32 },
            mac: '02:aa:bb:cc:dd:ee',
            address_mode: 'active-standby',
          },
          { ip: { ip_prefix: 'fd14::5', ip_prefix_len: 128 }, address_mode: 'active-active' },
        ],
      },
      virtual_machine_interface_bindings: {
        key_value_pair: [
          { key: 'vnic_type', value: 'normal' },
          { key: 'host_id', value: 'compute-1' },
          { key: 'vif_details', value: '{"port_filter": true}' },
        ],
      },
      virtual_machine_interface_fat_flow_protocols: {
        fat_flow_protocol: [
          {
            protocol: 'tcp',
            port: 80,
            ignore_address: 'source',
            source_prefix: { ip_prefix: '1.1.0.0', ip_prefix_len: 16 },
          },
        ],
      },
      virtual_machine_interface_properties: {
        sub_interface_vlan_tag: 100,
        service_interface_type: 'left',
        local_preference: 200,
      },
      virtual_machine_interface_device_owner: 'compute:nova',
      virtual_machine_interface_disable_policy: false,
      port_security_enabled: false,
      ecmp_hashing_include_fields: { hashing_configured: true, source_ip: true, destination_ip: true },
    };
    expect(validateBody('virtual-machine-interface', vmi)).toEqual(vmi);
    expect(
      validateRefAttr(
        'virtual-machine-interface',
        'routing-instance',
        { direction: 'both' },
        'routing_instance_refs[0].attr',
      ),
    ).toEqual({ direction: 'both' });
    expect(
      validateProp('virtual-machine-interface', 'virtual_machine_interface_properties', {
        service_interface_type: 'other12',
      }),
    ).toEqual({ service_interface_type: 'other12' });
  });

  it('a firewall rule with endpoints, service and match tags', () => {
    const rule = {
      action_list: { simple_action: 'pass', log: false, apply_service: [] },
      service: {
        protocol: 'tcp',
        protocol_id: 6,
        src_ports: { start_port: 0, end_port: 65535 },
        dst_ports: { start_port: 80, end_port: 80 },
      },
      endpoint_1: {
        tags: ['app=web', 'global:site=paris'],
        tag_ids: [0x00010003],
        any: null,
        virtual_network: null,
      },
      endpoint_2: { subnet: { ip_prefix: '10.0.0.0', ip_prefix_len: 8 } },
      match_tags: { tag_list: ['application'] },
      direction: '<>',
    };
    expect(validateBody('firewall-rule', rule)).toEqual({
      ...rule,
      endpoint_1: { tags: ['app=web', 'global:site=paris'], tag_ids: [0x00010003] },
    });
    expect(
      validateRefAttr(
        'firewall-policy',
        'firewall-rule',
        { sequence: '00001.0' },
        'firewall_rule_refs[0].attr',
      ),
    ).toEqual({
      sequence: '00001.0',
    });
  });

  it('a security group with ingress and egress rules', () => {
    const sg = {
      security_group_entries: {
        policy_rule: [
          {
            rule_uuid: UUID,
            direction: '>',
            protocol: 'any',
            src_addresses: [{ security_group: 'default-domain:demo:default' }],
            src_ports: [{ start_port: 0, end_port: 65535 }],
            dst_addresses: [{ security_group: 'local', subnet: null }],
            dst_ports: [{ start_port: 0, end_port: 65535 }],
            ethertype: 'IPv4',
          },
          {
            direction: '>',
            protocol: '6',
            src_addresses: [{ security_group: 'local' }],
            src_ports: [{ start_port: -1, end_port: -1 }],
            dst_addresses: [{ subnet: { ip_prefix: '::', ip_prefix_len: 0 } }],
            dst_ports: [{ start_port: 22, end_port: 22 }],
            ethertype: 'IPv6',
          },
        ],
      },
      configured_security_group_id: 0,
    };
    const out = validateBody('security-group', sg) as any;
    expect(out.security_group_entries.policy_rule[0].dst_addresses).toEqual([{ security_group: 'local' }]);
    expect(out.security_group_entries.policy_rule[1]).toEqual(sg.security_group_entries.policy_rule[1]);
  });

  it('load balancer objects', () => {
    const pool = {
      loadbalancer_pool_properties: {
        protocol: 'HTTP',
        loadbalancer_method: 'ROUND_ROBIN',
        admin_state: true,
        subnet_id: UUID,
        session_persistence: 'APP_COOKIE',
        persistence_cookie_name: 'sid',
        status: null,
      },
      loadbalancer_pool_provider: 'opencontrail',
      loadbalancer_pool_custom_attributes: { key_value_pair: [{ key: 'max_conn', value: '100' }] },
    };
    expect(
      (validateBody('loadbalancer-pool', pool) as any).loadbalancer_pool_properties.status,
    ).toBeUndefined();
    expect(
      validateBody('loadbalancer', {
        loadbalancer_properties: { vip_subnet_id: UUID, vip_address: '10.1.1.5', admin_state: true },
        loadbalancer_provider: 'native',
      }),
    ).toBeTruthy();
    expect(
      validateBody('loadbalancer-listener', {
        loadbalancer_listener_properties: {
          protocol: 'TERMINATED_HTTPS',
          protocol_port: 443,
          sni_containers: ['a', 'b'],
        },
      }),
    ).toBeTruthy();
    expect(
      validateBody('loadbalancer-healthmonitor', {
        loadbalancer_healthmonitor_properties: {
          monitor_type: 'HTTP',
          delay: 5,
          timeout: 5,
          max_retries: 3,
          url_path: '/',
        },
      }),
    ).toBeTruthy();
    expect(
      validateBody('loadbalancer-member', {
        loadbalancer_member_properties: {
          address: '10.1.1.20',
          protocol_port: 8080,
          weight: 1,
          admin_state: true,
        },
      }),
    ).toBeTruthy();
  });

  it('bgp routers and their peering attrs', () => {
    const params = {
      bgp_router_parameters: {
        vendor: 'contrail',
        router_type: 'control-node',
        autonomous_system: 64512,
        identifier: '10.0.0.11',
        address: '10.0.0.11',
        port: 179,
        hold_time: 90,
        address_families: { family: ['route-target', 'inet-vpn', 'e-vpn', 'erm-vpn', 'inet6-vpn'] },
        auth_data: { key_type: 'md5', key_items: [{ key_id: 0, key: 'secret' }] },
      },
    };
    expect(validateBody('bgp-router', params)).toEqual(params);
    const peering = {
      session: [
        {
          uuid: null,
          attributes: [
            {
              bgp_router: null,
              address_families: { family: ['inet-vpn'] },
              family_attributes: [
                {
                  address_family: 'inet-vpn',
                  loop_count: 2,
                  prefix_limit: { maximum: 1000, idle_timeout: 60 },
                },
              ],
            },
          ],
        },
      ],
    };
    expect(validateRefAttr('bgp-router', 'bgp-router', peering, 'bgp_router_refs[0].attr')).toBeTruthy();
  });

  it('global configs, tags, service objects and a network ipam', () => {
    expect(
      validateBody('global-system-config', {
        autonomous_system: 4200000000,
        enable_4byte_as: true,
        graceful_restart_parameters: {
          enable: true,
          restart_time: 300,
          long_lived_restart_time: 300,
          end_of_rib_timeout: 300,
        },
        ip_fabric_subnets: { subnet: [{ ip_prefix: '10.0.0.0', ip_prefix_len: 16 }] },
        user_defined_log_statistics: { statlist: [{ name: 'hits', pattern: '.*hit.*' }] },
      }),
    ).toBeTruthy();
    expect(
      validateBody('global-vrouter-config', {
        encapsulation_priorities: { encapsulation: ['MPLSoUDP', 'MPLSoGRE', 'VXLAN'] },
        linklocal_services: {
          linklocal_service_entry: [
            {
              linklocal_service_name: 'metadata',
              linklocal_service_ip: '169.254.169.254',
              linklocal_service_port: 80,
              ip_fabric_service_ip: ['10.0.0.5'],
              ip_fabric_service_port: 8775,
            },
          ],
        },
        port_translation_pools: { port_translation_pool: [{ protocol: 'tcp', port_count: '1024' }] },
        vxlan_network_identifier_mode: 'automatic',
      }),
    ).toBeTruthy();
    expect(
      validateBody('tag', { tag_type_name: 'application', tag_value: 'web', tag_id: '0x00010002' }),
    ).toBeTruthy();
    expect(
      validateBody('service-template', {
        service_template_properties: {
          version: 2,
          service_mode: 'in-network-nat',
          service_type: 'source-nat',
          interface_type: [{ service_interface_type: 'right' }, { service_interface_type: 'left' }],
          service_virtualization_type: 'network-namespace',
        },
      }),
    ).toBeTruthy();
    expect(
      validateRefAttr(
        'service-health-check',
        'service-instance',
        { interface_type: 'left' },
        'service_instance_refs[0].attr',
      ),
    ).toEqual({ interface_type: 'left' });
    expect(
      validateBody('network-ipam', {
        ipam_subnet_method: 'flat-subnet',
        ipam_subnets: { subnets: [{ subnet: { ip_prefix: '10.32.0.0', ip_prefix_len: 12 } }] },
        network_ipam_mgmt: {
          ipam_dns_method: 'virtual-dns-server',
          ipam_dns_server: { virtual_dns_server_name: 'default-domain:vdns' },
        },
      }),
    ).toBeTruthy();
    expect(
      validateBody('route-table', {
        routes: {
          route: [
            {
              prefix: '192.168.0.0/16',
              next_hop: '10.1.1.1',
              next_hop_type: 'ip-address',
              community_attributes: { community_attribute: ['no-export', '64512:100'] },
            },
          ],
        },
      }),
    ).toBeTruthy();
    expect(
      validateBody('api-access-list', {
        api_access_list_entries: {
          rbac_rule: [
            {
              rule_object: 'virtual-network',
              rule_field: '',
              rule_perms: [{ role_name: 'member', role_crud: 'CRUD' }],
            },
          ],
        },
      }),
    ).toBeTruthy();
  });
});

describe('validateValue rejects, naming the field path', () => {
  it('unknown fields at any depth', () => {
    expect400(() => validateProp('virtual-network', 'foo', 1), 'UNKNOWN_FIELD', 'foo');
    expect400(
      () =>
        validateProp('virtual-network', 'virtual_network_properties', {
          forwarding_mode: 'l2',
          colour: 'red',
        }),
      'UNKNOWN_FIELD',
      'virtual_network_properties.colour',
    );
    expect400(
      () =>
        validateRefAttr(
          'virtual-network',
          'network-ipam',
          { ipam_subnets: [{ subnet: { ip_prefix: '10.1.1.0', ip_prefix_len: 24, mask: 'x' } }] },
          'network_ipam_refs[0].attr',
        ),
      'UNKNOWN_FIELD',
      'network_ipam_refs[0].attr.ipam_subnets[0].subnet.mask',
    );
    expect400(
      () =>
        validateProp('security-group', 'security_group_entries', {
          policy_rule: [
            {
              direction: '>',
              action_list: {
                simple_action: 'pass',
                mirror_to: { analyzer_ip_address: '1.1.1.1', bogus: true },
              },
            },
          ],
        }),
      'UNKNOWN_FIELD',
      'security_group_entries.policy_rule[0].action_list.mirror_to.bogus',
    );
    expect400(
      () => validateRefAttr('virtual-network', 'qos-config', null, 'qos_config_refs[0].attr'),
      'UNKNOWN_FIELD',
      'qos_config_refs[0].attr',
    );
  });

  it('enum values not listed', () => {
    const e = expect400(
      () => validateProp('virtual-network', 'virtual_network_properties', { forwarding_mode: 'l4' }),
      'INVALID_FIELD',
      'virtual_network_properties.forwarding_mode',
    );
    expect(e.message).toContain('l2_l3');
    expect400(() => validateProp('firewall-rule', 'direction', '->'), 'INVALID_FIELD', 'direction');
    expect400(
      () => validateProp('network-ipam', 'ipam_subnet_method', 'dhcp'),
      'INVALID_FIELD',
      'ipam_subnet_method',
    );
    expect400(
      () =>
        validateProp('network-policy', 'network_policy_entries', { policy_rule: [{ ethertype: 'ipv4' }] }),
      'INVALID_FIELD',
      'network_policy_entries.policy_rule[0].ethertype',
    );
    expect400(
      () =>
        validateProp('virtual-machine-interface', 'virtual_machine_interface_properties', {
          service_interface_type: 'middle',
        }),
      'INVALID_FIELD',
      'virtual_machine_interface_properties.service_interface_type',
    );
    expect400(
      () =>
        validateProp('route-table', 'routes', {
          route: [{ community_attributes: { community_attribute: ['70000:1'] } }],
        }),
      'INVALID_FIELD',
      'routes.route[0].community_attributes.community_attribute[0]',
    );
  });

  it('wrong JSON types', () => {
    expect400(
      () => validateProp('virtual-machine-interface', 'port_security_enabled', 'yes'),
      'INVALID_FIELD',
      'port_security_enabled',
    );
    expect400(
      () => validateProp('virtual-machine-interface', 'port_security_enabled', 1),
      'INVALID_FIELD',
      'port_security_enabled',
    );
    expect400(() => validateProp('virtual-network', 'display_name', 42), 'INVALID_FIELD', 'display_name');
    expect400(
      () => validateProp('virtual-network', 'virtual_network_properties', 'l2'),
      'INVALID_FIELD',
      'virtual_network_properties',
    );
    expect400(
      () => validateProp('virtual-network', 'virtual_network_properties', ['l2']),
      'INVALID_FIELD',
      'virtual_network_properties',
    );
    expect400(
      () => validateProp('virtual-network', 'route_target_list', { route_target: 'target:64512:1' }),
      'INVALID_FIELD',
      'route_target_list.route_target',
    );
    expect400(
      () => validateProp('virtual-network', 'route_target_list', { route_target: [null] }),
      'INVALID_FIELD',
      'route_target_list.route_target[0]',
    );
    expect400(
      () => validateProp('virtual-network', 'virtual_network_properties', { vxlan_network_identifier: 1.5 }),
      'INVALID_FIELD',
      'virtual_network_properties.vxlan_network_identifier',
    );
    expect400(
      () => validateProp('virtual-network', 'virtual_network_properties', { vxlan_network_identifier: true }),
      'INVALID_FIELD',
      'virtual_network_properties.vxlan_network_identifier',
    );
    expect400(
      () => validateProp('virtual-network', 'virtual_network_properties', { vxlan_network_identifier: '5x' }),
      'INVALID_FIELD',
      'virtual_network_properties.vxlan_network_identifier',
    );
    expect400(
      () => validateRefAttr('virtual-network', 'route-table', { a: 1 }, 'route_table_refs[0].attr'),
      'INVALID_FIELD',
      'route_table_refs[0].attr',
    );
  });

  it('out-of-range integers', () => {
    expect400(
      () =>
        validateProp('virtual-network', 'virtual_network_properties', { vxlan_network_identifier: 16777216 }),
      'INVALID_FIELD',
      'virtual_network_properties.vxlan_network_identifier',
    );
    expect400(
      () => validateProp('global-system-config', 'autonomous_system', 0),
      'INVALID_FIELD',
      'autonomous_system',
    );
    expect400(
      () => validateProp('global-system-config', 'autonomous_system', 4294967296),
      'INVALID_FIELD',
      'autonomous_system',
    );
    expect400(
      () => validateProp('security-group', 'configured_security_group_id', 8000000),
      'INVALID_FIELD',
      'configured_security_group_id',
    );
    expect400(
      () => validateProp('virtual-network', 'perms2', { owner: 'x', owner_access: 7, global_access: 9 }),
      'INVALID_FIELD',
      'perms2.global_access',
    );
    expect400(
      () => validateProp('firewall-rule', 'service', { dst_ports: { start_port: -2, end_port: 80 } }),
      'INVALID_FIELD',
      'service.dst_ports.start_port',
    );
    expect400(
      () =>
        validateProp('bgp-router', 'bgp_router_parameters', {
          auth_data: { key_type: 'md5', key_items: [{}, {}, {}] },
        }),
      'INVALID_FIELD',
      'bgp_router_parameters.auth_data.key_items',
    );
  });

  it('bad formats', () => {
    expect400(
      () => validateProp('virtual-network', 'route_target_list', { route_target: ['target:x'] }),
      'INVALID_FIELD',
      'route_target_list.route_target[0]',
    );
    expect400(
      () =>
        validateProp('virtual-machine-interface', 'virtual_machine_interface_mac_addresses', {
          mac_address: ['02:zz:00:00:00:01'],
        }),
      'INVALID_FIELD',
      'virtual_machine_interface_mac_addresses.mac_address[0]',
    );
    expect400(
      () => validateProp('instance-ip', 'instance_ip_address', '10.1.1.256'),
      'INVALID_FIELD',
      'instance_ip_address',
    );
    expect400(() => validateProp('instance-ip', 'subnet_uuid', 'ABC'), 'INVALID_FIELD', 'subnet_uuid');
    expect400(
      () =>
        validateRefAttr(
          'virtual-network',
          'network-ipam',
          { ipam_subnets: [{ default_gateway: 'gw' }] },
          'network_ipam_refs[0].attr',
        ),
      'INVALID_FIELD',
      'network_ipam_refs[0].attr.ipam_subnets[0].default_gateway',
    );
    expect400(
      () => validateProp('route-table', 'routes', { route: [{ prefix: '10.0.0.0' }] }),
      'INVALID_FIELD',
      'routes.route[0].prefix',
    );
    expect400(
      () => validateProp('virtual-network', 'id_perms', { created: 'yesterday' }),
      'INVALID_FIELD',
      'id_perms.created',
    );
    expect400(() => validateProp('tag', 'tag_id', '12'), 'INVALID_FIELD', 'tag_id');
  });
});

describe('validateValue normalisation and integers', () => {
  const u64: FieldType = { kind: 'integer', min: 0, max: 18446744073709551615 };

  it('returns top-level null as is and drops nulls inside structs', () => {
    expect(validateValue({ kind: 'struct', name: 'SubnetType' }, null, 'x')).toBeNull();
    expect(
      validateValue({ kind: 'struct', name: 'SubnetType' }, { ip_prefix: null, ip_prefix_len: 24 }, 'x'),
    ).toEqual({
      ip_prefix_len: 24,
    });
  });

  it('normalises SubnetType to its network address and checks the length per family, like TF', () => {
    const subnet: FieldType = { kind: 'struct', name: 'SubnetType' };
    expect(validateValue(subnet, { ip_prefix: '10.1.1.5', ip_prefix_len: 24 }, 's')).toEqual({
      ip_prefix: '10.1.1.0',
      ip_prefix_len: 24,
    });
    expect(validateValue(subnet, { ip_prefix: '10.1.1.5', ip_prefix_len: 32 }, 's')).toEqual({
      ip_prefix: '10.1.1.5',
      ip_prefix_len: 32,
    });
    expect(validateValue(subnet, { ip_prefix: '0.0.0.0', ip_prefix_len: 0 }, 's')).toEqual({
      ip_prefix: '0.0.0.0',
      ip_prefix_len: 0,
    });
    expect(validateValue(subnet, { ip_prefix: 'fd14:0:0:0:0:0:0:1', ip_prefix_len: 64 }, 's')).toEqual({
      ip_prefix: 'fd14::',
      ip_prefix_len: 64,
    });
    expect(validateValue(subnet, { ip_prefix: '2001:db8:1:2:3:4:5:6', ip_prefix_len: 52 }, 's')).toEqual({
      ip_prefix: '2001:db8:1::',
      ip_prefix_len: 52,
    });
    expect(validateValue(subnet, { ip_prefix: '::ffff:10.1.2.3', ip_prefix_len: 120 }, 's')).toEqual({
      ip_prefix: '::ffff:10.1.2.0',
      ip_prefix_len: 120,
    });
    expect400(
      () => validateValue(subnet, { ip_prefix: '10.1.1.0', ip_prefix_len: 33 }, 's'),
      'INVALID_FIELD',
      's.ip_prefix_len',
    );
    const out = validateRefAttr(
      'virtual-network',
      'network-ipam',
      { ipam_subnets: [{ subnet: { ip_prefix: '10.1.1.7', ip_prefix_len: 24 } }] },
      'a',
    ) as any;
    expect(out.ipam_subnets[0].subnet.ip_prefix).toBe('10.1.1.0');
  });

  it('limits active-standby allowed address pairs to /24 (IPv4) and /120 (IPv6), like TF', () => {
    const aap = (ip_prefix: string, ip_prefix_len: number, address_mode = 'active-standby') => ({
      allowed_address_pair: [{ ip: { ip_prefix, ip_prefix_len }, address_mode }],
    });
    const prop = 'virtual_machine_interface_allowed_address_pairs';
    expect(validateProp('virtual-machine-interface', prop, aap('10.0.0.0', 24))).toBeTruthy();
    expect(
      validateProp('virtual-machine-interface', prop, aap('10.0.0.0', 16, 'active-active')),
    ).toBeTruthy();
    expect400(
      () => validateProp('virtual-machine-interface', prop, aap('10.0.0.0', 16)),
      'INVALID_FIELD',
      `${prop}.allowed_address_pair[0].ip.ip_prefix_len`,
    );
    expect400(
      () => validateProp('virtual-machine-interface', prop, aap('fd14::', 64)),
      'INVALID_FIELD',
      `${prop}.allowed_address_pair[0].ip.ip_prefix_len`,
    );
  });

  it('accepts decimal strings for integers, like TF int(value)', () => {
    expect(validateProp('global-system-config', 'autonomous_system', '64512')).toBe(64512);
    expect(validateProp('global-system-config', 'autonomous_system', 64512)).toBe(64512);
  });

  it('checks unsignedLong values exactly', () => {
    const max = '18446744073709551615';
    expect(validateValue(u64, max, 'x')).toBe(18446744073709551615n);
    expect(validateValue(u64, 18446744073709551615n, 'x')).toBe(18446744073709551615n);
    expect(validateValue(u64, 42n, 'x')).toBe(42);
    expect400(() => validateValue(u64, '18446744073709551616', 'x'), 'INVALID_FIELD', 'x');
    expect400(() => validateValue(u64, -1, 'x'), 'INVALID_FIELD', 'x');
    // a JSON number that was already rounded by JSON.parse is passed through unchanged
    expect(validateValue(u64, 2 ** 60, 'x')).toBe(2 ** 60);
    const idPerms = validateProp('virtual-network', 'id_perms', {
      uuid: { uuid_mslong: 7881153853929000000n, uuid_lslong: '10376293541461622783' },
    }) as any;
    expect(idPerms.uuid).toEqual({ uuid_mslong: 7881153853929000000n, uuid_lslong: 10376293541461622783n });
  });

  it('does not mutate its input', () => {
    const input = { forwarding_mode: 'l2', allow_transit: null };
    validateProp('virtual-network', 'virtual_network_properties', input);
    expect(input).toEqual({ forwarding_mode: 'l2', allow_transit: null });
  });
});

it('every declared prop of every type validates an empty struct / is well-formed', () => {
  for (const t of ['virtual-network', 'virtual-machine-interface', 'global-system-config']) {
    for (const [name, p] of Object.entries(getType(t)!.props)) {
      if (p.type.kind === 'struct') expect(validateProp(t, name, {})).toEqual({});
    }
  }
});
