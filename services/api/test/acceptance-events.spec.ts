/** config-api.md §9 acceptance checks 43, 44, 46 and 47: watch, events, quota and two API replicas. */
import { create, DP, IPAM, read, subnet } from './fixtures';
import { startTestApi, type TestApi } from './harness';
import { openSse } from './sse';

describe('config API acceptance: events and watch (§9 checks 43, 44, 46)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('43. /watch sends init, then create, update and delete frames; Last-Event-ID resumes without duplicates', async () => {
    expect((await api.http('GET', '/watch')).status).toBe(400);
    expect((await api.http('GET', '/watch?resource_type=no_such_type')).status).toBe(404);
    const w = openSse(`${api.base}/watch?resource_type=virtual_network&virtual_network_fields=display_name`);
    await w.waitFor((f) => f.some((x) => x.event === 'init'));
    const init = w.frames.find((f) => f.event === 'init')!;
    expect(init.data['virtual-networks'].map((v: any) => v.fq_name[2])).toEqual(
      expect.arrayContaining(['ip-fabric', 'default-virtual-network']),
    );
    const vn = await create(api.http, 'virtual-network', { fq_name: [...DP, 'vn43'] });
    await api.http('PUT', `/virtual-network/${vn}`, { 'virtual-network': { display_name: 'renamed' } });
    await create(api.http, 'network-policy', { fq_name: [...DP, 'np43'] }); // another type: not sent
    await api.http('DELETE', `/virtual-network/${vn}`);
    await w.waitFor((f) => f.some((x) => x.event === 'delete'));
    const changes = w.frames.filter((f) => f.event !== 'init');
    expect(changes.map((f) => f.event)).toEqual(['create', 'update', 'delete']);
    expect(changes[1].data['virtual-network']).toMatchObject({ uuid: vn, display_name: 'renamed' });
    expect(changes[1].data['virtual-network'].virtual_network_network_id).toBeUndefined();
    w.close();

    // Resume after the create: exactly the update and the delete again, no init.
    const r = openSse(`${api.base}/watch?resource_type=virtual_network`, { 'last-event-id': changes[0].id! });
    await r.waitFor((f) => f.some((x) => x.event === 'delete'));
    await new Promise((res) => setTimeout(res, 200));
    expect(r.frames.map((f) => [f.event, f.id])).toEqual([
      ['update', changes[1].id],
      ['delete', changes[2].id],
    ]);
    r.close();
  });

  it("44. each write's X-Skein-Seq names its event; a VN create yields VN, route-target and RI CREATEs in one tx", async () => {
    const r = await api.http(
      'POST',
      '/virtual-networks',
      { 'virtual-network': { fq_name: [...DP, 'vn44'] } },
      { 'x-skein-actor': 'tester' },
    );
    const seq = Number(r.headers.get('x-skein-seq'));
    const { rows } = await api.db.query(
      `SELECT seq, oper, type, uuid::text, envelope->>'actor' AS actor, tx_id::text FROM config_events
        WHERE tx_id = (SELECT tx_id FROM config_events WHERE seq = $1) ORDER BY seq`,
      [seq],
    );
    expect(rows.map((e: any) => [e.oper, e.type])).toEqual([
      ['CREATE', 'virtual-network'],
      ['CREATE', 'route-target'],
      ['CREATE', 'routing-instance'],
    ]);
    expect(rows.every((e: any) => e.actor === 'tester')).toBe(true);
    expect(Number(rows[rows.length - 1].seq)).toBe(seq);
    const vn = r.json['virtual-network'].uuid;
    const u = await api.http('PUT', `/virtual-network/${vn}`, { 'virtual-network': { display_name: 'x' } });
    const useq = Number(u.headers.get('x-skein-seq'));
    const ev = (await api.db.query(`SELECT oper, type, uuid::text FROM config_events WHERE seq = $1`, [useq]))
      .rows[0];
    expect(ev).toEqual({ oper: 'UPDATE', type: 'virtual-network', uuid: vn });
    const g = await api.http('GET', `/virtual-network/${vn}`);
    expect(Number(g.headers.get('x-skein-seq'))).toBeGreaterThanOrEqual(useq);
    const d = await api.http('DELETE', `/virtual-network/${vn}`);
    const deletes = (
      await api.db.query(
        `SELECT oper, type FROM config_events WHERE tx_id = (SELECT tx_id FROM config_events WHERE seq = $1) ORDER BY seq`,
        [Number(d.headers.get('x-skein-seq'))],
      )
    ).rows;
    expect(deletes.map((e: any) => `${e.oper} ${e.type}`)).toEqual([
      'DELETE route-target',
      'DELETE routing-instance',
      'DELETE virtual-network',
    ]);
  });

  it('46. a quota {virtual_network: 1} gives 412 on the second VN', async () => {
    const p = await create(api.http, 'project', {
      fq_name: ['default-domain', 'p46'],
      quota: { virtual_network: 1 },
    });
    void p;
    expect(
      (
        await api.http('POST', '/virtual-networks', {
          'virtual-network': { fq_name: ['default-domain', 'p46', 'vn1'] },
        })
      ).status,
    ).toBe(200);
    const before = await api.eventCount();
    const second = await api.http('POST', '/virtual-networks', {
      'virtual-network': { fq_name: ['default-domain', 'p46', 'vn2'] },
    });
    expect(second.status).toBe(412);
    expect(second.text).toContain('quota');
    expect(await api.eventCount()).toBe(before);
  });
});

describe('config API acceptance: two replicas (§9 check 47)', () => {
  let a: TestApi;
  let b: TestApi;
  beforeAll(async () => {
    a = await startTestApi();
    b = await startTestApi({}, a.tdb);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('20 parallel instance-ips across replicas get distinct addresses; 20 parallel creates of one fq_name give one 200', async () => {
    const vn = await create(a.http, 'virtual-network', {
      fq_name: [...DP, 'vn47'],
      network_ipam_refs: [{ to: IPAM, attr: { ipam_subnets: [subnet('12.1.1.0', 24)] } }],
    });
    const rs = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).http('POST', '/instance-ips', {
          'instance-ip': { fq_name: [`iip47-${i}`], virtual_network_refs: [{ uuid: vn }] },
        }),
      ),
    );
    expect(rs.map((r) => r.status)).toEqual(Array(20).fill(200));
    const addrs = await Promise.all(
      rs.map(
        async (r) => (await read(a.http, 'instance-ip', r.json['instance-ip'].uuid)).instance_ip_address,
      ),
    );
    expect(new Set(addrs).size).toBe(20);
    const same = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).http('POST', '/network-policys', { 'network-policy': { fq_name: [...DP, 'np47'] } }),
      ),
    );
    const statuses = same.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
  });
});
