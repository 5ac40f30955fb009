/**
 * config-api.md §9 acceptance checks 1–24 (objects, validation, lists, updates, refs and actions), against a
 * real Postgres. "Nothing written" is checked as: the event count did not move.
 */
import { create, DP, IPAM, read, subnet, vnBody } from './fixtures';
import { startTestApi, type TestApi } from './harness';

describe('config API acceptance: objects (§9 checks 1–24)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  /** Runs fn and asserts it wrote nothing. */
  async function nothingWritten(fn: () => Promise<void>) {
    const before = await api.eventCount();
    const head = await api.head();
    await fn();
    expect(await api.eventCount()).toBe(before);
    expect(await api.head()).toBe(head);
  }

  it('1. GET / links a collection for every v1 type', async () => {
    const r = await api.http('GET', '/');
    expect(r.status).toBe(200);
    const collections = r.json.links
      .filter((l: any) => l.link.rel === 'collection')
      .map((l: any) => new URL(l.link.href).pathname);
    for (const c of [
      '/virtual-networks',
      '/network-policys',
      '/virtual-DNSs',
      '/instance-ips',
      '/firewall-rules',
      '/bgp-routers',
    ]) {
      expect(collections).toContain(c);
    }
  });

  it('2. default objects resolve by fqname-to-id; ASN 64512; ip-fabric has its two RIs', async () => {
    const defaults: [string, string[]][] = [
      ['global-system-config', ['default-global-system-config']],
      ['global-vrouter-config', ['default-global-system-config', 'default-global-vrouter-config']],
      ['domain', ['default-domain']],
      ['project', DP],
      ['network-ipam', IPAM],
      ['virtual-network', [...DP, 'default-virtual-network']],
      ['policy-management', ['default-policy-management']],
      ['application-policy-set', ['default-policy-management', 'default-application-policy-set']],
      ['virtual-network', [...DP, 'ip-fabric']],
      ['virtual-network', [...DP, '__link_local__']],
      ['routing-instance', [...DP, '__link_local__', '__link_local__']],
      ['security-group', [...DP, '__no_rule__']],
      ['network-ipam', [...DP, 'service-chain-flat-ipam']],
      ['tag-type', ['application']],
    ];
    for (const [type, fq_name] of defaults) {
      const r = await api.http('POST', '/fqname-to-id', { type, fq_name });
      expect([type, fq_name, r.status]).toEqual([type, fq_name, 200]);
    }
    const gscId = (
      await api.http('POST', '/fqname-to-id', {
        type: 'global-system-config',
        fq_name: ['default-global-system-config'],
      })
    ).json.uuid;
    expect((await read(api.http, 'global-system-config', gscId)).autonomous_system).toBe(64512);
    const fabId = (
      await api.http('POST', '/fqname-to-id', { type: 'virtual-network', fq_name: [...DP, 'ip-fabric'] })
    ).json.uuid;
    const fab = await read(api.http, 'virtual-network', fabId);
    expect(fab.routing_instances.map((r: any) => r.to[3]).sort()).toEqual(['__default__', 'ip-fabric']);
    expect(fab.virtual_network_network_id).toBe(2);
  });

  let vnUuid: string;
  it('3. POST a VN with 10.1.1.0/24 returns name, fq_name, uuid, href and parent_*', async () => {
    const r = await api.http('POST', '/virtual-networks', vnBody('vn-a', [subnet('10.1.1.0', 24)]));
    expect(r.status).toBe(200);
    const vn = r.json['virtual-network'];
    expect(vn).toMatchObject({ name: 'vn-a', fq_name: [...DP, 'vn-a'], parent_type: 'project' });
    expect(vn.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(vn.href).toBe(`${api.base}/virtual-network/${vn.uuid}`);
    expect(vn.parent_href).toBe(`${api.base}/project/${vn.parent_uuid}`);
    vnUuid = vn.uuid;
  });

  it('4–5. the VN has an id, subnet defaults, display_name and a default RI with an allocated route target', async () => {
    const vn = await read(api.http, 'virtual-network', vnUuid);
    expect(vn.virtual_network_network_id).toBeGreaterThanOrEqual(1);
    expect(vn.virtual_network_network_id).toBeLessThanOrEqual(2 ** 24);
    const s = vn.network_ipam_refs[0].attr.ipam_subnets[0];
    expect(s.subnet_uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(s.default_gateway).toBe('10.1.1.254');
    expect(s.dns_server_address).toBe('10.1.1.253');
    expect(vn.display_name).toBe('vn-a');
    expect(vn.routing_instances[0].to).toEqual([...DP, 'vn-a', 'vn-a']);
    const ri = await read(api.http, 'routing-instance', vn.routing_instances[0].uuid);
    expect(ri.routing_instance_is_default).toBe(true);
    expect(ri.route_target_refs).toHaveLength(1);
    const m = /^target:64512:(\d+)$/.exec(ri.route_target_refs[0].to[0]);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(8_000_000);
    expect(ri.route_target_refs[0].attr).toEqual({ import_export: null });
  });

  it('6. deleting the VN deletes its RI and frees the VN id', async () => {
    const id = (await read(api.http, 'virtual-network', vnUuid)).virtual_network_network_id;
    const riUuid = (await read(api.http, 'virtual-network', vnUuid)).routing_instances[0].uuid;
    expect((await api.http('DELETE', `/virtual-network/${vnUuid}`)).status).toBe(200);
    expect((await api.http('GET', `/routing-instance/${riUuid}`)).status).toBe(404);
    const again = await create(
      api.http,
      'virtual-network',
      vnBody('vn-b').virtual_network ?? vnBody('vn-b')['virtual-network'],
    );
    expect((await read(api.http, 'virtual-network', again)).virtual_network_network_id).toBe(id);
  });

  it('7. duplicate fq_name or reused uuid gives 409; uuid "ABC" gives 400', async () => {
    const u = await create(api.http, 'network-policy', { fq_name: [...DP, 'np-dup'] });
    await nothingWritten(async () => {
      const dup = await api.http('POST', '/network-policys', {
        'network-policy': { fq_name: [...DP, 'np-dup'] },
      });
      expect(dup.status).toBe(409);
      expect(dup.text).toContain(u);
      const reuse = await api.http('POST', '/network-policys', {
        'network-policy': { fq_name: [...DP, 'np-other'], uuid: u },
      });
      expect(reuse.status).toBe(409);
      const bad = await api.http('POST', '/network-policys', {
        'network-policy': { fq_name: [...DP, 'np-abc'], uuid: 'ABC' },
      });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('Invalid UUID format');
    });
  });

  it('8. bad parent_type, short fq_name, ":" or U+0001 in the name, or a missing parent give 400', async () => {
    await nothingWritten(async () => {
      const cases = [
        { fq_name: [...DP, 'x1'], parent_type: 'domain' },
        { fq_name: ['x2'] },
        { fq_name: [...DP, 'a:b'] },
        { fq_name: [...DP, 'a\u0001b'] },
        { fq_name: ['default-domain', 'no-such-project', 'x3'] },
      ];
      for (const c of cases) {
        const r = await api.http('POST', '/virtual-networks', { 'virtual-network': c });
        expect([c, r.status]).toEqual([c, 400]);
      }
      const r = await api.http('POST', '/virtual-networks', {
        'virtual-network': { fq_name: [...DP, 'x1'], parent_type: 'domain' },
      });
      expect(r.text).toContain('Invalid parent type: domain');
    });
  });

  it('9. malformed JSON, a non-object body or two envelope keys give 400', async () => {
    await nothingWritten(async () => {
      for (const body of [
        '{"virtual-network": ',
        '[1,2]',
        '"x"',
        JSON.stringify({ 'virtual-network': { fq_name: [...DP, 'y'] }, project: {} }),
      ]) {
        const r = await api.http('POST', '/virtual-networks', body);
        expect([body, r.status]).toEqual([body, 400]);
      }
    });
  });

  it('10. unknown fields and wrong values give 400 naming the field', async () => {
    await nothingWritten(async () => {
      const foo = await api.http('POST', '/virtual-networks', vnBody('z1', [], { foo: 1 }));
      expect(foo.status).toBe(400);
      expect(foo.text).toContain('foo');
      const fm = await api.http(
        'POST',
        '/virtual-networks',
        vnBody('z2', [], { virtual_network_properties: { forwarding_mode: 'l4' } }),
      );
      expect(fm.status).toBe(400);
      expect(fm.text).toContain('virtual_network_properties.forwarding_mode');
      const ps = await api.http(
        'POST',
        '/virtual-networks',
        vnBody('z3', [], { port_security_enabled: 'yes' }),
      );
      expect(ps.status).toBe(400);
      expect(ps.text).toContain('port_security_enabled');
      const deep = await api.http(
        'POST',
        '/virtual-networks',
        vnBody('z4', [], { virtual_network_properties: { bogus: 1 } }),
      );
      expect(deep.status).toBe(400);
      expect(deep.text).toContain('virtual_network_properties.bogus');
    });
  });

  it('11. a body over 1,024,000 bytes gives 413; text/plain gives 415', async () => {
    await nothingWritten(async () => {
      const big = JSON.stringify(vnBody('big', [], { display_name: 'x'.repeat(1_100_000) }));
      expect((await api.http('POST', '/virtual-networks', big)).status).toBe(413);
      const plain = await api.http('POST', '/virtual-networks', JSON.stringify(vnBody('plain')), {
        'content-type': 'text/plain',
      });
      expect(plain.status).toBe(415);
    });
  });

  it('12. Accept: application/json gives {code, message, details}; otherwise plain text with the same message', async () => {
    const body = vnBody('z5', [], { foo: 1 });
    const j = await api.http('POST', '/virtual-networks', body, { accept: 'application/json' });
    expect(j.status).toBe(400);
    expect(j.json).toMatchObject({ code: 'UNKNOWN_FIELD', details: { field: 'foo' } });
    const t = await api.http('POST', '/virtual-networks', body, { accept: '*/*' });
    expect(t.headers.get('content-type')).toMatch(/text\/plain/);
    expect(t.text).toBe(j.json.message);
  });

  it('13. a path uuid of another type gives 404 for GET and PUT', async () => {
    const vn = await create(api.http, 'virtual-network', vnBody('vn-13')['virtual-network']);
    expect((await api.http('GET', `/network-ipam/${vn}`)).status).toBe(404);
    expect(
      (await api.http('PUT', `/network-ipam/${vn}`, { 'network-ipam': { display_name: 'x' } })).status,
    ).toBe(404);
    expect((await api.http('GET', `/no-such-type/${vn}`)).status).toBe(404);
  });

  it('14. list shapes (plain, detail, count); fq_names and obj_uuids select exactly those objects', async () => {
    const a = await create(api.http, 'network-policy', { fq_name: [...DP, 'np14-a'] });
    const b = await create(api.http, 'network-policy', { fq_name: [...DP, 'np14-b'] });
    const plain = await api.http('GET', `/network-policys?obj_uuids=${a},${b}`);
    expect(plain.json['network-policys']).toEqual(
      [a, b]
        .sort()
        .map((u) => ({ uuid: u, fq_name: expect.any(Array), href: `${api.base}/network-policy/${u}` })),
    );
    const detail = await api.http('GET', `/network-policys?obj_uuids=${a}&detail=true`);
    expect(detail.json['network-policys'][0]['network-policy']).toMatchObject({
      uuid: a,
      name: 'np14-a',
      id_perms: expect.any(Object),
    });
    const count = await api.http('GET', `/network-policys?obj_uuids=${a},${b}&count=true`);
    expect(count.json).toEqual({ 'network-policys': { count: 2 } });
    const byFq = await api.http('GET', `/network-policys?fq_names=${[...DP, 'np14-b'].join(':')}`);
    expect(byFq.json['network-policys'].map((x: any) => x.uuid)).toEqual([b]);
    const union = await api.http(
      'GET',
      `/network-policys?fq_names=${[...DP, 'np14-b'].join(':')}&obj_uuids=${a}`,
    );
    expect(union.json['network-policys'].map((x: any) => x.uuid).sort()).toEqual([a, b].sort());
  });

  it('15. firewall-policy anchors combine with AND; bad filters or parent ids give 400', async () => {
    const p2 = await create(api.http, 'project', { fq_name: ['default-domain', 'p15'] });
    const p1 = (await api.http('POST', '/fqname-to-id', { type: 'project', fq_name: DP })).json.uuid;
    const fr = await create(api.http, 'firewall-rule', {
      fq_name: [...DP, 'fr15'],
      parent_type: 'project',
      service: { protocol: 'tcp', dst_ports: { start_port: 80, end_port: 80 } },
    });
    const fps: string[] = [];
    for (let i = 0; i < 4; i++) {
      fps.push(
        await create(api.http, 'firewall-policy', {
          fq_name: [...DP, `fp15-${i}`],
          parent_type: 'project',
          display_name: i < 2 ? 'web' : 'db',
          firewall_rule_refs: i < 3 ? [{ uuid: fr, attr: { sequence: `0000${i}.0` } }] : [],
        }),
      );
    }
    fps.push(
      await create(api.http, 'firewall-policy', {
        fq_name: ['default-domain', 'p15', 'fp15-x'],
        parent_type: 'project',
      }),
    );
    const list = async (q: string) =>
      (await api.http('GET', `/firewall-policys?${q}`)).json['firewall-policys'].length;
    expect(await list(`parent_id=${p1},${p2}`)).toBe(5);
    expect(await list(`parent_id=${p1}`)).toBe(4);
    expect(await list(`parent_id=${p1}&back_ref_id=${fr}`)).toBe(3);
    expect(await list(`parent_id=${p1}&back_ref_id=${fr}&filters=display_name==web`)).toBe(2);
    expect(
      await list(`parent_id=${p1}&back_ref_id=${fr}&filters=display_name==web&obj_uuids=${fps[0]}`),
    ).toBe(1);
    expect((await api.http('GET', '/firewall-policys?filters=bad')).status).toBe(400);
    expect((await api.http('GET', '/firewall-policys?parent_id=not-a-uuid')).status).toBe(400);
  });

  it('16. page_limit pages visit each object once; list-bulk-collection with 30 uuids equals the GET list', async () => {
    const uuids: string[] = [];
    for (let i = 0; i < 30; i++)
      uuids.push(
        await create(api.http, 'address-group', { fq_name: [...DP, `ag16-${i}`], parent_type: 'project' }),
      );
    const seen: string[] = [];
    let marker = 'None';
    for (let i = 0; i < 100; i++) {
      const r = await api.http('GET', `/address-groups?page_limit=2&page_marker=${marker}`);
      seen.push(...r.json['address-groups'].map((x: any) => x.uuid));
      if (r.json.marker === null) break;
      marker = r.json.marker;
    }
    expect(seen.length).toBe(new Set(seen).size);
    expect(seen.filter((u) => uuids.includes(u)).sort()).toEqual([...uuids].sort());
    const bulk = await api.http('POST', '/list-bulk-collection', {
      type: 'address-group',
      obj_uuids: uuids,
      detail: true,
    });
    const get = await api.http('GET', `/address-groups?obj_uuids=${uuids.join(',')}&detail=true`);
    expect(bulk.status).toBe(200);
    expect(bulk.json).toEqual(get.json);
    expect(bulk.json['address-groups']).toHaveLength(30);
  });

  it('17. PUT display_name keeps refs and props; an empty PUT gives 200, no event, same version', async () => {
    const np = await create(api.http, 'network-policy', { fq_name: [...DP, 'np17'] });
    const vn = await create(api.http, 'virtual-network', {
      fq_name: [...DP, 'vn17'],
      network_policy_refs: [{ uuid: np, attr: { sequence: { major: 0, minor: 0 } } }],
      virtual_network_properties: { forwarding_mode: 'l3' },
    });
    const before = await read(api.http, 'virtual-network', vn);
    expect(
      (await api.http('PUT', `/virtual-network/${vn}`, { 'virtual-network': { display_name: 'renamed' } }))
        .status,
    ).toBe(200);
    const after = await read(api.http, 'virtual-network', vn);
    expect(after.display_name).toBe('renamed');
    expect(after.network_policy_refs).toEqual(before.network_policy_refs);
    expect(after.virtual_network_properties).toEqual(before.virtual_network_properties);
    const etag = (await api.http('GET', `/virtual-network/${vn}`)).headers.get('etag');
    await nothingWritten(async () => {
      expect((await api.http('PUT', `/virtual-network/${vn}`, { 'virtual-network': {} })).status).toBe(200);
    });
    expect((await api.http('GET', `/virtual-network/${vn}`)).headers.get('etag')).toBe(etag);
  });

  it('18. PUT network_policy_refs replaces the list; [] clears it', async () => {
    const p1 = await create(api.http, 'network-policy', { fq_name: [...DP, 'np18-1'] });
    const p2 = await create(api.http, 'network-policy', { fq_name: [...DP, 'np18-2'] });
    const vn = await create(api.http, 'virtual-network', {
      fq_name: [...DP, 'vn18'],
      network_policy_refs: [{ uuid: p1, attr: { sequence: { major: 0, minor: 0 } } }],
    });
    await api.http('PUT', `/virtual-network/${vn}`, {
      'virtual-network': { network_policy_refs: [{ uuid: p2, attr: { sequence: { major: 0, minor: 0 } } }] },
    });
    expect((await read(api.http, 'virtual-network', vn)).network_policy_refs.map((r: any) => r.uuid)).toEqual(
      [p2],
    );
    await api.http('PUT', `/virtual-network/${vn}`, { 'virtual-network': { network_policy_refs: [] } });
    expect((await read(api.http, 'virtual-network', vn)).network_policy_refs).toBeUndefined();
  });

  it('19. immutable fields give 400, a new VN id 403, echoing current values 200', async () => {
    const vn = await create(
      api.http,
      'virtual-network',
      vnBody('vn19', [subnet('10.19.0.0', 24)])['virtual-network'],
    );
    const iip = await create(api.http, 'instance-ip', {
      fq_name: ['iip19'],
      virtual_network_refs: [{ uuid: vn }],
    });
    const cur = await read(api.http, 'instance-ip', iip);
    const vnCur = await read(api.http, 'virtual-network', vn);
    await nothingWritten(async () => {
      expect(
        (
          await api.http('PUT', `/instance-ip/${iip}`, {
            'instance-ip': { instance_ip_address: '10.19.0.7' },
          })
        ).status,
      ).toBe(400);
      expect(
        (await api.http('PUT', `/instance-ip/${iip}`, { 'instance-ip': { fq_name: ['other'] } })).status,
      ).toBe(400);
      expect(
        (
          await api.http('PUT', `/virtual-network/${vn}`, {
            'virtual-network': { virtual_network_network_id: vnCur.virtual_network_network_id + 1000 },
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await api.http('PUT', `/instance-ip/${iip}`, {
            'instance-ip': { instance_ip_address: cur.instance_ip_address, fq_name: cur.fq_name },
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await api.http('PUT', `/virtual-network/${vn}`, {
            'virtual-network': { virtual_network_network_id: vnCur.virtual_network_network_id },
          })
        ).status,
      ).toBe(200);
    });
  });

  it('20. deleting a project with a VN, or a VN referenced by a VMI, gives 409', async () => {
    const p = await create(api.http, 'project', { fq_name: ['default-domain', 'p20'] });
    const vn = await create(api.http, 'virtual-network', { fq_name: ['default-domain', 'p20', 'vn20'] });
    await create(api.http, 'virtual-machine-interface', {
      fq_name: ['default-domain', 'p20', 'vmi20'],
      parent_type: 'project',
      virtual_network_refs: [{ uuid: vn }],
    });
    await nothingWritten(async () => {
      const dp = await api.http('DELETE', `/project/${p}`);
      expect(dp.status).toBe(409);
      expect(dp.text).toContain('children still present');
      const dv = await api.http('DELETE', `/virtual-network/${vn}`);
      expect(dv.status).toBe(409);
      expect(dv.text).toContain('still referred');
    });
  });

  it('21. after ref-relax-for-delete on VN→policy, the policy delete succeeds and the VN loses the ref', async () => {
    const np = await create(api.http, 'network-policy', { fq_name: [...DP, 'np21'] });
    const vn = await create(api.http, 'virtual-network', {
      fq_name: [...DP, 'vn21'],
      network_policy_refs: [{ uuid: np, attr: { sequence: { major: 0, minor: 0 } } }],
    });
    expect((await api.http('DELETE', `/network-policy/${np}`)).status).toBe(409);
    expect((await api.http('POST', '/ref-relax-for-delete', { uuid: vn, 'ref-uuid': np })).status).toBe(200);
    expect((await api.http('DELETE', `/network-policy/${np}`)).status).toBe(200);
    expect((await read(api.http, 'virtual-network', vn)).network_policy_refs).toBeUndefined();
  });

  it('22. ref-update ADD twice keeps one ref with the latest attr; DELETE removes it; bad input 400/404', async () => {
    const np = await create(api.http, 'network-policy', { fq_name: [...DP, 'np22'] });
    const vn = await create(api.http, 'virtual-network', { fq_name: [...DP, 'vn22'] });
    const add = (minor: number) =>
      api.http('POST', '/ref-update', {
        operation: 'ADD',
        type: 'virtual-network',
        uuid: vn,
        'ref-type': 'network-policy',
        'ref-uuid': np,
        attr: { sequence: { major: 0, minor } },
      });
    expect((await add(1)).status).toBe(200);
    expect((await add(2)).status).toBe(200);
    const refs = (await read(api.http, 'virtual-network', vn)).network_policy_refs;
    expect(refs).toHaveLength(1);
    expect(refs[0].attr.sequence.minor).toBe(2);
    expect(
      (
        await api.http('POST', '/ref-update', {
          operation: 'DELETE',
          type: 'virtual-network',
          uuid: vn,
          'ref-type': 'network-policy',
          'ref-uuid': np,
        })
      ).status,
    ).toBe(200);
    expect((await read(api.http, 'virtual-network', vn)).network_policy_refs).toBeUndefined();
    await nothingWritten(async () => {
      expect(
        (
          await api.http('POST', '/ref-update', {
            operation: 'DELETE',
            type: 'virtual-network',
            uuid: vn,
            'ref-type': 'network-policy',
            'ref-uuid': np,
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await api.http('POST', '/ref-update', {
            operation: 'MERGE',
            type: 'virtual-network',
            uuid: vn,
            'ref-type': 'network-policy',
            'ref-uuid': np,
          })
        ).status,
      ).toBe(400);
      const unknown = await api.http('POST', '/ref-update', {
        operation: 'ADD',
        type: 'virtual-network',
        uuid: vn,
        'ref-type': 'network-policy',
        'ref-uuid': '00000000-0000-4000-8000-000000000000',
      });
      expect(unknown.status).toBe(404);
    });
  });

  it('23. fqname-to-id and id-to-fqname round-trip; useragent-kv STORE/RETRIEVE/DELETE', async () => {
    const np = await create(api.http, 'network-policy', { fq_name: [...DP, 'np23'] });
    const f = await api.http('POST', '/id-to-fqname', { uuid: np });
    expect(f.json).toEqual({ type: 'network-policy', fq_name: [...DP, 'np23'] });
    expect((await api.http('POST', '/fqname-to-id', f.json)).json.uuid).toBe(np);
    expect(
      (await api.http('POST', '/fqname-to-id', { type: 'network-policy', fq_name: [...DP, 'nope'] })).status,
    ).toBe(404);
    expect(
      (await api.http('POST', '/id-to-fqname', { uuid: '00000000-0000-4000-8000-000000000000' })).status,
    ).toBe(404);
    await nothingWritten(async () => {
      expect(
        (await api.http('POST', '/useragent-kv', { operation: 'STORE', key: 'k1', value: 'v1' })).status,
      ).toBe(200);
      expect((await api.http('POST', '/useragent-kv', { operation: 'RETRIEVE', key: 'k1' })).json).toEqual({
        value: 'v1',
      });
      expect((await api.http('POST', '/useragent-kv', { operation: 'DELETE', key: 'k1' })).status).toBe(200);
      expect((await api.http('POST', '/useragent-kv', { operation: 'RETRIEVE', key: 'k1' })).status).toBe(
        404,
      );
    });
  });

  it('24. prop-collection-update add/modify/delete matches prop-collection-get; a non-collection field gives 400', async () => {
    const vn = await create(api.http, 'virtual-network', { fq_name: [...DP, 'vn24'] });
    const vmi = await create(api.http, 'virtual-machine-interface', {
      fq_name: [...DP, 'vmi24'],
      parent_type: 'project',
      virtual_network_refs: [{ uuid: vn }],
    });
    const f = 'virtual_machine_interface_fat_flow_protocols';
    const upd = (updates: unknown[]) => api.http('POST', '/prop-collection-update', { uuid: vmi, updates });
    expect(
      (
        await upd([
          { field: f, operation: 'add', value: { protocol: 'tcp', port: 80 } },
          { field: f, operation: 'add', value: { protocol: 'udp', port: 53 } },
        ])
      ).status,
    ).toBe(200);
    expect(
      (await upd([{ field: f, operation: 'modify', value: { protocol: 'tcp', port: 8080 }, position: 0 }]))
        .status,
    ).toBe(200);
    expect((await upd([{ field: f, operation: 'delete', position: 1 }])).status).toBe(200);
    const got = await api.http('GET', `/prop-collection-get?uuid=${vmi}&fields=${f}`);
    expect(got.json[f]).toEqual([[{ protocol: 'tcp', port: 8080 }, '0']]);
    expect((await read(api.http, 'virtual-machine-interface', vmi))[f].fat_flow_protocol).toEqual([
      { protocol: 'tcp', port: 8080 },
    ]);
    expect((await api.http('GET', `/prop-collection-get?uuid=${vmi}&fields=display_name`)).status).toBe(400);
    expect((await upd([{ field: 'display_name', operation: 'add', value: 'x' }])).status).toBe(400);
  });
});
