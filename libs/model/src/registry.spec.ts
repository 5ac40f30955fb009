import {
  backRefField,
  backRefSourceForField,
  backRefSourcesOf,
  childField,
  childTypeForField,
  childTypesOf,
  collectionName,
  complexType,
  complexTypes,
  getType,
  isSymmetricRef,
  parentTypesOf,
  refDef,
  refField,
  refTargetForField,
  refTargetsOf,
  typeField,
  typeForCollection,
  typeForField,
  typeInfo,
  typeNames,
  types,
} from './registry';
import type { FieldType } from './schema';

/** config-api.md §1.3: type, parents, refs (target → attr type). */
const table: [string, string[], Record<string, string | null>][] = [
  ['global-system-config', ['config-root'], { 'bgp-router': null }],
  ['global-vrouter-config', ['global-system-config'], {}],
  ['domain', ['config-root'], {}],
  ['project', ['domain'], { 'application-policy-set': null, 'floating-ip-pool': null }],
  ['network-ipam', ['project'], { 'virtual-DNS': null }],
  [
    'virtual-network',
    ['project'],
    {
      'network-ipam': 'VnSubnetsType',
      'network-policy': 'VirtualNetworkPolicyType',
      'route-table': null,
      'virtual-network': null,
    },
  ],
  [
    'routing-instance',
    ['virtual-network'],
    { 'route-target': 'InstanceTargetType', 'routing-instance': 'ConnectionType' },
  ],
  ['route-target', ['config-root'], {}],
  ['virtual-machine', ['config-root'], { 'service-instance': null }],
  [
    'virtual-machine-interface',
    ['project', 'virtual-machine', 'virtual-router'],
    {
      'virtual-network': null,
      'virtual-machine': null,
      'security-group': null,
      'port-tuple': null,
      'service-health-check': null,
      'virtual-machine-interface': null,
      'routing-instance': 'PolicyBasedForwardingRuleType',
    },
  ],
  [
    'instance-ip',
    ['config-root'],
    {
      'virtual-network': null,
      'network-ipam': null,
      'virtual-router': null,
      'virtual-machine-interface': null,
    },
  ],
  ['floating-ip-pool', ['virtual-network'], {}],
  ['floating-ip', ['floating-ip-pool', 'instance-ip'], { project: null, 'virtual-machine-interface': null }],
  ['alias-ip-pool', ['virtual-network'], {}],
  ['alias-ip', ['alias-ip-pool'], { project: null, 'virtual-machine-interface': null }],
  ['security-group', ['project'], {}],
  ['access-control-list', ['virtual-network', 'security-group'], {}],
  ['network-policy', ['project'], {}],
  ['service-template', ['domain'], { 'service-appliance-set': null }],
  ['service-instance', ['project'], { 'service-template': null, 'instance-ip': 'ServiceInterfaceTag' }],
  ['port-tuple', ['service-instance'], { 'virtual-network': null, 'logical-router': null }],
  ['service-appliance-set', ['global-system-config'], {}],
  [
    'loadbalancer',
    ['project'],
    { 'service-appliance-set': null, 'virtual-machine-interface': null, 'service-instance': null },
  ],
  ['loadbalancer-listener', ['project'], { loadbalancer: null }],
  ['loadbalancer-healthmonitor', ['project'], {}],
  [
    'loadbalancer-pool',
    ['project'],
    { 'loadbalancer-listener': null, 'loadbalancer-healthmonitor': null, 'service-instance': null },
  ],
  ['loadbalancer-member', ['loadbalancer-pool'], {}],
  [
    'virtual-router',
    ['global-system-config'],
    { 'virtual-machine': null, 'network-ipam': 'VirtualRouterNetworkIpamType' },
  ],
  ['bgp-router', ['routing-instance'], { 'bgp-router': 'BgpPeeringAttributes' }],
  ['policy-management', ['config-root', 'project'], {}],
  [
    'application-policy-set',
    ['policy-management', 'project'],
    { 'firewall-policy': 'FirewallSequence', 'global-vrouter-config': null },
  ],
  ['firewall-policy', ['policy-management', 'project'], { 'firewall-rule': 'FirewallSequence' }],
  [
    'firewall-rule',
    ['policy-management', 'project'],
    { 'service-group': null, 'address-group': null, tag: null, 'virtual-network': null },
  ],
  ['tag', ['config-root', 'project'], { 'tag-type': null }],
  ['tag-type', ['config-root'], {}],
  ['address-group', ['policy-management', 'project'], {}],
  ['service-group', ['policy-management', 'project'], {}],
  [
    'logical-router',
    ['project'],
    {
      'virtual-machine-interface': null,
      'virtual-network': 'LogicalRouterVirtualNetworkType',
      'route-target': null,
      'route-table': null,
    },
  ],
  ['route-table', ['project'], {}],
  ['virtual-DNS', ['domain'], {}],
  ['api-access-list', ['global-system-config', 'domain', 'project'], {}],
  ['service-health-check', ['project'], { 'service-instance': 'ServiceInterfaceTag' }],
];

describe('registry: the §1.3 table', () => {
  it('has exactly the types of the table', () => {
    expect([...typeNames].sort()).toEqual(table.map(([t]) => t).sort());
  });

  it.each(table)('%s has the stated parents and refs', (name, parents, refs) => {
    const def = getType(name)!;
    expect(def).toBeDefined();
    expect(def.parents).toEqual(parents);
    for (const [to, attr] of Object.entries(refs)) {
      expect(def.refs[to]).toMatchObject({ to, attr });
    }
  });

  it('marks the singleton, derived and optional types', () => {
    expect(types.filter((t) => t.singleton).map((t) => t.name)).toEqual(['global-system-config']);
    expect(
      types
        .filter((t) => t.derived)
        .map((t) => t.name)
        .sort(),
    ).toEqual(['access-control-list', 'port-tuple', 'routing-instance']);
    expect(
      types
        .filter((t) => t.optional)
        .map((t) => t.name)
        .sort(),
    ).toEqual(['alias-ip', 'alias-ip-pool', 'virtual-DNS']);
  });

  it('declares the ref flags of the table', () => {
    expect(refDef('virtual-machine-interface', 'virtual-network')).toMatchObject({ required: true, max: 1 });
    expect(refDef('virtual-machine-interface', 'routing-instance')).toMatchObject({
      derived: true,
      system: true,
    });
    expect(refDef('virtual-machine', 'service-instance')).toMatchObject({ derived: true, weak: true });
    expect(refDef('service-health-check', 'service-instance')).toMatchObject({ derived: true, weak: true });
    expect(refDef('service-instance', 'service-template')).toMatchObject({ required: true });
    expect(refDef('service-instance', 'instance-ip')).toMatchObject({ system: true });
    expect(refDef('firewall-rule', 'address-group')).toMatchObject({ derived: true });
    expect(refDef('firewall-rule', 'tag')).toMatchObject({ derived: true });
    expect(refDef('tag', 'tag-type')).toMatchObject({ derived: true, max: 1 });
    // no other required refs
    const required = types.flatMap((t) =>
      Object.values(t.refs)
        .filter((r) => r.required)
        .map((r) => `${t.name}→${r.to}`),
    );
    expect(required.sort()).toEqual([
      'service-instance→service-template',
      'virtual-machine-interface→virtual-network',
    ]);
  });

  it('declares the key property flags of the table', () => {
    const p = (t: string, n: string) => getType(t)!.props[n];
    expect(p('network-ipam', 'ipam_subnet_method')).toMatchObject({ immutable: true });
    expect(p('virtual-network', 'virtual_network_network_id')).toMatchObject({ allocated: true });
    expect(p('virtual-network', 'is_provider_network')).toMatchObject({ system: true });
    for (const n of ['routing_instance_is_default', 'service_chain_information', 'static_route_entries']) {
      expect(p('routing-instance', n)).toMatchObject({ system: true });
    }
    expect(p('instance-ip', 'instance_ip_address')).toMatchObject({ immutable: true });
    expect(p('instance-ip', 'subnet_uuid')).toMatchObject({ immutable: true });
    expect(p('instance-ip', 'service_instance_ip')).toMatchObject({ system: true });
    expect(p('floating-ip', 'floating_ip_address')).toMatchObject({ immutable: true });
    expect(p('alias-ip', 'alias_ip_address')).toMatchObject({ immutable: true });
    expect(p('security-group', 'security_group_id')).toMatchObject({ allocated: true });
    expect(p('access-control-list', 'access_control_list_entries')).toMatchObject({ system: true });
    expect(p('loadbalancer', 'loadbalancer_provider')).toMatchObject({ immutable: true });
    expect(p('virtual-router', 'virtual_router_ip_address')).toMatchObject({ required: true });
    const requiredProps = types.flatMap((t) =>
      Object.entries(t.props)
        .filter(([, d]) => d.required)
        .map(([n]) => `${t.name}.${n}`),
    );
    expect(requiredProps.sort()).toEqual([
      'loadbalancer-healthmonitor.loadbalancer_healthmonitor_properties',
      'virtual-router.virtual_router_ip_address',
    ]);
    expect(p('application-policy-set', 'all_applications')).toMatchObject({ system: true });
    expect(p('firewall-rule', 'match_tag_types')).toMatchObject({ system: true, operations: 'R' });
    expect(p('tag', 'tag_value')).toMatchObject({ immutable: true });
    expect(p('tag', 'tag_id')).toMatchObject({ allocated: true });
    expect(p('tag-type', 'tag_type_id')).toMatchObject({ allocated: true });
    expect(p('logical-router', 'logical_router_type')).toMatchObject({ immutable: true });
    expect(p('global-system-config', 'autonomous_system').type).toEqual({
      kind: 'integer',
      min: 1,
      max: 4294967295,
    });
    expect(p('network-ipam', 'ipam_subnet_method').type).toMatchObject({
      enum: ['user-defined-subnet', 'flat-subnet', 'auto-subnet'],
    });
    expect(p('firewall-rule', 'direction').type).toMatchObject({ enum: ['<', '>', '<>'] });
  });

  it('declares the list and map property collections', () => {
    const coll = (t: string, n: string) => getType(t)!.props[n].collection;
    expect(coll('virtual-machine-interface', 'virtual_machine_interface_fat_flow_protocols')).toEqual({
      kind: 'list',
      field: 'fat_flow_protocol',
    });
    expect(coll('virtual-machine-interface', 'virtual_machine_interface_bindings')).toEqual({
      kind: 'map',
      field: 'key_value_pair',
      key: 'key',
    });
    expect(coll('service-instance', 'service_instance_bindings')).toMatchObject({ kind: 'map', key: 'key' });
    expect(coll('global-vrouter-config', 'port_translation_pools')).toMatchObject({ kind: 'list' });
    expect(coll('firewall-rule', 'match_tags')).toEqual({ kind: 'list', field: 'tag_list' });
    expect(coll('network-ipam', 'ipam_subnets')).toEqual({ kind: 'list', field: 'subnets' });
    expect(coll('global-system-config', 'user_defined_log_statistics')).toEqual({
      kind: 'map',
      field: 'statlist',
      key: 'name',
    });
    expect(typeInfo('virtual-machine-interface')!.collectionProps).toEqual(
      expect.arrayContaining([
        'annotations',
        'virtual_machine_interface_bindings',
        'virtual_machine_interface_fat_flow_protocols',
      ]),
    );
    expect(getType('virtual-machine-interface')!.props.port_security_enabled.collection).toBeUndefined();
  });
});

describe('registry: common fields', () => {
  it.each(typeNames)('%s has display_name, id_perms, perms2, annotations and tag refs', (name) => {
    const def = getType(name)!;
    expect(def.props.display_name.type).toEqual({ kind: 'string' });
    expect(def.props.id_perms.type).toEqual({ kind: 'struct', name: 'IdPermsType' });
    expect(def.props.perms2.type).toEqual({ kind: 'struct', name: 'PermType2' });
    expect(def.props.annotations.collection).toEqual({ kind: 'map', field: 'key_value_pair', key: 'key' });
    expect(def.refs.tag).toMatchObject({ to: 'tag', attr: null });
  });

  it('is deep-frozen', () => {
    const def = getType('virtual-network')!;
    expect(Object.isFrozen(def)).toBe(true);
    expect(Object.isFrozen(def.props.virtual_network_properties)).toBe(true);
    expect(Object.isFrozen(complexType('VnSubnetsType')!.fields.ipam_subnets.type)).toBe(true);
    expect(() => {
      (def.parents as string[]).push('domain');
    }).toThrow();
  });
});

describe('registry: naming', () => {
  it('uses naive plurals for collections and children', () => {
    expect(collectionName('virtual-network')).toBe('virtual-networks');
    expect(collectionName('network-policy')).toBe('network-policys');
    expect(collectionName('virtual-DNS')).toBe('virtual-DNSs');
    expect(typeForCollection('network-policys')!.name).toBe('network-policy');
    expect(typeForCollection('virtual-DNSs')!.name).toBe('virtual-DNS');
    expect(typeForCollection('access-control-lists')!.name).toBe('access-control-list');
    expect(typeForCollection('network-policies')).toBeUndefined();
    expect(typeForCollection('virtual-network')).toBeUndefined();
    expect(childField('routing-instance')).toBe('routing_instances');
    expect(childField('network-policy')).toBe('network_policys');
    expect(childTypeForField('routing_instances')).toBe('routing-instance');
  });

  it('names ref, back-ref and type fields with underscores', () => {
    expect(typeField('virtual-DNS')).toBe('virtual_DNS');
    expect(typeForField('virtual_network')!.name).toBe('virtual-network');
    expect(refField('virtual-network')).toBe('virtual_network_refs');
    expect(refField('virtual-DNS')).toBe('virtual_DNS_refs');
    expect(backRefField('virtual-machine-interface')).toBe('virtual_machine_interface_back_refs');
    expect(refTargetForField('network_ipam_refs')).toBe('network-ipam');
    expect(backRefSourceForField('instance_ip_back_refs')).toBe('instance-ip');
    expect(refTargetForField('qos_config_refs')).toBeUndefined();
  });

  it('has a TypeInfo with precomputed field maps', () => {
    const vn = typeInfo('virtual-network')!;
    expect(vn.field).toBe('virtual_network');
    expect(vn.collection).toBe('virtual-networks');
    expect(vn.refFields.get('network_ipam_refs')).toMatchObject({
      to: 'network-ipam',
      attr: 'VnSubnetsType',
    });
    expect(vn.backRefFields.get('virtual_machine_interface_back_refs')).toBe('virtual-machine-interface');
    expect(vn.childFields.get('routing_instances')).toBe('routing-instance');
    expect(vn.childFields.get('access_control_lists')).toBe('access-control-list');
    expect(typeInfo('nope')).toBeUndefined();
  });
});

describe('registry: graph', () => {
  it('lists children and parents', () => {
    expect([...childTypesOf('virtual-network')].sort()).toEqual([
      'access-control-list',
      'alias-ip-pool',
      'floating-ip-pool',
      'routing-instance',
    ]);
    expect(childTypesOf('config-root')).toEqual([]);
    expect([...childTypesOf('global-system-config')].sort()).toEqual([
      'api-access-list',
      'global-vrouter-config',
      'service-appliance-set',
      'virtual-router',
    ]);
    expect(childTypesOf('instance-ip')).toEqual(['floating-ip']);
    expect(parentTypesOf('floating-ip')).toEqual(['floating-ip-pool', 'instance-ip']);
  });

  it('lists ref targets and back-ref sources', () => {
    expect(refTargetsOf('routing-instance')).toEqual(
      expect.arrayContaining(['route-target', 'routing-instance', 'tag']),
    );
    const vmiSources = backRefSourcesOf('virtual-machine-interface');
    expect(vmiSources).toEqual(
      expect.arrayContaining([
        'instance-ip',
        'floating-ip',
        'alias-ip',
        'logical-router',
        'virtual-machine-interface',
      ]),
    );
    expect(backRefSourcesOf('virtual-network')).toEqual(
      expect.arrayContaining(['virtual-machine-interface', 'instance-ip', 'logical-router', 'port-tuple']),
    );
    // same-type refs of RI, bgp-router and VN are symmetric: no back-refs
    expect(backRefSourcesOf('virtual-network')).not.toContain('virtual-network');
    expect(backRefSourcesOf('routing-instance')).not.toContain('routing-instance');
    expect(backRefSourcesOf('bgp-router')).not.toContain('bgp-router');
    expect(backRefSourcesOf('bgp-router')).toContain('global-system-config');
    expect(backRefSourcesOf('tag')).toHaveLength(typeNames.length);
  });

  it('knows the symmetric refs', () => {
    expect(isSymmetricRef('routing-instance', 'routing-instance')).toBe(true);
    expect(isSymmetricRef('bgp-router', 'bgp-router')).toBe(true);
    expect(isSymmetricRef('virtual-network', 'virtual-network')).toBe(true);
    expect(isSymmetricRef('virtual-machine-interface', 'virtual-machine-interface')).toBe(false);
    expect(isSymmetricRef('virtual-network', 'routing-instance')).toBe(false);
  });

  it('references only supported types', () => {
    for (const t of types) for (const to of Object.keys(t.refs)) expect(typeNames).toContain(to);
  });
});

describe('registry: complex types', () => {
  const used = new Set<string>();
  const visit = (ft: FieldType) => {
    if (ft.kind === 'list') return visit(ft.of);
    if (ft.kind !== 'struct' || used.has(ft.name)) return;
    used.add(ft.name);
    for (const f of Object.values(complexType(ft.name)!.fields)) visit(f.type);
  };
  for (const t of types) {
    for (const p of Object.values(t.props)) visit(p.type);
    for (const r of Object.values(t.refs)) if (r.attr) visit({ kind: 'struct', name: r.attr });
  }

  it('declares every complex type used by a property or ref attr, transitively, and no other', () => {
    expect([...used].sort()).toEqual(Object.keys(complexTypes).sort());
  });

  it('keeps TF field names and restrictions', () => {
    expect(complexType('VirtualNetworkType')!.fields.forwarding_mode.type).toEqual({
      kind: 'string',
      enum: ['l2_l3', 'l2', 'l3'],
    });
    expect(complexType('PolicyRuleType')!.fields.direction.type).toMatchObject({ enum: ['>', '<>'] });
    expect(complexType('ActionListType')!.fields.simple_action.type).toMatchObject({
      enum: ['deny', 'pass'],
    });
    expect(complexType('MatchConditionType')!.fields.ethertype.type).toMatchObject({
      enum: ['IPv4', 'IPv6'],
    });
    expect(complexType('PortType')!.fields.start_port.type).toEqual({ kind: 'integer', min: -1, max: 65535 });
    expect(complexType('SequenceType')!.fields).toHaveProperty('major');
    expect(complexType('LinklocalServiceEntryType')!.fields).toHaveProperty('ip_fabric_DNS_service_name');
    expect(complexType('QuotaType')!.fields).toHaveProperty('virtual_DNS');
    expect(complexType('ServiceHealthCheckType')!.fields).toHaveProperty('delayUsecs');
  });
});
