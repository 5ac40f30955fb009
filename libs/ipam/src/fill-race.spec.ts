/**
 * A fill racing a free: the interleaving the churn test (concurrency.spec.ts) hit now and then under load,
 * forced here with locks so it happens every time. The fill's INSERT skips a value its snapshot saw held;
 * the holder's free commits before the fill's next statement, which finds the value only as a recycled row
 * parked beyond the cursor. Dropping that row (instead of making it a candidate) lost the address for good:
 * the subnet later reported exhaustion with addresses free.
 */
import { Client } from 'pg';
import { allocateAddress, allocateAnonymous, freeAddress, syncSubnets } from './allocator';
import { normalizeIpamSubnets } from './subnet';
import { IpamTestDb, inTx, openIpamDb, vnOwner } from './testing/db';
import { subnetRefs } from './testing/subnets';

let t: IpamTestDb;

beforeAll(async () => {
  t = await openIpamDb(6);
});
afterAll(async () => {
  await t?.close();
});

const v4 = (a: string) => String(a.split('.').reduce((n, o) => n * 256 + Number(o), 0));

it('a value freed while a fill passes over it stays obtainable', async () => {
  const vn = vnOwner('race');
  const subnets = normalizeIpamSubnets([{ subnet: { ip_prefix: '11.2.0.0', ip_prefix_len: 24 } }]);
  await inTx(t.pool, (c) => syncSubnets(c, vn, subnets));
  const refs = subnetRefs(subnets);
  const { rows } = await t.pool.query(`SELECT pool_id::text AS p FROM ipam_subnet WHERE subnet_uuid = $1`, [
    refs[0].subnetUuid,
  ]);
  const pool = rows[0].p as string;
  // Chunks of 8 from the top: .254 … .247 are candidates, the cursor stands at .246.
  await t.pool.query(
    `SELECT ipam_pool_reset($1::bigint, true, (SELECT ranges FROM ipam_pool WHERE pool_id = $1::bigint))`,
    [pool],
  );
  await t.pool.query(`UPDATE ipam_pool SET chunk = 8 WHERE pool_id = $1::bigint`, [pool]);
  await t.pool.query(`SELECT ipam_fill($1::bigint, true)`, [pool]);
  // .240 lies in the next chunk and is held (a requested address).
  await inTx(t.pool, (c) =>
    allocateAddress(c, { subnets: refs, owner: 'holder', ownerLabel: vn.label, requested: '11.2.0.240' }),
  );

  const freer = new Client({ connectionString: t.db.url });
  const filler = new Client({ connectionString: t.db.url });
  await Promise.all([freer.connect(), filler.connect()]);
  try {
    await freer.query('BEGIN');
    // An uncommitted candidate the fill will also insert: its INSERT waits on it, after taking its snapshot.
    await freer.query(
      `INSERT INTO ipam_free (pool_id, recycled, value) VALUES ($1::bigint, false, $2::numeric)`,
      [pool, v4('11.2.0.241')],
    );
    expect(await freeAddress(freer, refs[0].subnetUuid, '11.2.0.240', 'holder')).toBe(true);
    const fillerPid = (await filler.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const fill = filler.query(`SELECT ipam_fill($1::bigint, false) AS r`, [pool]);
    for (;;) {
      const w = await t.pool.query(`SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1`, [
        fillerPid,
      ]);
      if (w.rows[0]?.wait_event_type === 'Lock') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await freer.query('COMMIT');
    expect((await fill).rows[0].r).toBe('filled');
  } finally {
    await Promise.all([freer.end(), filler.end()]);
  }

  // Every address nobody holds can be had: 252 usable, none held now.
  const all = await inTx(t.pool, (c) => allocateAnonymous(c, refs, 252));
  expect(new Set(all.map((a) => a.address)).size).toBe(252);
  expect(all.map((a) => a.address)).toContain('11.2.0.240');
});
