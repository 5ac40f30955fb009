/** config-api.md §9 acceptance checks 35–42: tags, firewall rules, VMIs, tenancy, rbac and conditional requests. */
import { create, DP, read } from './fixtures';
import { httpClient, startTestApi, type Http, type TestApi } from './harness';
import { openSse, type SseFrame } from './sse';

describe('config API acceptance: tags, VMIs (§9 checks 35–37) and conditional requests (42)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('35. tag App/web is named app=web, refs its tag-type and has a 0x + 8 hex digit tag_id; tag_value is immutable', async () => {
    const t = await create(api.http, 'tag', { fq_name: ['App=web'], tag_type_name: 'App', tag_value: 'web' });
    const tag = await read(api.http, 'tag', t);
    expect(tag.fq_name).toEqual(['app=web']);
    expect(tag.name).toBe('app=web');
    expect(tag.tag_type_refs[0].to).toEqual(['app']);
    expect(tag.tag_id).toMatch(/^0x[0-9a-f]{8}$/);
    const before = await api.eventCount();
    expect((await api.http('PUT', `/tag/${t}`, { tag: { tag_value: 'db' } })).status).toBe(400);
    expect(await api.eventCount()).toBe(before);
  });

  it('36. a firewall-rule with tags gets tag_refs and tag_ids; direct tag_refs, or service plus service groups, give 400', async () => {
    const t = await create(api.http, 'tag', {
      fq_name: ['application=web'],
      tag_type_name: 'application',
      tag_value: 'web',
    });
    const tagId = parseInt((await read(api.http, 'tag', t)).tag_id, 16);
    const svc = { protocol: 'tcp', dst_ports: { start_port: 80, end_port: 80 } };
    const fr = await create(api.http, 'firewall-rule', {
      fq_name: ['default-policy-management', 'fr36'],
      parent_type: 'policy-management',
      service: svc,
      endpoint_1: { tags: ['application=web'] },
      endpoint_2: { any: true },
      action_list: { simple_action: 'pass' },
      direction: '<>',
    });
    const rule = await read(api.http, 'firewall-rule', fr);
    expect(rule.tag_refs.map((r: any) => r.uuid)).toEqual([t]);
    expect(rule.endpoint_1.tag_ids).toEqual([tagId]);
    const before = await api.eventCount();
    const direct = await api.http('POST', '/firewall-rules', {
      'firewall-rule': {
        fq_name: ['default-policy-management', 'fr36b'],
        parent_type: 'policy-management',
        service: svc,
        tag_refs: [{ uuid: t }],
      },
    });
    expect(direct.status).toBe(400);
    const sg = await create(api.http, 'service-group', {
      fq_name: ['default-policy-management', 'sg36'],
      parent_type: 'policy-management',
    });
    const both = await api.http('POST', '/firewall-rules', {
      'firewall-rule': {
        fq_name: ['default-policy-management', 'fr36c'],
        parent_type: 'policy-management',
        service: svc,
        service_group_refs: [{ uuid: sg }],
      },
    });
    expect(both.status).toBe(400);
    expect(await api.eventCount()).toBe(before + 1); // only the service-group
  });

  it('37. a VMI without a MAC gets 02: + uuid characters; without virtual_network_refs it gives 400', async () => {
    const vn = await create(api.http, 'virtual-network', { fq_name: [...DP, 'vn37'] });
    const vmi = await create(api.http, 'virtual-machine-interface', {
      fq_name: [...DP, 'vmi37'],
      parent_type: 'project',
      virtual_network_refs: [{ uuid: vn }],
    });
    const v = await read(api.http, 'virtual-machine-interface', vmi);
    const u = vmi;
    expect(v.virtual_machine_interface_mac_addresses.mac_address).toEqual([
      `02:${u.slice(0, 2)}:${u.slice(2, 4)}:${u.slice(4, 6)}:${u.slice(6, 8)}:${u.slice(9, 11)}`,
    ]);
    expect(v.routing_instance_refs[0].to).toEqual([...DP, 'vn37', 'vn37']);
    expect(v.routing_instance_refs[0].attr).toMatchObject({ direction: 'both' });
    const r = await api.http('POST', '/virtual-machine-interfaces', {
      'virtual-machine-interface': { fq_name: [...DP, 'vmi37b'], parent_type: 'project' },
    });
    expect(r.status).toBe(400);
    expect(r.text).toContain('virtual_network_refs');
  });

  it('42. If-None-Match gives 304; a stale If-Match gives 412, nothing written', async () => {
    const np = await create(api.http, 'network-policy', { fq_name: [...DP, 'np42'] });
    const g = await api.http('GET', `/network-policy/${np}`);
    const etag = g.headers.get('etag')!;
    expect(etag).toBe('"1"');
    expect(
      (await api.http('GET', `/network-policy/${np}`, undefined, { 'if-none-match': etag })).status,
    ).toBe(304);
    expect(
      (
        await api.http(
          'PUT',
          `/network-policy/${np}`,
          { 'network-policy': { display_name: 'v2' } },
          { 'if-match': etag },
        )
      ).status,
    ).toBe(200);
    const before = await api.eventCount();
    expect(
      (
        await api.http(
          'PUT',
          `/network-policy/${np}`,
          { 'network-policy': { display_name: 'v3' } },
          { 'if-match': etag },
        )
      ).status,
    ).toBe(412);
    expect((await api.http('DELETE', `/network-policy/${np}`, undefined, { 'if-match': etag })).status).toBe(
      412,
    );
    expect(await api.eventCount()).toBe(before);
  });
});

describe('config API acceptance: tenancy (§9 checks 38–41)', () => {
  let api: TestApi;
  let admin: Http;
  let tokenFor: (project: string, roles: string[]) => Promise<Http>;
  let pa: string;
  let pb: string;
  beforeAll(async () => {
    api = await startTestApi({ aaaMode: 'cloud-admin', trustIdentityHeaders: true });
    admin = httpClient(api.base, { 'x-role': 'admin', 'x-user': 'root' });
    tokenFor = async (project, roles) => {
      const r = await admin('POST', '/auth/tokens', {
        user: `u-${project.slice(0, 4)}`,
        project_id: project,
        roles,
        ttl_s: 600,
      });
      return httpClient(api.base, { authorization: `Bearer ${r.json.token}` });
    };
    pa = await create(admin, 'project', { fq_name: ['default-domain', 'tenant-a'] });
    pb = await create(admin, 'project', { fq_name: ['default-domain', 'tenant-b'] });
  });
  afterAll(async () => {
    await api?.close();
  });

  it("38. tenant A cannot read or list B's VN; shared with access 5 A can read and reference it, not change it; after chown A can delete it", async () => {
    const a = await tokenFor(pa, ['member']);
    const b = await tokenFor(pb, ['member']);
    const vnB = await create(b, 'virtual-network', { fq_name: ['default-domain', 'tenant-b', 'vn-b'] });
    expect((await a('GET', `/virtual-network/${vnB}`)).status).toBe(403);
    expect(
      (await a('GET', '/virtual-networks')).json['virtual-networks'].map((x: any) => x.uuid),
    ).not.toContain(vnB);
    expect(
      (await b('POST', '/chmod', { uuid: vnB, share: [{ tenant: `tenant:${pa}`, tenant_access: 5 }] }))
        .status,
    ).toBe(200);
    expect((await a('GET', `/virtual-network/${vnB}`)).status).toBe(200);
    expect((await a('GET', `/obj-perms?uuid=${vnB}`)).json.permissions).toBe('RX');
    const vmi = await a('POST', '/virtual-machine-interfaces', {
      'virtual-machine-interface': {
        fq_name: ['default-domain', 'tenant-a', 'vmi-a'],
        parent_type: 'project',
        virtual_network_refs: [{ uuid: vnB }],
      },
    });
    expect(vmi.status).toBe(200);
    expect(
      (await a('PUT', `/virtual-network/${vnB}`, { 'virtual-network': { display_name: 'mine' } })).status,
    ).toBe(403);
    expect((await a('DELETE', `/virtual-network/${vnB}`)).status).toBe(403);
    await a('DELETE', `/virtual-machine-interface/${vmi.json['virtual-machine-interface'].uuid}`);
    expect((await admin('POST', '/chown', { uuid: vnB, owner: pa })).status).toBe(200);
    expect((await a('DELETE', `/virtual-network/${vnB}`)).status).toBe(200);
  });

  it('/watch hides objects with user_visible: false from non-admins, as GET and list do (§5)', async () => {
    const b = await tokenFor(pb, ['member']);
    const hidden = await create(admin, 'virtual-network', {
      fq_name: ['default-domain', 'tenant-b', 'vn-hidden'],
      id_perms: { user_visible: false },
      perms2: { owner: pb, owner_access: 7 },
    });
    expect((await b('GET', `/virtual-network/${hidden}`)).status).toBe(404);
    const token = (
      await admin('POST', '/auth/tokens', { user: 'u-watch', project_id: pb, roles: ['member'], ttl_s: 600 })
    ).json.token;
    const w = openSse(`${api.base}/watch?resource_type=virtual_network`, {
      authorization: `Bearer ${token}`,
    });
    const aw = openSse(`${api.base}/watch?resource_type=virtual_network`, {
      'x-role': 'admin',
      'x-user': 'root',
    });
    try {
      await w.waitFor((f) => f.some((x) => x.event === 'init'));
      await aw.waitFor((f) => f.some((x) => x.event === 'init'));
      const uuids = (frames: SseFrame[]) =>
        frames.find((x) => x.event === 'init')!.data['virtual-networks'].map((v: any) => v.uuid);
      expect(uuids(aw.frames)).toContain(hidden);
      expect(uuids(w.frames)).not.toContain(hidden);
      // A change to it reaches the admin's stream and not the member's.
      expect(
        (
          await admin('PUT', `/virtual-network/${hidden}`, {
            'virtual-network': { display_name: 'still hidden' },
          })
        ).status,
      ).toBe(200);
      await aw.waitFor((f) => f.some((x) => x.event === 'update'));
      await new Promise((r) => setTimeout(r, 300));
      expect(w.frames.some((x) => x.event === 'update')).toBe(false);
    } finally {
      w.close();
      aw.close();
    }
  });

  it("39. a non-admin creating in another tenant's project gives 403; default-network-ipam is in a shared=true list", async () => {
    const a = await tokenFor(pa, ['member']);
    const before = await api.eventCount();
    expect(
      (
        await a('POST', '/virtual-networks', {
          'virtual-network': { fq_name: ['default-domain', 'tenant-b', 'vn-x'] },
        })
      ).status,
    ).toBe(403);
    expect(await api.eventCount()).toBe(before);
    const list = await a('GET', '/network-ipams?shared=true');
    expect(list.json['network-ipams'].map((x: any) => x.fq_name.join(':'))).toContain(
      'default-domain:default-project:default-network-ipam',
    );
  });

  it('40. chmod 9 or share x: gives 400; is_shared follows global_access; identity required; non-admin PUT /aaa-mode 403', async () => {
    const b = await tokenFor(pb, ['member']);
    const vn = await create(b, 'virtual-network', { fq_name: ['default-domain', 'tenant-b', 'vn40'] });
    expect((await b('POST', '/chmod', { uuid: vn, global_access: 9 })).status).toBe(400);
    expect(
      (await b('POST', '/chmod', { uuid: vn, share: [{ tenant: 'x:', tenant_access: 5 }] })).status,
    ).toBe(400);
    expect((await b('POST', '/chmod', { uuid: vn, global_access: 5 })).status).toBe(200);
    expect((await read(b, 'virtual-network', vn)).is_shared).toBe(true);
    expect((await b('POST', '/chmod', { uuid: vn, global_access: 0 })).status).toBe(200);
    expect((await read(b, 'virtual-network', vn)).is_shared).toBe(false);
    const anonymous = httpClient(api.base);
    expect((await anonymous('GET', '/virtual-networks')).status).toBe(401);
    const expired = await admin('POST', '/auth/tokens', {
      user: 'old',
      project_id: pb,
      roles: ['member'],
      ttl_s: 1,
    });
    await new Promise((r) => setTimeout(r, 1100));
    expect(
      (
        await anonymous('GET', '/virtual-networks', undefined, {
          authorization: `Bearer ${expired.json.token}`,
        })
      ).status,
    ).toBe(401);
    expect((await b('PUT', '/aaa-mode', { 'aaa-mode': 'no-auth' })).status).toBe(403);
  });

  it('41. rbac with only virtual-network * member:R: GET works, POST 403; member:CRUD allows it', async () => {
    const rbacApi = await startTestApi({ aaaMode: 'rbac', trustIdentityHeaders: true });
    try {
      const adm = httpClient(rbacApi.base, { 'x-role': 'admin' });
      const p = await create(adm, 'project', { fq_name: ['default-domain', 'rbac-p'] });
      const acl = await create(adm, 'api-access-list', {
        fq_name: ['default-domain', 'rbac-p', 'acl'],
        parent_type: 'project',
        api_access_list_entries: {
          rbac_rule: [
            {
              rule_object: 'virtual-network',
              rule_field: '*',
              rule_perms: [{ role_name: 'member', role_crud: 'R' }],
            },
          ],
        },
      });
      const member = httpClient(rbacApi.base, { 'x-role': 'member', 'x-project-id': p });
      expect((await member('GET', '/virtual-networks')).status).toBe(200);
      const post = () =>
        member('POST', '/virtual-networks', {
          'virtual-network': { fq_name: ['default-domain', 'rbac-p', 'vn41'] },
        });
      expect((await post()).status).toBe(403);
      await adm('PUT', `/api-access-list/${acl}`, {
        'api-access-list': {
          api_access_list_entries: {
            rbac_rule: [
              {
                rule_object: 'virtual-network',
                rule_field: '*',
                rule_perms: [{ role_name: 'member', role_crud: 'CRUD' }],
              },
            ],
          },
        },
      });
      expect((await post()).status).toBe(200);
      expect((await httpClient(rbacApi.base, { 'x-project-id': p })('GET', '/virtual-networks')).status).toBe(
        401,
      );
    } finally {
      await rbacApi.close();
    }
  });
});
