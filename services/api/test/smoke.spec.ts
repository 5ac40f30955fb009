import { startTestApi, type TestApi } from './harness';

describe('config API smoke', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('creates a VN and reads it back', async () => {
    const r = await api.http('POST', '/virtual-networks', {
      'virtual-network': {
        fq_name: ['default-domain', 'default-project', 'vn1'],
        network_ipam_refs: [{ to: ['default-domain', 'default-project', 'default-network-ipam'], attr: { ipam_subnets: [{ subnet: { ip_prefix: '10.1.1.0', ip_prefix_len: 24 } }] } }],
      },
    });
    expect(r.status).toBe(200);
    const g = await api.http('GET', `/virtual-network/${r.json['virtual-network'].uuid}`);
    expect(g.status).toBe(200);
    console.log(JSON.stringify(g.json, null, 1).slice(0, 3000));
  });
});
