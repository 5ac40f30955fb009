import { randomUUID } from 'node:crypto';
import { allocateAddress, subnetIpCount, syncSubnets } from './allocator';
import { ID_POOLS, allocateId, freeId, idOwner, prepareIdPool, releaseOwner, reserveId } from './ids';
import { normalizeIpamSubnets } from './subnet';
import { IpamTestDb, inTx, openIpamDb, rolledBack, vnOwner } from './testing/db';
import { rejection, subnetRefs } from './testing/subnets';

let t: IpamTestDb;

beforeAll(async () => {
  t = await openIpamDb(22);
});
afterAll(async () => {
  await t?.close();
});

const { virtualNetworkId: vnId, securityGroupId: sgId } = ID_POOLS;

it('hands out the lowest free id, honours reservations and frees', async () => {
  const a = randomUUID();
  const ids = await inTx(t.pool, async (c) => [
    await allocateId(c, vnId.name, vnId.range, a),
    await allocateId(c, vnId.name, vnId.range, a),
    await allocateId(c, vnId.name, vnId.range, a),
  ]);
  expect(ids).toEqual([1, 2, 3]);
  const b = randomUUID();
  await inTx(t.pool, (c) => reserveId(c, vnId.name, 5, b));
  await inTx(t.pool, (c) => reserveId(c, vnId.name, 5, b));
  const taken = await rejection(inTx(t.pool, (c) => reserveId(c, vnId.name, 5, randomUUID())));
  expect([taken.status, taken.code]).toEqual([409, 'CONFLICT']);
  expect(await idOwner(t.pool, vnId.name, 5)).toBe(b);
  const more = await inTx(t.pool, async (c) => [
    await allocateId(c, vnId.name, vnId.range, b),
    await allocateId(c, vnId.name, vnId.range, b),
  ]);
  expect(more).toEqual([4, 6]);
  await inTx(t.pool, (c) => freeId(c, vnId.name, 2));
  expect(await idOwner(t.pool, vnId.name, 2)).toBeNull();
  expect(await inTx(t.pool, (c) => allocateId(c, vnId.name, vnId.range, b))).toBe(2);
  expect(await inTx(t.pool, (c) => releaseOwner(c, b))).toBe(4);
  expect(await inTx(t.pool, (c) => allocateId(c, vnId.name, vnId.range, b))).toBe(2);
});

it('reserving an id before the pool has a range works, and allocation skips it', async () => {
  const owner = randomUUID();
  await inTx(t.pool, (c) => reserveId(c, 'tag-type-id', 0x00ff, owner));
  expect(
    await inTx(t.pool, (c) => allocateId(c, ID_POOLS.tagTypeId.name, ID_POOLS.tagTypeId.range, owner)),
  ).toBe(0x0100);
  const perType = ID_POOLS.tagValueId(0x0100);
  expect(await inTx(t.pool, (c) => allocateId(c, perType.name, perType.range, owner))).toBe(0);
  expect(await inTx(t.pool, (c) => allocateId(c, ID_POOLS.tagValueId(7).name, perType.range, owner))).toBe(0);
});

it('gives security-group ids from 8,000,001 and route targets from the range in force', async () => {
  expect(await inTx(t.pool, (c) => allocateId(c, sgId.name, sgId.range, randomUUID()))).toBe(8_000_001);
  const ri = randomUUID();
  const rt = ID_POOLS.routeTarget;
  expect(await inTx(t.pool, (c) => allocateId(c, rt.name, rt.range, ri))).toBe(8_000_000);
  const rt4 = ID_POOLS.routeTarget4ByteAs;
  expect(await inTx(t.pool, (c) => allocateId(c, rt4.name, rt4.range, randomUUID()))).toBe(8_000);
  expect(await idOwner(t.pool, rt.name, 8_000_000)).toBe(ri);
  expect(await inTx(t.pool, (c) => allocateId(c, rt.name, rt.range, randomUUID()))).toBe(8_000_001);
});

it('exhausts a small pool with 409 and gets ids back from rolled-back transactions', async () => {
  const range = { lo: 1, hi: 3 };
  const got = await rolledBack(t.pool, async (c) => [
    await allocateId(c, 'tiny', range, 'x'),
    await allocateId(c, 'tiny', range, 'x'),
    await allocateId(c, 'tiny', range, 'x'),
  ]);
  expect(got).toEqual([1, 2, 3]);
  await inTx(t.pool, async (c) => {
    for (let i = 0; i < 3; i++) await allocateId(c, 'tiny', range, 'x');
  });
  const e = await rejection(inTx(t.pool, (c) => allocateId(c, 'tiny', range, 'x')));
  expect([e.status, e.code, e.message]).toEqual([409, 'CONFLICT', 'No free tiny left in 1..3']);
  expect((await rejection(inTx(t.pool, (c) => allocateId(c, 'tiny', { lo: 3, hi: 1 }, 'x')))).status).toBe(
    400,
  );
  expect((await rejection(inTx(t.pool, (c) => reserveId(c, 'tiny', -1, 'x')))).status).toBe(400);
});

it('releaseOwner frees the addresses and ids of a deleted object', async () => {
  const vn = vnOwner('rel');
  const subnets = normalizeIpamSubnets([{ subnet: { ip_prefix: '11.1.1.0', ip_prefix_len: 24 } }]);
  await inTx(t.pool, (c) => syncSubnets(c, vn, subnets));
  const refs = subnetRefs(subnets);
  const obj = randomUUID();
  const a = await inTx(t.pool, (c) =>
    allocateAddress(c, { subnets: refs, owner: obj, ownerLabel: vn.label }),
  );
  await inTx(t.pool, (c) => allocateId(c, 'rel-ids', { lo: 10, hi: 20 }, obj));
  expect(await inTx(t.pool, (c) => releaseOwner(c, obj))).toBe(2);
  expect(await subnetIpCount(t.pool, a.subnetUuid)).toBe(3);
  const again = await inTx(t.pool, (c) =>
    allocateAddress(c, { subnets: refs, owner: obj, ownerLabel: vn.label }),
  );
  expect(again.address).toBe(a.address);
});

describe('20 transactions on 20 connections', () => {
  async function parallel(
    pool: string,
    range: { lo: number; hi: number },
    barrier: boolean,
  ): Promise<number[]> {
    const n = 20;
    let arrived = 0;
    let release!: () => void;
    const allIn = new Promise<void>((r) => (release = r));
    return Promise.all(
      Array.from({ length: n }, () =>
        inTx(t.pool, async (c) => {
          const id = await allocateId(c, pool, range, randomUUID());
          if (++arrived === n) release();
          if (barrier) await allIn;
          return id;
        }),
      ),
    );
  }

  it('all open at once get 20 distinct ids from a prepared pool', async () => {
    await inTx(t.pool, (c) => prepareIdPool(c, 'par-prepared', { lo: 1, hi: 2 ** 24 }));
    const ids = await parallel('par-prepared', { lo: 1, hi: 2 ** 24 }, true);
    expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('racing to create a pool still get 20 distinct ids', async () => {
    const ids = await parallel('par-fresh', { lo: 100, hi: 2 ** 32 - 1 }, false);
    expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 100));
  });
});
