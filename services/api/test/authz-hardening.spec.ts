/** Issue 7 items 2 and 9 (API side): config-root, useragent-kv, chown, quota, X-Skein-Actor and /metrics authorization. */
import { create, DP, read } from './fixtures';
import { httpClient, startTestApi, type Http, type TestApi } from './harness';

const EVIL_GSC = '00000000-0000-4000-8000-000000000001';

const asnOfNewVn = async (http: Http, name: string, project = DP) => {
  const vn = await read(
    http,
    'virtual-network',
    await create(http, 'virtual-network', { fq_name: [...project, name] }),
  );
  const ri = await read(http, 'routing-instance', vn.routing_instances[0].uuid);
  return ri.route_target_refs[0].to[0].split(':')[1];
};

describe.each(['cloud-admin', 'rbac'] as const)(
  'authorization hardening in %s mode (issue 7 items 2 and 9)',
  (mode) => {
    let api: TestApi;
    let admin: Http;
    let pa: string;
    let pb: string;
    let memberA: Http;
    const token = (project: string | undefined, roles: string[], user = 'u') =>
      httpClient(api.base, {
        authorization: `Bearer ${api.server.auth.issueToken({ user, project_id: project, roles, ttl_s: 600 }).token}`,
      });
    const actorsSince = async (seq: number) => {
      const { rows } = await api.db.query(
        `SELECT envelope->>'actor' AS actor FROM config_events WHERE seq > $1`,
        [seq],
      );
      return rows.map((r: any) => r.actor);
    };

    beforeAll(async () => {
      api = await startTestApi({ aaaMode: mode, trustIdentityHeaders: true });
      admin = httpClient(api.base, { 'x-role': 'admin', 'x-user': 'root' });
      pa = await create(admin, 'project', { fq_name: ['default-domain', 'authz-a'] });
      pb = await create(admin, 'project', { fq_name: ['default-domain', 'authz-b'] });
      if (mode === 'rbac') {
        // Members may do anything rbac-wise: what is left to refuse is the object-level rule under test.
        const acl = (
          await admin('POST', '/fqname-to-id', {
            type: 'api-access-list',
            fq_name: ['default-global-system-config', 'default-api-access-list'],
          })
        ).json.uuid;
        const cur = await read(admin, 'api-access-list', acl);
        const rules = [
          ...cur.api_access_list_entries.rbac_rule,
          { rule_object: '*', rule_field: '*', rule_perms: [{ role_name: 'member', role_crud: 'CRUD' }] },
        ];
        expect(
          (
            await admin('PUT', `/api-access-list/${acl}`, {
              'api-access-list': { api_access_list_entries: { rbac_rule: rules } },
            })
          ).status,
        ).toBe(200);
      }
      memberA = token(pa, ['member'], 'alice');
    });
    afterAll(async () => {
      await api?.close();
    });

    it('item 2: a tenant creating a global-system-config (chosen uuid), a domain or a global tag gets 403 and nothing changes', async () => {
      const before = await api.eventCount();
      const gsc = await memberA('POST', '/global-system-configs', {
        'global-system-config': {
          uuid: EVIL_GSC,
          fq_name: ['evil-global-system-config'],
          autonomous_system: 65001,
        },
      });
      expect(gsc.status).toBe(403);
      expect(gsc.text).toContain('Only admin may create global-system-config under config-root');
      expect((await memberA('POST', '/domains', { domain: { fq_name: ['evil-domain'] } })).status).toBe(403);
      expect(
        (
          await memberA('POST', '/tags', {
            tag: { fq_name: ['evil=x'], tag_type_name: 'evil', tag_value: 'x' },
          })
        ).status,
      ).toBe(403);
      expect(await api.eventCount()).toBe(before);
      expect((await admin('GET', `/global-system-config/${EVIL_GSC}`)).status).toBe(404);
      expect(await asnOfNewVn(memberA, 'vn-after-attack', ['default-domain', 'authz-a'])).toBe('64512');
    });

    it("item 2: a tenant's own instance-ips and virtual-machines still go under config-root, owned by its project", async () => {
      const vm = await memberA('POST', '/virtual-machines', { 'virtual-machine': { fq_name: ['alice-vm'] } });
      expect(vm.status).toBe(200);
      const owner = (await read(admin, 'virtual-machine', vm.json['virtual-machine'].uuid)).perms2.owner;
      expect(owner).toBe(pa.replace(/-/g, ''));
    });

    it('item 2: with a second global-system-config (made by admin), route targets keep the default ASN and rbac keeps working', async () => {
      const second = await create(admin, 'global-system-config', {
        uuid: EVIL_GSC,
        fq_name: ['second-global-system-config'],
        autonomous_system: 65001,
      });
      // Its own (empty) api-access-list: read as "the" global list, it would refuse every member.
      await create(admin, 'api-access-list', {
        fq_name: ['second-global-system-config', 'default-api-access-list'],
        parent_type: 'global-system-config',
        api_access_list_entries: { rbac_rule: [] },
      });
      // Rewrite the default one so it is no longer first in the table either.
      const gsc = (
        await admin('POST', '/fqname-to-id', {
          type: 'global-system-config',
          fq_name: ['default-global-system-config'],
        })
      ).json.uuid;
      expect(
        (
          await admin('PUT', `/global-system-config/${gsc}`, {
            'global-system-config': { display_name: 'default' },
          })
        ).status,
      ).toBe(200);
      try {
        expect(await asnOfNewVn(memberA, 'vn-two-gsc', ['default-domain', 'authz-a'])).toBe('64512');
        expect(await asnOfNewVn(admin, 'vn-two-gsc-admin')).toBe('64512');
      } finally {
        await admin(
          'DELETE',
          `/api-access-list/${(await admin('POST', '/fqname-to-id', { type: 'api-access-list', fq_name: ['second-global-system-config', 'default-api-access-list'] })).json.uuid}`,
        );
        await admin('DELETE', `/global-system-config/${second}`);
      }
    });

    it('item 9: useragent-kv is for admin and service roles only; a member gets 403 and the value stays', async () => {
      const kv = (http: Http, body: Record<string, unknown>) => http('POST', '/useragent-kv', body);
      expect((await kv(admin, { operation: 'STORE', key: 'k1', value: 'admin-value' })).status).toBe(200);
      const store = await kv(memberA, { operation: 'STORE', key: 'k1', value: 'tenant-value' });
      expect(store.status).toBe(403);
      expect(store.text).toContain('useragent-kv is only for the admin and service roles');
      expect((await kv(memberA, { operation: 'RETRIEVE', key: 'k1' })).status).toBe(403);
      expect((await kv(memberA, { operation: 'DELETE', key: 'k1' })).status).toBe(403);
      expect((await kv(admin, { operation: 'RETRIEVE', key: 'k1' })).json.value).toBe('admin-value');
      const service = token(undefined, ['service'], 'neutron');
      expect((await kv(service, { operation: 'STORE', key: 'k1', value: 'plugin-value' })).status).toBe(200);
      expect((await kv(service, { operation: 'RETRIEVE', key: 'k1' })).json.value).toBe('plugin-value');
    });

    it("item 9: chown, chmod owner or PUT perms2 into another tenant's project gives 403 and the owner stays", async () => {
      const vn = await create(memberA, 'virtual-network', {
        fq_name: ['default-domain', 'authz-a', 'vn-chown'],
      });
      const owner = async () => (await read(admin, 'virtual-network', vn)).perms2.owner;
      const before = await api.eventCount();
      const chown = await memberA('POST', '/chown', { uuid: vn, owner: pb });
      expect(chown.status).toBe(403);
      expect(chown.text).toContain(`Permission denied to give objects to owner ${pb}`);
      expect((await memberA('POST', '/chmod', { uuid: vn, owner: pb })).status).toBe(403);
      expect((await memberA('POST', '/chown', { uuid: vn, owner: 'cloud-admin' })).status).toBe(403);
      const perms2 = (await read(admin, 'virtual-network', vn)).perms2;
      expect(
        (
          await memberA('PUT', `/virtual-network/${vn}`, {
            'virtual-network': { perms2: { ...perms2, owner: pb } },
          })
        ).status,
      ).toBe(403);
      expect(await api.eventCount()).toBe(before);
      expect(await owner()).toBe(pa.replace(/-/g, ''));
      // The target project's own member, or admin, may.
      expect((await admin('POST', '/chown', { uuid: vn, owner: pb })).status).toBe(200);
      expect(await owner()).toBe(pb.replace(/-/g, ''));
    });

    it("item 9: a member raising its project's quota gets 403 and the quota stays", async () => {
      expect(
        (await admin('PUT', `/project/${pa}`, { project: { quota: { virtual_network: 50 } } })).status,
      ).toBe(200);
      const before = await api.eventCount();
      const r = await memberA('PUT', `/project/${pa}`, { project: { quota: { virtual_network: 1000 } } });
      expect(r.status).toBe(403);
      expect(r.text).toContain('Only admin may set project quota');
      expect((await memberA('PUT', `/project/${pa}`, { project: { quota: null } })).status).toBe(403);
      expect(await api.eventCount()).toBe(before);
      expect((await read(admin, 'project', pa)).quota).toEqual({ virtual_network: 50 });
      // Other project fields stay the member's to change.
      expect((await memberA('PUT', `/project/${pa}`, { project: { display_name: 'A' } })).status).toBe(200);
    });

    it('item 9: X-Skein-Actor from a tenant gives 403 and writes nothing; a skein-controller token names the actor', async () => {
      const before = await api.head();
      const count = await api.eventCount();
      const r = await memberA(
        'POST',
        '/virtual-networks',
        { 'virtual-network': { fq_name: ['default-domain', 'authz-a', 'vn-actor'] } },
        { 'x-skein-actor': 'schema-transformer' },
      );
      expect(r.status).toBe(403);
      expect(r.text).toContain('X-Skein-Actor may only be set by internal controllers');
      expect(await api.eventCount()).toBe(count);
      const controller = token(pa, ['member', 'skein-controller'], 'st');
      await create(
        controller,
        'virtual-network',
        { fq_name: ['default-domain', 'authz-a', 'vn-actor-ctl'] },
        { 'x-skein-actor': 'schema-transformer' },
      );
      expect(new Set(await actorsSince(before))).toEqual(new Set(['schema-transformer']));
      const mid = await api.head();
      await create(
        admin,
        'virtual-network',
        { fq_name: [...DP, 'vn-actor-admin'] },
        { 'x-skein-actor': 'operator-script' },
      );
      expect(new Set(await actorsSince(mid))).toEqual(new Set(['operator-script']));
    });
  },
);

describe('/metrics binding rule (issue 7 item 9)', () => {
  it('is open on loopback', async () => {
    const api = await startTestApi({ aaaMode: 'cloud-admin' });
    try {
      const r = await httpClient(api.base)('GET', '/metrics');
      expect(r.status).toBe(200);
      expect(r.text).toContain('skein_api_requests_total');
    } finally {
      await api.close();
    }
  });

  it('bound beyond loopback it needs an admin or metrics-role bearer token', async () => {
    const api = await startTestApi({ aaaMode: 'cloud-admin', host: '0.0.0.0' });
    try {
      const bearer = (roles: string[], project?: string) => ({
        authorization: `Bearer ${api.server.auth.issueToken({ user: 'p', project_id: project, roles, ttl_s: 600 }).token}`,
      });
      const anon = await httpClient(api.base)('GET', '/metrics');
      expect(anon.status).toBe(401);
      expect(anon.text).not.toContain('skein_api_');
      const member = await httpClient(api.base, bearer(['member'], '0123456789abcdef0123456789abcdef'))(
        'GET',
        '/metrics',
      );
      expect(member.status).toBe(403);
      expect(member.text).toContain('/metrics needs the admin or metrics role');
      const prom = await httpClient(api.base, bearer(['metrics']))('GET', '/metrics');
      expect(prom.status).toBe(200);
      expect(prom.text).toContain('skein_api_requests_total');
      expect((await httpClient(api.base, bearer(['admin']))('GET', '/metrics')).status).toBe(200);
    } finally {
      await api.close();
    }
  });
});
