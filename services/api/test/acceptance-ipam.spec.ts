/** config-api.md §9 acceptance checks 25–34: IPAM, floating IPs, security-group ids and route targets. */
import { create, DP, IPAM, read, subnet } from './fixtures';
import { startTestApi, type TestApi } from './harness';

describe('config API acceptance: IPAM and allocators (§9 checks 25–34)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  async function vn(
    name: string,
    subnets: unknown[],
    ipam: string[] = IPAM,
  ): Promise<{ uuid: string; subnetUuids: string[] }> {
    const uuid = await create(api.http, 'virtual-network', {
      fq_name: [...DP, name],
      network_ipam_refs: [{ to: ipam, attr: { ipam_subnets: subnets } }],
    });
    const v = await read(api.http, 'virtual-network', uuid);
    return { uuid, subnetUuids: v.network_ipam_refs[0].attr.ipam_subnets.map((s: any) => s.subnet_uuid) };
  }
  const iip = async (name: string, vnUuid: string, extra: Record<string, unknown> = {}) =>
    api.http('POST', '/instance-ips', {
      'instance-ip': { fq_name: [name], virtual_network_refs: [{ uuid: vnUuid }], ...extra },
    });
  const addressOf = async (name: string, vnUuid: string, extra: Record<string, unknown> = {}) => {
    const r = await iip(name, vnUuid, extra);
    if (r.status !== 200) throw new Error(`${r.status} ${r.text}`);
    return (await read(api.http, 'instance-ip', r.json['instance-ip'].uuid)).instance_ip_address as string;
  };

  it('25. .252 first; ip-alloc 10 gives .251 down to .242; subnet-ip-count = allocated + 3, drops after ip-free', async () => {
    const v = await vn('vn25', [subnet('11.1.1.0', 24)]);
    const s = v.subnetUuids[0];
    const count = async () =>
      (await api.http('POST', `/virtual-network/${v.uuid}/subnet-ip-count`, { subnet_list: [s] })).json
        .ip_count_list[0];
    expect(await count()).toBe(3);
    expect(await addressOf('iip25', v.uuid)).toBe('11.1.1.252');
    const before = await api.eventCount();
    const alloc = await api.http('POST', `/virtual-network/${v.uuid}/ip-alloc`, { count: 10 });
    expect(alloc.json.ip_addr).toEqual(Array.from({ length: 10 }, (_, i) => `11.1.1.${251 - i}`));
    expect(await count()).toBe(11 + 3);
    await api.http('POST', `/virtual-network/${v.uuid}/ip-free`, { ip_addr: alloc.json.ip_addr });
    expect(await count()).toBe(1 + 3);
    expect(await api.eventCount()).toBe(before);
  });

  it('26. a requested address in use gives 409 "IP address already in use", nothing written', async () => {
    const v = await vn('vn26', [subnet('11.2.1.0', 24)]);
    expect(await addressOf('iip26a', v.uuid, { instance_ip_address: '11.2.1.10' })).toBe('11.2.1.10');
    const before = await api.eventCount();
    const r = await iip('iip26b', v.uuid, { instance_ip_address: '11.2.1.10' });
    expect(r.status).toBe(409);
    expect(r.text).toContain('IP address already in use');
    expect(await api.eventCount()).toBe(before);
    const outside = await iip('iip26c', v.uuid, { instance_ip_address: '12.0.0.1' });
    expect(outside.status).toBe(400);
  });

  it('27. pools .21–.24 and .31–.34 give eight descending allocations then 409; ascending with addr_from_start', async () => {
    const pools = [
      { start: '11.3.1.21', end: '11.3.1.24' },
      { start: '11.3.1.31', end: '11.3.1.34' },
    ];
    const v = await vn('vn27', [subnet('11.3.1.0', 24, { allocation_pools: pools })]);
    const got: string[] = [];
    for (let i = 0; i < 8; i++) got.push(await addressOf(`iip27-${i}`, v.uuid));
    expect(got).toEqual(['34', '33', '32', '31', '24', '23', '22', '21'].map((x) => `11.3.1.${x}`));
    const r = await iip('iip27-x', v.uuid);
    expect(r.status).toBe(409);
    expect(r.text).toContain('has exhausted subnet');
    const up = await vn('vn27b', [
      subnet('11.4.1.0', 24, {
        allocation_pools: pools.map((p) => ({
          start: p.start.replace('11.3', '11.4'),
          end: p.end.replace('11.3', '11.4'),
        })),
        addr_from_start: true,
      }),
    ]);
    const asc: string[] = [];
    for (let i = 0; i < 8; i++) asc.push(await addressOf(`iip27b-${i}`, up.uuid));
    expect(asc).toEqual(['21', '22', '23', '24', '31', '32', '33', '34'].map((x) => `11.4.1.${x}`));
  });

  it('28. addr_from_start: gateway .1, DNS .2, first .3; fd14::/64 gets gateway fd14::1', async () => {
    const v = await vn('vn28', [
      subnet('11.5.1.0', 24, { addr_from_start: true }),
      subnet('fd14::', 64, { addr_from_start: true }),
    ]);
    const s = (await read(api.http, 'virtual-network', v.uuid)).network_ipam_refs[0].attr.ipam_subnets;
    expect([s[0].default_gateway, s[0].dns_server_address]).toEqual(['11.5.1.1', '11.5.1.2']);
    expect(s[1].default_gateway).toBe('fd14::1');
    expect(await addressOf('iip28', v.uuid)).toBe('11.5.1.3');
    expect(await addressOf('iip28v6', v.uuid, { instance_ip_family: 'v6' })).toBe('fd14::3');
  });

  it('29. a flat IPAM shared by two VNs allocates uniquely across them; subnets on the flat ref give 400', async () => {
    const ipam = await create(api.http, 'network-ipam', {
      fq_name: [...DP, 'flat29'],
      ipam_subnet_method: 'flat-subnet',
      ipam_subnets: { subnets: [subnet('10.32.0.0', 12)] },
    });
    const ipamFq = [...DP, 'flat29'];
    const a = await create(api.http, 'virtual-network', {
      fq_name: [...DP, 'vn29a'],
      network_ipam_refs: [{ to: ipamFq, attr: { ipam_subnets: [] } }],
    });
    const b = await create(api.http, 'virtual-network', {
      fq_name: [...DP, 'vn29b'],
      network_ipam_refs: [{ to: ipamFq, attr: { ipam_subnets: [] } }],
    });
    expect(await addressOf('iip29a', a)).toBe('10.47.255.252');
    expect(await addressOf('iip29b', b)).toBe('10.47.255.251');
    const bad = await api.http('POST', '/virtual-networks', {
      'virtual-network': {
        fq_name: [...DP, 'vn29c'],
        network_ipam_refs: [{ uuid: ipam, attr: { ipam_subnets: [subnet('10.33.0.0', 16)] } }],
      },
    });
    expect(bad.status).toBe(400);
  });

  it('30. removing a subnet in use gives 409; overlapping subnets give 400', async () => {
    const v = await vn('vn30', [subnet('11.6.1.0', 24), subnet('11.6.2.0', 24)]);
    await addressOf('iip30', v.uuid);
    const before = await api.eventCount();
    const r = await api.http('PUT', `/virtual-network/${v.uuid}`, {
      'virtual-network': {
        network_ipam_refs: [{ to: IPAM, attr: { ipam_subnets: [subnet('11.6.2.0', 24)] } }],
      },
    });
    expect(r.status).toBe(409);
    expect(r.text).toContain('Cannot Delete IP Block');
    const o = await api.http('POST', '/virtual-networks', {
      'virtual-network': {
        fq_name: [...DP, 'vn30o'],
        network_ipam_refs: [
          { to: IPAM, attr: { ipam_subnets: [subnet('11.7.0.0', 16), subnet('11.7.1.0', 24)] } },
        ],
      },
    });
    expect(o.status).toBe(400);
    expect(o.text).toContain('Overlapping addresses');
    expect(await api.eventCount()).toBe(before);
  });

  it('31. a floating-ip from a pool on 101.101.101.0/24 gets .252; a taken requested address gives 409', async () => {
    const v = await vn('vn31', [subnet('101.101.101.0', 24)]);
    const pool = await create(api.http, 'floating-ip-pool', { fq_name: [...DP, 'vn31', 'pool31'] });
    const fip = await create(api.http, 'floating-ip', {
      fq_name: [...DP, 'vn31', 'pool31', 'fip31'],
      parent_type: 'floating-ip-pool',
      project_refs: [{ to: DP }],
    });
    expect((await read(api.http, 'floating-ip', fip)).floating_ip_address).toBe('101.101.101.252');
    void pool;
    void v;
    const taken = await api.http('POST', '/floating-ips', {
      'floating-ip': {
        fq_name: [...DP, 'vn31', 'pool31', 'fip31b'],
        parent_type: 'floating-ip-pool',
        floating_ip_address: '101.101.101.252',
        project_refs: [{ to: DP }],
      },
    });
    expect(taken.status).toBe(409);
  });

  it('32. deleting an instance-ip frees its address for the next one', async () => {
    const v = await vn('vn32', [subnet('11.8.1.0', 24)]);
    const r = await iip('iip32a', v.uuid);
    expect(await addressOf('iip32b', v.uuid)).toBe('11.8.1.251');
    await api.http('DELETE', `/instance-ip/${r.json['instance-ip'].uuid}`);
    expect(await addressOf('iip32c', v.uuid)).toBe('11.8.1.252');
  });

  it('33. the first SG id is ≥ 8,000,001; setting security_group_id gives 403', async () => {
    const sg = await create(api.http, 'security-group', { fq_name: [...DP, 'sg33'] });
    const id = (await read(api.http, 'security-group', sg)).security_group_id;
    expect(id).toBeGreaterThanOrEqual(8_000_001);
    const before = await api.eventCount();
    expect(
      (
        await api.http('POST', '/security-groups', {
          'security-group': { fq_name: [...DP, 'sg33b'], security_group_id: 8_000_999 },
        })
      ).status,
    ).toBe(403);
    expect(
      (await api.http('PUT', `/security-group/${sg}`, { 'security-group': { security_group_id: id + 1 } }))
        .status,
    ).toBe(403);
    expect(await api.eventCount()).toBe(before);
  });

  it('34. route_target_list target:64512:8000005 or target:x gives 400; target:64513:1 is accepted', async () => {
    const body = (name: string, rt: string) => ({
      'virtual-network': { fq_name: [...DP, name], route_target_list: { route_target: [rt] } },
    });
    expect((await api.http('POST', '/virtual-networks', body('vn34a', 'target:64512:8000005'))).status).toBe(
      400,
    );
    expect((await api.http('POST', '/virtual-networks', body('vn34b', 'target:x'))).status).toBe(400);
    expect((await api.http('POST', '/virtual-networks', body('vn34c', 'target:64513:1'))).status).toBe(200);
  });

  it('47a. 20 parallel instance-ips on one subnet get distinct addresses', async () => {
    const v = await vn('vn47', [subnet('11.9.1.0', 24)]);
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => iip(`iip47-${i}`, v.uuid)));
    expect(rs.map((r) => r.status)).toEqual(Array(20).fill(200));
    const addrs = await Promise.all(
      rs.map(
        async (r) => (await read(api.http, 'instance-ip', r.json['instance-ip'].uuid)).instance_ip_address,
      ),
    );
    expect(new Set(addrs).size).toBe(20);
  });
});
