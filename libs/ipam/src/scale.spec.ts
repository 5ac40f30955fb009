/**
 * Allocation cost must not grow with the number of allocations: a flat /12 is filled with 100,000 addresses
 * and single allocations are timed before and after. The numbers are printed for the record.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { PoolClient } from 'pg';
import { SubnetRef, allocateAddress, allocateAnonymous, subnetIpCount, syncSubnets } from './allocator';
import { normalizeIpamSubnets } from './subnet';
import { IpamTestDb, inTx, ipamOwner, openIpamDb } from './testing/db';
import { subnetRefs } from './testing/subnets';

let t: IpamTestDb;

beforeAll(async () => {
  t = await openIpamDb(2);
});
afterAll(async () => {
  await t?.close();
});

const TOTAL = 100_000;
const SAMPLE = 500;

/** Mean ms per allocation over `n` allocations, each in its own committed transaction (the API's pattern). */
async function perTransaction(c: PoolClient, refs: SubnetRef[], label: string, n: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    await c.query('BEGIN');
    await allocateAddress(c, { subnets: refs, owner: randomUUID(), ownerLabel: label });
    await c.query('COMMIT');
  }
  return (performance.now() - start) / n;
}

/** Mean ms per allocation over `n` allocations in one transaction (the allocator alone, no commit). */
async function inOneTransaction(c: PoolClient, refs: SubnetRef[], label: string, n: number): Promise<number> {
  await c.query('BEGIN');
  const start = performance.now();
  for (let i = 0; i < n; i++)
    await allocateAddress(c, { subnets: refs, owner: randomUUID(), ownerLabel: label });
  const ms = (performance.now() - start) / n;
  await c.query('COMMIT');
  return ms;
}

it(`keeps per-allocation cost flat on a /12 up to ${TOTAL.toLocaleString('en')} allocations`, async () => {
  const ipam = ipamOwner('scale');
  const subnets = normalizeIpamSubnets([{ subnet: { ip_prefix: '10.32.0.0', ip_prefix_len: 12 } }]);
  await inTx(t.pool, (c) => syncSubnets(c, ipam, subnets));
  const refs = subnetRefs(subnets);

  const c = await t.pool.connect();
  try {
    // warm-up: plan caches, buffers, the first prefill
    await inOneTransaction(c, refs, ipam.label, 100);
    const earlyTx = await perTransaction(c, refs, ipam.label, SAMPLE);
    const earlyRaw = await inOneTransaction(c, refs, ipam.label, SAMPLE);

    const bulkStart = performance.now();
    let done = 2 * SAMPLE + 100;
    while (done < TOTAL - 2 * SAMPLE) {
      const n = Math.min(1000, TOTAL - 2 * SAMPLE - done);
      await inTx(t.pool, (x) => allocateAnonymous(x, refs, n));
      done += n;
    }
    const bulkMs = performance.now() - bulkStart;

    const lateRaw = await inOneTransaction(c, refs, ipam.label, SAMPLE);
    const lateTx = await perTransaction(c, refs, ipam.label, SAMPLE);
    const last = await inTx(t.pool, (x) =>
      allocateAddress(x, { subnets: refs, owner: randomUUID(), ownerLabel: ipam.label }),
    );
    expect(await subnetIpCount(t.pool, refs[0].subnetUuid)).toBe(TOTAL + 1 + 3);
    // 10.47.255.252 down: the 100,001st address
    expect(last.address).toBe('10.46.121.92');

    const report = {
      earlyMsPerAllocTx: +earlyTx.toFixed(3),
      lateMsPerAllocTx: +lateTx.toFixed(3),
      earlyMsPerAlloc: +earlyRaw.toFixed(3),
      lateMsPerAlloc: +lateRaw.toFixed(3),
      bulkAllocsPerSec: Math.round((TOTAL - 4 * SAMPLE - 100) / (bulkMs / 1000)),
      singleConnectionTxPerSec: Math.round(1000 / lateTx),
    };
    console.log(`ipam /12 scale: ${JSON.stringify(report)}`);
    // Generous, for a shared machine: a cost that grew with the number of allocations would be 10-100x by
    // now. Per-transaction numbers are mostly commit (fsync) time, hence the wider margin.
    expect(lateRaw).toBeLessThan(earlyRaw * 3 + 0.5);
    expect(lateTx).toBeLessThan(earlyTx * 4 + 2);
  } finally {
    c.release();
  }
});
