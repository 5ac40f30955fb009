/**
 * Bad input of every kind config-api.md lists gets a 4xx whose message names the problem, and changes nothing:
 * the event count before and after each request is compared.
 */
import { create, DP, IPAM, subnet } from './fixtures';
import { startTestApi, type TestApi } from './harness';

interface Case {
  name: string;
  method: string;
  path: string | ((ids: Record<string, string>) => string);
  body?: unknown | ((ids: Record<string, string>) => unknown);
  headers?: Record<string, string>;
  status: number;
  message: RegExp;
}

const vn = (o: Record<string, unknown>) => ({ 'virtual-network': { fq_name: [...DP, 'bad-vn'], ...o } });
const bigName = 'x'.repeat(1025);

const CASES: Case[] = [
  {
    name: 'unknown collection',
    method: 'POST',
    path: '/virtual-netwerks',
    body: {},
    status: 404,
    message: /virtual-netwerks/,
  },
  {
    name: 'envelope key of another type',
    method: 'POST',
    path: '/virtual-networks',
    body: { project: {} },
    status: 400,
    message: /virtual-network/,
  },
  {
    name: 'envelope value not an object',
    method: 'POST',
    path: '/virtual-networks',
    body: { 'virtual-network': [] },
    status: 400,
    message: /must be a JSON object/,
  },
  {
    name: 'malformed JSON',
    method: 'POST',
    path: '/virtual-networks',
    body: '{"a":',
    status: 400,
    message: /Malformed JSON/,
  },
  {
    name: 'wrong content type',
    method: 'POST',
    path: '/virtual-networks',
    body: '{}',
    headers: { 'content-type': 'text/plain' },
    status: 415,
    message: /content type/,
  },
  {
    name: 'fq_name not a list',
    method: 'POST',
    path: '/virtual-networks',
    body: vn({ fq_name: 'a:b:c' }),
    status: 400,
    message: /fq_name/,
  },
  {
    name: 'fq_name element too long',
    method: 'POST',
    path: '/virtual-networks',
    body: vn({ fq_name: [...DP, bigName] }),
    status: 400,
    message: /1024/,
  },
  {
    name: 'fq_name element empty',
    method: 'POST',
    path: '/virtual-networks',
    body: vn({ fq_name: [...DP, ''] }),
    status: 400,
    message: /fq_name/,
  },
  {
    name: 'name disagrees with fq_name',
    method: 'POST',
    path: '/virtual-networks',
    body: vn({ name: 'other' }),
    status: 400,
    message: /name/,
  },
  {
    name: 'uuid not canonical',
    method: 'POST',
    path: '/virtual-networks',
    body: vn({ uuid: 'ABCDEF01-0000-4000-8000-000000000000' }),
    status: 400,
    message: /Invalid UUID format/,
  },
  {
    name: 'uuid already used',
    method: 'POST',
    path: '/virtual-networks',
    body: (ids) => vn({ uuid: ids.np }),
    status: 409,
    message: /already exists/,
  },
  {
    name: 'parent type not allowed',
    method: 'POST',
    path: '/virtual-networks',
    body: vn({ parent_type: 'domain' }),
    status: 400,
    message: /Invalid parent type: domain/,
  },
  {
    name: 'parent missing',
    method: 'POST',
    path: '/virtual-networks',
    body: vn({ fq_name: ['default-domain', 'nope', 'x'] }),
    status: 400,
    message: /does not exist/,
  },
  {
    name: 'parent_type needed for a many-parent type',
    method: 'POST',
    path: '/address-groups',
    body: { 'address-group': { fq_name: [...DP, 'ag'] } },
    status: 400,
    message: /parent_type is required/,
  },
  {
    name: 'unknown field',
    method: 'POST',
    path: '/virtual-networks',
    body: vn({ colour: 'red' }),
    status: 400,
    message: /colour/,
  },
  {
    name: 'unknown nested field',
    method: 'POST',
    path: '/virtual-networks',
    body: vn({ virtual_network_properties: { shade: 1 } }),
    status: 400,
    message: /virtual_network_properties\.shade/,
  },
  {
    name: 'wrong type',
    method: 'POST',
    path: '/virtual-networks',
    body: vn({ is_shared: 'yes' }),
    status: 400,
    message: /is_shared/,
  },
  {
    name: 'bad enum',
    method: 'POST',
    path: '/virtual-networks',
    body: vn({ address_allocation_mode: 'random' }),
    status: 400,
    message: /address_allocation_mode/,
  },
  {
    name: 'integer out of range',
    method: 'POST',
    path: '/virtual-networks',
    body: vn({ virtual_network_properties: { vxlan_network_identifier: 99999999 } }),
    status: 400,
    message: /vxlan_network_identifier/,
  },
  {
    name: 'bad address format',
    method: 'POST',
    path: '/virtual-machine-interfaces',
    body: (ids) => ({
      'virtual-machine-interface': {
        fq_name: [...DP, 'v'],
        parent_type: 'project',
        virtual_network_refs: [{ uuid: ids.vn }],
        virtual_machine_interface_allowed_address_pairs: {
          allowed_address_pair: [{ ip: { ip_prefix: '10.0.0.300', ip_prefix_len: 32 } }],
        },
      },
    }),
    status: 400,
    message: /allowed_address_pair/,
  },
  {
    name: 'ref field of an unsupported type',
    method: 'POST',
    path: '/virtual-networks',
    body: vn({ qos_config_refs: [] }),
    status: 400,
    message: /qos_config_refs/,
  },
  {
    name: 'ref to a missing object',
    method: 'POST',
    path: '/virtual-networks',
    body: vn({ network_policy_refs: [{ uuid: '00000000-0000-4000-8000-000000000001' }] }),
    status: 400,
    message: /Unknown reference/,
  },
  {
    name: 'ref to an object of another type',
    method: 'POST',
    path: '/virtual-networks',
    body: (ids) => vn({ network_policy_refs: [{ uuid: ids.vn }] }),
    status: 400,
    message: /Unknown reference/,
  },
  {
    name: 'ref listed twice',
    method: 'POST',
    path: '/virtual-networks',
    body: (ids) => vn({ network_policy_refs: [{ uuid: ids.np }, { uuid: ids.np }] }),
    status: 400,
    message: /twice/,
  },
  {
    name: 'ref "to" and uuid disagree',
    method: 'POST',
    path: '/virtual-networks',
    body: (ids) => vn({ network_policy_refs: [{ uuid: ids.np, to: [...DP, 'other'] }] }),
    status: 400,
    message: /different objects/,
  },
  {
    name: 'bad ref attr',
    method: 'POST',
    path: '/virtual-networks',
    body: (ids) => vn({ network_policy_refs: [{ uuid: ids.np, attr: { sequence: { major: 'one' } } }] }),
    status: 400,
    message: /attr\.sequence\.major/,
  },
  {
    name: 'required ref missing',
    method: 'POST',
    path: '/virtual-machine-interfaces',
    body: { 'virtual-machine-interface': { fq_name: [...DP, 'v'], parent_type: 'project' } },
    status: 400,
    message: /virtual_network_refs/,
  },
  {
    name: 'allocated field set',
    method: 'POST',
    path: '/virtual-networks',
    body: vn({ virtual_network_network_id: 77 }),
    status: 403,
    message: /virtual network/,
  },
  {
    name: 'overlapping subnets',
    method: 'POST',
    path: '/virtual-networks',
    body: vn({
      network_ipam_refs: [
        { to: IPAM, attr: { ipam_subnets: [subnet('10.0.0.0', 16), subnet('10.0.1.0', 24)] } },
      ],
    }),
    status: 400,
    message: /Overlapping addresses/,
  },
  {
    name: 'alloc_unit other than 1',
    method: 'POST',
    path: '/virtual-networks',
    body: vn({
      network_ipam_refs: [{ to: IPAM, attr: { ipam_subnets: [subnet('10.0.0.0', 24, { alloc_unit: 4 })] } }],
    }),
    status: 400,
    message: /alloc_unit/,
  },
  {
    name: 'pool outside the subnet',
    method: 'POST',
    path: '/virtual-networks',
    body: vn({
      network_ipam_refs: [
        {
          to: IPAM,
          attr: {
            ipam_subnets: [
              subnet('10.0.0.0', 24, { allocation_pools: [{ start: '10.0.1.1', end: '10.0.1.9' }] }),
            ],
          },
        },
      ],
    }),
    status: 400,
    message: /out of cidr|pool/,
  },
  {
    name: 'route target malformed',
    method: 'POST',
    path: '/virtual-networks',
    body: vn({ route_target_list: { route_target: ['target:64512'] } }),
    status: 400,
    message: /route_target_list.route_target\[0\]/,
  },
  {
    name: 'route target in the allocator range',
    method: 'POST',
    path: '/virtual-networks',
    body: vn({ route_target_list: { route_target: ['target:64512:8000001'] } }),
    status: 400,
    message: /range the system allocates/,
  },
  {
    name: 'requested address outside the subnets',
    method: 'POST',
    path: '/instance-ips',
    body: (ids) => ({
      'instance-ip': {
        fq_name: ['bad-iip'],
        virtual_network_refs: [{ uuid: ids.vnSub }],
        instance_ip_address: '192.0.2.1',
      },
    }),
    status: 400,
    message: /192\.0\.2\.1|subnet/,
  },
  {
    name: 'requested address in use',
    method: 'POST',
    path: '/instance-ips',
    body: (ids) => ({
      'instance-ip': {
        fq_name: ['bad-iip'],
        virtual_network_refs: [{ uuid: ids.vnSub }],
        instance_ip_address: ids.usedAddress,
      },
    }),
    status: 409,
    message: /IP address already in use/,
  },
  {
    name: 'instance-ip from two kinds of source',
    method: 'POST',
    path: '/instance-ips',
    body: (ids) => ({
      'instance-ip': {
        fq_name: ['bad-iip'],
        virtual_network_refs: [{ uuid: ids.vnSub }],
        virtual_router_refs: [{ uuid: ids.vr }],
      },
    }),
    status: 400,
    message: /virtual-router/,
  },
  {
    name: 'tag without a type',
    method: 'POST',
    path: '/tags',
    body: { tag: { fq_name: ['t'], tag_value: 'x' } },
    status: 400,
    message: /tag_type_name/,
  },
  {
    name: 'security-group rule without a local endpoint',
    method: 'POST',
    path: '/security-groups',
    body: {
      'security-group': {
        fq_name: [...DP, 'sgx'],
        security_group_entries: {
          policy_rule: [
            {
              direction: '>',
              protocol: 'tcp',
              src_addresses: [{ subnet: { ip_prefix: '10.0.0.0', ip_prefix_len: 8 } }],
              dst_addresses: [{ subnet: { ip_prefix: '10.0.0.0', ip_prefix_len: 8 } }],
              src_ports: [{ start_port: 0, end_port: 65535 }],
              dst_ports: [{ start_port: 0, end_port: 65535 }],
              ethertype: 'IPv4',
            },
          ],
        },
      },
    },
    status: 400,
    message: /local/,
  },
  {
    name: 'duplicate policy rules',
    method: 'POST',
    path: '/network-policys',
    body: {
      'network-policy': {
        fq_name: [...DP, 'npx'],
        network_policy_entries: {
          policy_rule: [1, 2].map(() => ({
            direction: '<>',
            protocol: 'any',
            action_list: { simple_action: 'pass' },
            src_addresses: [{ virtual_network: 'any' }],
            dst_addresses: [{ virtual_network: 'any' }],
            src_ports: [{ start_port: -1, end_port: -1 }],
            dst_ports: [{ start_port: -1, end_port: -1 }],
          })),
        },
      },
    },
    status: 409,
    message: /Duplicate rule/,
  },
  {
    name: 'bad protocol',
    method: 'POST',
    path: '/network-policys',
    body: {
      'network-policy': {
        fq_name: [...DP, 'npy'],
        network_policy_entries: {
          policy_rule: [{ direction: '<>', protocol: 'bogus', action_list: { simple_action: 'pass' } }],
        },
      },
    },
    status: 400,
    message: /protocol/,
  },
  {
    name: 'PUT changes fq_name',
    method: 'PUT',
    path: (ids) => `/network-policy/${ids.np}`,
    body: { 'network-policy': { fq_name: [...DP, 'moved'] } },
    status: 400,
    message: /fq_name cannot be updated/,
  },
  {
    name: 'PUT perms2 without owner',
    method: 'PUT',
    path: (ids) => `/network-policy/${ids.np}`,
    body: { 'network-policy': { perms2: { owner_access: 7 } } },
    status: 400,
    message: /owner/,
  },
  {
    name: 'PUT on a non-uuid path',
    method: 'PUT',
    path: '/network-policy/not-a-uuid',
    body: { 'network-policy': {} },
    status: 404,
    message: /not-a-uuid/,
  },
  {
    name: 'DELETE with children',
    method: 'DELETE',
    path: (ids) => `/project/${ids.project}`,
    status: 409,
    message: /children still present/,
  },
  {
    name: 'DELETE still referred',
    method: 'DELETE',
    path: (ids) => `/virtual-network/${ids.vn}`,
    status: 409,
    message: /still referred/,
  },
  {
    name: 'ref-update bad operation',
    method: 'POST',
    path: '/ref-update',
    body: (ids) => ({
      operation: 'PUT',
      type: 'virtual-network',
      uuid: ids.vn,
      'ref-type': 'network-policy',
      'ref-uuid': ids.np,
    }),
    status: 400,
    message: /operation/,
  },
  {
    name: 'ref-update unknown ref-type',
    method: 'POST',
    path: '/ref-update',
    body: (ids) => ({
      operation: 'ADD',
      type: 'virtual-network',
      uuid: ids.vn,
      'ref-type': 'banana',
      'ref-uuid': ids.np,
    }),
    status: 400,
    message: /ref-type/,
  },
  {
    name: 'ref-update unknown target',
    method: 'POST',
    path: '/ref-update',
    body: (ids) => ({
      operation: 'ADD',
      type: 'virtual-network',
      uuid: ids.vn,
      'ref-type': 'network-policy',
      'ref-uuid': '00000000-0000-4000-8000-000000000002',
    }),
    status: 404,
    message: /00000000-0000-4000-8000-000000000002/,
  },
  {
    name: 'prop-collection-update bad operation',
    method: 'POST',
    path: '/prop-collection-update',
    body: (ids) => ({
      uuid: ids.vmi,
      updates: [
        {
          field: 'virtual_machine_interface_fat_flow_protocols',
          operation: 'set',
          value: { protocol: 'tcp', port: 1 },
        },
      ],
    }),
    status: 400,
    message: /operation/,
  },
  {
    name: 'prop-collection-update on a plain field',
    method: 'POST',
    path: '/prop-collection-update',
    body: (ids) => ({ uuid: ids.vmi, updates: [{ field: 'display_name', operation: 'add', value: 'x' }] }),
    status: 400,
    message: /not a collection/,
  },
  {
    name: 'chmod access out of range',
    method: 'POST',
    path: '/chmod',
    body: (ids) => ({ uuid: ids.np, owner_access: 8 }),
    status: 400,
    message: /owner_access/,
  },
  {
    name: 'chmod bad share',
    method: 'POST',
    path: '/chmod',
    body: (ids) => ({ uuid: ids.np, share: [{ tenant: 'everyone', tenant_access: 4 }] }),
    status: 400,
    message: /tenant/,
  },
  {
    name: 'useragent-kv bad operation',
    method: 'POST',
    path: '/useragent-kv',
    body: { operation: 'LIST', key: 'k' },
    status: 400,
    message: /operation/,
  },
  {
    name: 'ip-alloc bad count',
    method: 'POST',
    path: (ids) => `/virtual-network/${ids.vnSub}/ip-alloc`,
    body: { count: 0 },
    status: 400,
    message: /count/,
  },
  {
    name: 'aaa-mode bad value',
    method: 'PUT',
    path: '/aaa-mode',
    body: { 'aaa-mode': 'open' },
    status: 400,
    message: /aaa-mode/,
  },
  {
    name: 'list with a bad filter',
    method: 'GET',
    path: '/virtual-networks?filters=display_name',
    status: 400,
    message: /filter/,
  },
  {
    name: 'list with a bad parent_id',
    method: 'GET',
    path: '/virtual-networks?parent_id=xyz',
    status: 400,
    message: /xyz/,
  },
  {
    name: 'list with page_limit 0',
    method: 'GET',
    path: '/virtual-networks?page_limit=0',
    status: 400,
    message: /page_limit/,
  },
  {
    name: 'watch without resource_type',
    method: 'GET',
    path: '/watch',
    status: 400,
    message: /resource_type/,
  },
];

describe('bad input: 4xx naming the problem, nothing written', () => {
  let api: TestApi;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    api = await startTestApi();
    ids.project = await create(api.http, 'project', { fq_name: ['default-domain', 'bad-p'] });
    ids.vn = await create(api.http, 'virtual-network', { fq_name: ['default-domain', 'bad-p', 'vn'] });
    ids.vmi = await create(api.http, 'virtual-machine-interface', {
      fq_name: ['default-domain', 'bad-p', 'vmi'],
      parent_type: 'project',
      virtual_network_refs: [{ uuid: ids.vn }],
    });
    ids.np = await create(api.http, 'network-policy', { fq_name: [...DP, 'bad-np'] });
    ids.vnSub = await create(api.http, 'virtual-network', {
      fq_name: [...DP, 'bad-vn-sub'],
      network_ipam_refs: [{ to: IPAM, attr: { ipam_subnets: [subnet('10.77.0.0', 24)] } }],
    });
    ids.vr = await create(api.http, 'virtual-router', {
      fq_name: ['default-global-system-config', 'bad-vr'],
      virtual_router_ip_address: '192.0.2.10',
    });
    const iip = await create(api.http, 'instance-ip', {
      fq_name: ['bad-used'],
      virtual_network_refs: [{ uuid: ids.vnSub }],
    });
    ids.usedAddress = (await api.http('GET', `/instance-ip/${iip}`)).json['instance-ip'].instance_ip_address;
  });
  afterAll(async () => {
    await api?.close();
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await api.eventCount();
    const path = typeof c.path === 'function' ? c.path(ids) : c.path;
    const body =
      typeof c.body === 'function' ? (c.body as (i: Record<string, string>) => unknown)(ids) : c.body;
    const r = await api.http(c.method, path, body, c.headers);
    expect({ status: r.status, text: r.text }).toEqual({
      status: c.status,
      text: expect.stringMatching(c.message),
    });
    expect(await api.eventCount()).toBe(before);
  });
});
