/**
 * Randomised concurrent use of one subnet whose free list is filled in small chunks: allocations, frees,
 * requested addresses and rollbacks on many connections at once. Afterwards the database must agree with
 * what the workers committed, and every address nobody holds must still be obtainable (no leak).
 */
import { randomUUID } from 'node:crypto';
import { DatabaseError } from 'pg';
import { SkeinError } from '@skein/model';
import { allocateAddress, allocateAnonymous, freeAddress, subnetIpCount, syncSubnets } from './allocator';
import { normalizeIpamSubnets } from './subnet';
import { IpamTestDb, inTx, openIpamDb, vnOwner } from './testing/db';
import { subnetRefs } from './testing/subnets';

let t: IpamTestDb;
const WORKERS = 12;

beforeAll(async () => {
  t = await openIpamDb(WORKERS + 2);
});
afterAll(async () => {
  await t?.close();
});

/** A tiny deterministic PRNG, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

class Rollback extends Error {}

it('keeps the free list and the used set consistent under concurrent churn', async () => {
  const vn = vnOwner('churn');
  const subnets = normalizeIpamSubnets([{ subnet: { ip_prefix: '11.1.0.0', ip_prefix_len: 24 } }]);
  await inTx(t.pool, (c) => syncSubnets(c, vn, subnets));
  const refs = subnetRefs(subnets);
  // Small chunks, so fills, prefills and the cursor race with everything else.
  await t.pool.query(
    `SELECT ipam_pool_reset(pool_id, true, (SELECT ranges FROM ipam_pool p WHERE p.pool_id = s.pool_id))
       FROM ipam_subnet s WHERE subnet_uuid = $1`,
    [refs[0].subnetUuid],
  );
  await t.pool.query(
    `UPDATE ipam_pool SET chunk = 8 WHERE pool_id = (SELECT pool_id FROM ipam_subnet WHERE subnet_uuid = $1)`,
    [refs[0].subnetUuid],
  );

  const held = new Map<string, string>(); // address -> owner, as committed
  const stats = { alloc: 0, free: 0, requested: 0, rolledBack: 0, conflicts: 0, exhausted: 0, deadlocks: 0 };

  async function worker(seed: number): Promise<void> {
    const rand = rng(seed);
    for (let i = 0; i < 60; i++) {
      const owner = randomUUID();
      const op = rand();
      const rollback = rand() < 0.2;
      const mine = [...held.entries()];
      try {
        await inTx(t.pool, async (c) => {
          if (op < 0.45 || mine.length === 0) {
            const a = await allocateAddress(c, { subnets: refs, owner, ownerLabel: vn.label });
            if (rollback) throw new Rollback();
            held.set(a.address, owner);
            stats.alloc++;
          } else if (op < 0.9) {
            const [address, holder] = mine[Math.floor(rand() * mine.length)];
            const freed = await freeAddress(c, refs[0].subnetUuid, address, holder);
            if (rollback) throw new Rollback();
            // another worker may have freed it first
            if (freed) {
              held.delete(address);
              stats.free++;
            }
          } else {
            const requested = `11.1.0.${1 + Math.floor(rand() * 252)}`;
            const a = await allocateAddress(c, { subnets: refs, owner, ownerLabel: vn.label, requested });
            if (rollback) throw new Rollback();
            held.set(a.address, owner);
            stats.requested++;
          }
        });
      } catch (e) {
        if (e instanceof Rollback) stats.rolledBack++;
        else if (e instanceof SkeinError && e.code === 'IP_IN_USE') stats.conflicts++;
        else if (e instanceof SkeinError && e.code === 'SUBNET_EXHAUSTED') stats.exhausted++;
        else if (e instanceof DatabaseError && e.code === '40P01') stats.deadlocks++;
        else throw e;
      }
    }
  }

  await Promise.all(Array.from({ length: WORKERS }, (_, i) => worker(1000 + i)));
  console.log(`ipam churn: ${JSON.stringify(stats)}, held ${held.size}`);

  const rows = await t.pool.query<{ value: string; owner: string }>(
    `SELECT u.value::text AS value, u.owner FROM ipam_used u JOIN ipam_subnet s ON s.pool_id = u.pool_id
      WHERE s.subnet_uuid = $1 AND u.kind = 'o'`,
    [refs[0].subnetUuid],
  );
  const inDb = new Map(rows.rows.map((r) => [`11.1.0.${Number(r.value) & 0xff}`, r.owner]));
  expect(inDb).toEqual(held);
  expect(await subnetIpCount(t.pool, refs[0].subnetUuid)).toBe(held.size + 3);

  // Everything else is still reachable: exactly 252 - held more addresses, all distinct, then exhaustion.
  const rest = held.size < 252 ? await inTx(t.pool, (c) => allocateAnonymous(c, refs, 252 - held.size)) : [];
  const all = new Set([...rest.map((a) => a.address), ...held.keys()]);
  expect(all.size).toBe(252);
  await expect(
    inTx(t.pool, (c) => allocateAddress(c, { subnets: refs, owner: 'x', ownerLabel: vn.label })),
  ).rejects.toMatchObject({
    code: 'SUBNET_EXHAUSTED',
  });
});
