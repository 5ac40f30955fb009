/**
 * IPAM_DDL and the allocators on PGlite (PostgreSQL compiled to WASM, in memory), the embedded store.
 */
import { randomUUID } from 'node:crypto';
import { allocateAddress, allocateAnonymous, freeAddress, subnetIpCount, syncSubnets } from './allocator';
import { allocateId, releaseOwner, reserveId } from './ids';
import { IPAM_DDL } from './sql';
import { normalizeIpamSubnets } from './subnet';
import { vnOwner } from './testing/db';
import { PgliteClient, startPglite } from './testing/pglite';
import { subnetRefs } from './testing/subnets';

let c: PgliteClient;

beforeAll(async () => {
  c = await startPglite();
  const version = await c.query<{ v: string }>('SELECT version() AS v');
  expect(version.rows[0].v).toMatch(/PGlite/);
  await c.exec(IPAM_DDL);
  await c.exec(IPAM_DDL);
}, 60_000);
afterAll(async () => {
  await c?.close();
});

it('allocates, reserves, frees and exhausts on PGlite', async () => {
  const vn = vnOwner('lite');
  const subnets = normalizeIpamSubnets([
    { subnet: { ip_prefix: '11.1.1.0', ip_prefix_len: 24 } },
    { subnet: { ip_prefix: 'fd14::', ip_prefix_len: 64 }, addr_from_start: true },
  ]);
  await syncSubnets(c, vn, subnets);
  const refs = subnetRefs(subnets);
  const owner = randomUUID();
  const req = { subnets: refs, owner, ownerLabel: vn.label };
  expect((await allocateAddress(c, req)).address).toBe('11.1.1.252');
  expect((await allocateAddress(c, { ...req, owner: randomUUID() })).address).toBe('11.1.1.251');
  expect((await allocateAddress(c, { ...req, family: 'v6' })).address).toBe('fd14::3');
  expect((await allocateAnonymous(c, refs, 3)).map((a) => a.address)).toEqual([
    '11.1.1.250',
    '11.1.1.249',
    '11.1.1.248',
  ]);
  await expect(allocateAddress(c, { ...req, requested: '11.1.1.251' })).rejects.toMatchObject({
    code: 'IP_IN_USE',
  });
  expect((await allocateAddress(c, { ...req, requested: '11.1.1.9' })).address).toBe('11.1.1.9');
  expect(await subnetIpCount(c, refs[0].subnetUuid)).toBe(3 + 6);
  expect(await freeAddress(c, refs[0].subnetUuid, '11.1.1.252', owner)).toBe(true);
  expect((await allocateAddress(c, req)).address).toBe('11.1.1.252');

  await c.exec('BEGIN');
  expect((await allocateAddress(c, req)).address).toBe('11.1.1.247');
  await c.exec('ROLLBACK');
  expect((await allocateAddress(c, req)).address).toBe('11.1.1.247');

  const tiny = normalizeIpamSubnets([{ subnet: { ip_prefix: '12.1.1.0', ip_prefix_len: 29 } }]);
  const tinyOwner = vnOwner('tiny');
  await syncSubnets(c, tinyOwner, tiny);
  const tinyRefs = subnetRefs(tiny);
  expect((await allocateAnonymous(c, tinyRefs, 4)).map((a) => a.address)).toEqual([
    '12.1.1.4',
    '12.1.1.3',
    '12.1.1.2',
    '12.1.1.1',
  ]);
  await expect(
    allocateAddress(c, { subnets: tinyRefs, owner, ownerLabel: tinyOwner.label }),
  ).rejects.toMatchObject({
    status: 409,
    message: "Virtual-Network(['default-domain', 'p', 'tiny']) has exhausted subnet(['12.1.1.0/29'])",
  });
  expect(await releaseOwner(c, owner)).toBe(4);
});

it('hands out identifiers on PGlite', async () => {
  await reserveId(c, 'virtual-network-id', 1, 'default-vn');
  expect(await allocateId(c, 'virtual-network-id', { lo: 1, hi: 2 ** 24 }, 'a')).toBe(2);
  expect(await allocateId(c, 'security-group-id', { lo: 8_000_001, hi: 2 ** 32 - 1 }, 'b')).toBe(8_000_001);
  await expect(reserveId(c, 'virtual-network-id', 2, 'c')).rejects.toMatchObject({ status: 409 });
});
