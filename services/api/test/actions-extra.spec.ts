/** set-tag (config-api.md §3.4) and the re-keying of route targets when the global ASN changes (§6). */
import { create, DP, read } from './fixtures';
import { startTestApi, type TestApi } from './harness';

describe('set-tag and ASN re-keying', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('set-tag attaches one tag per type, replaces it, keeps several labels, and removes with null', async () => {
    const vn = await create(api.http, 'virtual-network', { fq_name: [...DP, 'vn-tag'] });
    for (const [t, v] of [
      ['application', 'web'],
      ['application', 'db'],
      ['label', 'blue'],
      ['label', 'green'],
    ]) {
      await create(api.http, 'tag', {
        fq_name: [...DP, `${t}=${v}`],
        parent_type: 'project',
        tag_type_name: t,
        tag_value: v,
      });
    }
    const set = (body: Record<string, unknown>) =>
      api.http('POST', '/set-tag', { obj_type: 'virtual_network', obj_uuid: vn, ...body });
    const tags = async () =>
      ((await read(api.http, 'virtual-network', vn)).tag_refs ?? []).map((r: any) => r.to[2]).sort();
    expect((await set({ application: { value: 'web' } })).status).toBe(200);
    expect(await tags()).toEqual(['application=web']);
    expect((await set({ application: { value: 'db' }, label: { value: ['blue', 'green'] } })).status).toBe(
      200,
    );
    expect(await tags()).toEqual(['application=db', 'label=blue', 'label=green']);
    expect((await set({ label: null })).status).toBe(200);
    expect(await tags()).toEqual(['application=db']);
    const before = await api.eventCount();
    expect((await set({ application: { value: 'nope' } })).status).toBe(404);
    expect((await set({ application: { value: ['a', 'b'] } })).status).toBe(400);
    expect(await api.eventCount()).toBe(before);
  });

  it('changing autonomous_system re-keys the allocated route targets in one transaction', async () => {
    const vn = await create(api.http, 'virtual-network', { fq_name: [...DP, 'vn-asn'] });
    const riUuid = (await read(api.http, 'virtual-network', vn)).routing_instances[0].uuid;
    const before = (await read(api.http, 'routing-instance', riUuid)).route_target_refs[0];
    const n = before.to[0].split(':')[2];
    const gsc = (
      await api.http('POST', '/fqname-to-id', {
        type: 'global-system-config',
        fq_name: ['default-global-system-config'],
      })
    ).json.uuid;
    expect(
      (
        await api.http('PUT', `/global-system-config/${gsc}`, {
          'global-system-config': { autonomous_system: 64600 },
        })
      ).status,
    ).toBe(200);
    const after = (await read(api.http, 'routing-instance', riUuid)).route_target_refs;
    expect(after.map((r: any) => r.to[0])).toEqual([`target:64600:${n}`]);
    expect(after[0].attr).toEqual(before.attr);
    expect((await api.http('GET', `/route-target/${before.uuid}`)).status).toBe(404);
    // New instances are keyed by the new ASN too.
    const vn2 = await create(api.http, 'virtual-network', { fq_name: [...DP, 'vn-asn2'] });
    const ri2 = await read(
      api.http,
      'routing-instance',
      (await read(api.http, 'virtual-network', vn2)).routing_instances[0].uuid,
    );
    expect(ri2.route_target_refs[0].to[0]).toMatch(/^target:64600:\d+$/);
    await api.http('PUT', `/global-system-config/${gsc}`, {
      'global-system-config': { autonomous_system: 64512 },
    });
  });
});

describe('ref-update with the underscored type names TF services send', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('type and ref-type as virtual_network / network_policy add and delete the ref', async () => {
    const np = await create(api.http, 'network-policy', { fq_name: [...DP, 'np-us'] });
    const vn = await create(api.http, 'virtual-network', { fq_name: [...DP, 'vn-us'] });
    const update = (operation: string) =>
      api.http('POST', '/ref-update', {
        operation,
        type: 'virtual_network',
        uuid: vn,
        'ref-type': 'network_policy',
        'ref-uuid': np,
        attr: { sequence: { major: 0, minor: 0 } },
      });
    expect((await update('ADD')).status).toBe(200);
    expect((await read(api.http, 'virtual-network', vn)).network_policy_refs.map((r: any) => r.uuid)).toEqual(
      [np],
    );
    expect((await update('DELETE')).status).toBe(200);
    expect((await read(api.http, 'virtual-network', vn)).network_policy_refs).toBeUndefined();
    const bad = await api.http('POST', '/ref-update', {
      operation: 'ADD',
      type: 'virtual_networks',
      uuid: vn,
      'ref-type': 'network_policy',
      'ref-uuid': np,
    });
    expect({ status: bad.status, text: bad.text }).toEqual({
      status: 400,
      text: 'Unknown type "virtual_networks"',
    });
  });
});

describe('a method the path does not serve', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it.each([
    ['DELETE', '/virtual-networks', 'GET, POST'],
    ['PUT', '/virtual-networks', 'GET, POST'],
    ['POST', '/virtual-network/00000000-0000-4000-8000-000000000001', 'GET, PUT, DELETE'],
    ['GET', '/fqname-to-id', 'POST'],
    ['GET', '/ref-update', 'POST'],
    ['DELETE', '/aaa-mode', 'GET, PUT'],
    ['GET', '/virtual-network/00000000-0000-4000-8000-000000000001/ip-alloc', 'POST'],
  ])('%s %s is 405 with Allow: %s, and writes nothing', async (method, path, allow) => {
    const before = await api.eventCount();
    const r = await api.http(method, path);
    expect({ status: r.status, allow: r.headers.get('allow') }).toEqual({ status: 405, allow });
    expect(r.text).toMatch(new RegExp(`Method ${method} not allowed`));
    expect(await api.eventCount()).toBe(before);
  });

  it('unknown paths stay 404, and a served method on a missing object is still 404', async () => {
    expect((await api.http('DELETE', '/no-such-things')).status).toBe(404);
    expect((await api.http('GET', '/no-such-action')).status).toBe(404);
    expect((await api.http('GET', '/virtual-network/00000000-0000-4000-8000-000000000001')).status).toBe(404);
  });
});
