/** Group commit of creates: batched requests behave exactly as they would alone. */
import { Client } from 'pg';
import { DP } from './fixtures';
import { startTestApi, type Reply, type TestApi } from './harness';

/**
 * Sends `n` requests while another session holds a lock that every create's event insert waits for, and
 * lets them through only once the batcher's slots are all busy and the rest are queued: batches then form
 * however fast the machine commits (on a fast Postgres, parallel requests may otherwise never overlap).
 */
async function whileWritesAreHeld(
  api: TestApi,
  n: number,
  send: (i: number) => Promise<Reply>,
): Promise<Reply[]> {
  const blocker = new Client({ connectionString: api.tdb.url });
  await blocker.connect();
  try {
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE config_events IN EXCLUSIVE MODE');
    const replies = Promise.all(Array.from({ length: n }, (_, i) => send(i)));
    // The first MAX_IN_FLIGHT run alone and wait on the lock; every other one queues behind them.
    const batcher = api.server.svc.batcher!;
    while (batcher.queued < n - MAX_IN_FLIGHT) await new Promise((r) => setTimeout(r, 20));
    await blocker.query('COMMIT');
    return await replies;
  } finally {
    await blocker.end();
  }
}

/** WriteBatcher's default number of transactions in flight. */
const MAX_IN_FLIGHT = 4;

describe('group commit of creates', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    api.server.svc.batcher!.stats.batches = 0;
  });
  afterAll(async () => {
    await api?.close();
  });

  it('60 parallel creates all succeed, each X-Skein-Seq names its own CREATE event, and batches were formed', async () => {
    const rs = await whileWritesAreHeld(api, 60, (i) =>
      api.http('POST', '/network-policys', { 'network-policy': { fq_name: [...DP, `gc-${i}`] } }),
    );
    expect(rs.map((r) => r.status)).toEqual(Array(60).fill(200));
    const seqs = rs.map((r) => Number(r.headers.get('x-skein-seq')));
    expect(new Set(seqs).size).toBe(60);
    const { rows } = await api.db.query(
      `SELECT seq, uuid::text, oper FROM config_events WHERE seq = ANY($1::bigint[])`,
      [seqs],
    );
    const bySeq = new Map(rows.map((r: any) => [Number(r.seq), r]));
    rs.forEach((r, i) =>
      expect(bySeq.get(seqs[i])).toMatchObject({ uuid: r.json['network-policy'].uuid, oper: 'CREATE' }),
    );
    expect(api.server.svc.batcher!.stats.batches).toBeGreaterThan(0);
  });

  it('a bad request in a batch gets its own error and writes nothing; the others of the batch succeed', async () => {
    const before = await api.eventCount();
    const bodies = Array.from({ length: 30 }, (_, i) =>
      i === 7
        ? { 'network-policy': { fq_name: [...DP, 'gc-bad'], colour: 'red' } }
        : i === 13
          ? { 'network-policy': { fq_name: [...DP, 'gc-0'] } } // exists already
          : { 'network-policy': { fq_name: [...DP, `gc-b-${i}`] } },
    );
    const fallbacks = api.server.svc.batcher!.stats.fallbacks;
    const rs = await whileWritesAreHeld(api, bodies.length, (i) =>
      api.http('POST', '/network-policys', bodies[i]),
    );
    expect(rs[7].status).toBe(400);
    expect(rs[7].text).toContain('colour');
    expect(rs[13].status).toBe(409);
    expect(rs.filter((r) => r.status === 200)).toHaveLength(28);
    expect(await api.eventCount()).toBe(before + 28);
    expect(api.server.svc.batcher!.stats.fallbacks).toBeGreaterThan(fallbacks);
  });

  it('parallel instance-ips on one subnet in batches still get distinct addresses', async () => {
    const vn = await api.http('POST', '/virtual-networks', {
      'virtual-network': {
        fq_name: [...DP, 'gc-vn'],
        network_ipam_refs: [
          {
            to: [...DP, 'default-network-ipam'],
            attr: { ipam_subnets: [{ subnet: { ip_prefix: '10.99.0.0', ip_prefix_len: 24 } }] },
          },
        ],
      },
    });
    const uuid = vn.json['virtual-network'].uuid;
    const rs = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        api.http('POST', '/instance-ips', {
          'instance-ip': { fq_name: [`gc-iip-${i}`], virtual_network_refs: [{ uuid }] },
        }),
      ),
    );
    expect(rs.map((r) => r.status)).toEqual(Array(40).fill(200));
    const { rows } = await api.db.query(
      `SELECT props->>'instance_ip_address' AS a FROM objects WHERE type = 'instance-ip' AND fq_name->>0 LIKE 'gc-iip-%'`,
    );
    expect(new Set(rows.map((r: any) => r.a)).size).toBe(40);
  });
});
