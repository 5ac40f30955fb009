/**
 * config-api.md §9 checks 25–32 and 47 at the allocator's level, on the machine's Postgres.
 */
import { randomUUID } from 'node:crypto';
import {
  SubnetOwner,
  SubnetRef,
  addressHolder,
  allocateAddress,
  allocateAnonymous,
  freeAddress,
  freeAnonymous,
  getSubnet,
  subnetIpCount,
  subnetsOf,
  syncSubnets,
} from './allocator';
import { IpamSubnetType, normalizeIpamSubnets } from './subnet';
import { IPAM_DDL } from './sql';
import { IpamTestDb, inTx, ipamOwner, openIpamDb, rolledBack, vnOwner } from './testing/db';
import { rejection, sn, subnetRefs } from './testing/subnets';
import type { SqlClient } from './client';

let t: IpamTestDb;

beforeAll(async () => {
  t = await openIpamDb(22);
});
afterAll(async () => {
  await t?.close();
});

/** Registers the owner's subnets in a committed transaction; returns them as allocation candidates. */
async function network(owner: SubnetOwner, subnets: IpamSubnetType[]): Promise<SubnetRef[]> {
  const normalized = normalizeIpamSubnets(subnets);
  await inTx(t.pool, (c) => syncSubnets(c, owner, normalized));
  return subnetRefs(normalized);
}

const alloc = (
  refs: SubnetRef[],
  owner: SubnetOwner,
  extra: { requested?: string; allowGateway?: boolean; family?: 'v4' | 'v6' } = {},
) =>
  inTx(t.pool, (c) =>
    allocateAddress(c, { subnets: refs, owner: randomUUID(), ownerLabel: owner.label, ...extra }),
  );

const last = (a: string) => a.split('.')[3];

it('runs its DDL twice without harm', async () => {
  await t.pool.query(IPAM_DDL);
});

it('check 25: .252 first, ip-alloc 10 gives .251 down to .242, subnet-ip-count = allocated + 3', async () => {
  const vn = vnOwner('vn25');
  const refs = await network(vn, [sn('11.1.1.0', 24)]);
  const u = refs[0].subnetUuid;
  expect(await subnetIpCount(t.pool, u)).toBe(3);
  const iip = await alloc(refs, vn);
  expect(iip).toEqual({ address: '11.1.1.252', family: 'v4', subnetUuid: u, subnet: '11.1.1.0/24' });
  const anon = await inTx(t.pool, (c) => allocateAnonymous(c, refs, 10));
  expect(anon.map((a) => last(a.address))).toEqual([
    '251',
    '250',
    '249',
    '248',
    '247',
    '246',
    '245',
    '244',
    '243',
    '242',
  ]);
  expect(await subnetIpCount(t.pool, u)).toBe(11 + 3);
  expect(
    await inTx(t.pool, (c) =>
      freeAnonymous(
        c,
        refs,
        anon.map((a) => a.address),
      ),
    ),
  ).toBe(10);
  expect(await subnetIpCount(t.pool, u)).toBe(1 + 3);
  // ip-free leaves object-held addresses alone
  expect(await inTx(t.pool, (c) => freeAnonymous(c, refs, ['11.1.1.252', '10.9.9.9']))).toBe(0);
  expect((await addressHolder(t.pool, u, '11.1.1.252'))?.kind).toBe('object');
  expect(await subnetIpCount(t.pool, randomUUID())).toBe(0);
});

it('check 26: a requested address in use gives 409 and changes nothing', async () => {
  const vn = vnOwner('vn26');
  const refs = await network(vn, [sn('11.1.1.0', 24)]);
  const first = await alloc(refs, vn, { requested: '11.1.1.10' });
  expect(first.address).toBe('11.1.1.10');
  const holder = await addressHolder(t.pool, refs[0].subnetUuid, '11.1.1.10');
  const before = await subnetIpCount(t.pool, refs[0].subnetUuid);
  const e = await rejection(alloc(refs, vn, { requested: '11.1.1.10' }));
  expect([e.status, e.code, e.message]).toEqual([409, 'IP_IN_USE', 'IP address already in use']);
  expect(await subnetIpCount(t.pool, refs[0].subnetUuid)).toBe(before);
  expect(await addressHolder(t.pool, refs[0].subnetUuid, '11.1.1.10')).toEqual(holder);
  // the DNS address, the network address and the broadcast are never handed out
  for (const a of ['11.1.1.253', '11.1.1.0', '11.1.1.255']) {
    expect((await rejection(alloc(refs, vn, { requested: a }))).code).toBe('IP_IN_USE');
  }
  // a requested address is taken out of the free list: the next free one skips it
  await alloc(refs, vn, { requested: '11.1.1.252' });
  expect((await alloc(refs, vn)).address).toBe('11.1.1.251');
});

it('requested addresses: outside the subnets 400, the gateway only for router ports, idempotent per owner', async () => {
  const vn = vnOwner('vnreq');
  const refs = await network(vn, [sn('11.1.1.0', 24)]);
  expect((await rejection(alloc(refs, vn, { requested: '11.1.2.1' }))).status).toBe(400);
  expect((await rejection(alloc(refs, vn, { requested: 'nope' }))).status).toBe(400);
  expect((await rejection(alloc(refs, vn, { requested: 'fd14::1' }))).status).toBe(400);
  expect((await rejection(alloc(refs, vn, { requested: '11.1.1.5', family: 'v6' }))).status).toBe(400);
  const vmPort = await rejection(alloc(refs, vn, { requested: '11.1.1.254' }));
  expect([vmPort.status, vmPort.message]).toEqual([400, 'Gateway IP cannot be used by VM port']);
  const router = await alloc(refs, vn, { requested: '11.1.1.254', allowGateway: true });
  expect(router.address).toBe('11.1.1.254');
  expect((await addressHolder(t.pool, refs[0].subnetUuid, '11.1.1.254'))?.kind).toBe('reserved');
  expect(await inTx(t.pool, (c) => freeAddress(c, refs[0].subnetUuid, '11.1.1.254'))).toBe(false);
  const owner = randomUUID();
  const req = { subnets: refs, owner, ownerLabel: vn.label, requested: '11.1.1.77' };
  await inTx(t.pool, (c) => allocateAddress(c, req));
  await inTx(t.pool, (c) => allocateAddress(c, req));
  expect((await addressHolder(t.pool, refs[0].subnetUuid, '11.1.1.77'))?.owner).toBe(owner);
});

it('check 27: pools .21–.24 and .31–.34 give eight descending, then 409; ascending with addr_from_start', async () => {
  const pools = [
    { start: '11.1.1.21', end: '11.1.1.24' },
    { start: '11.1.1.31', end: '11.1.1.34' },
  ];
  const vn = vnOwner('vn27');
  const refs = await network(vn, [sn('11.1.1.0', 24, { allocation_pools: pools })]);
  const got: string[] = [];
  for (let i = 0; i < 8; i++) got.push(last((await alloc(refs, vn)).address));
  expect(got).toEqual(['34', '33', '32', '31', '24', '23', '22', '21']);
  const e = await rejection(alloc(refs, vn));
  expect([e.status, e.code, e.message]).toEqual([
    409,
    'SUBNET_EXHAUSTED',
    "Virtual-Network(['default-domain', 'p', 'vn27']) has exhausted subnet(['11.1.1.0/24'])",
  ]);
  expect(await subnetIpCount(t.pool, refs[0].subnetUuid)).toBe(8);

  const up = vnOwner('vn27up');
  const upRefs = await network(up, [sn('11.1.1.0', 24, { allocation_pools: pools, addr_from_start: true })]);
  const asc: string[] = [];
  for (let i = 0; i < 8; i++) asc.push(last((await alloc(upRefs, up)).address));
  expect(asc).toEqual(['21', '22', '23', '24', '31', '32', '33', '34']);
  expect((await rejection(alloc(upRefs, up))).code).toBe('SUBNET_EXHAUSTED');
});

it('check 28: addr_from_start gives gateway .1, DNS .2, first .3; fd14::/64 gets gateway fd14::1', async () => {
  const vn = vnOwner('vn28');
  const refs = await network(vn, [
    sn('11.1.1.0', 24, { addr_from_start: true }),
    sn('fd14::', 64, { addr_from_start: true }),
  ]);
  const [v4, v6] = await subnetsOf(t.pool, vn.uuid);
  expect([v4.gateway, v4.dnsServer, v6.gateway, v6.dnsServer]).toEqual([
    '11.1.1.1',
    '11.1.1.2',
    'fd14::1',
    'fd14::2',
  ]);
  expect(v4.ipamSubnet.default_gateway).toBe('11.1.1.1');
  expect((await alloc(refs, vn)).address).toBe('11.1.1.3');
  expect((await alloc(refs, vn, { family: 'v6' })).address).toBe('fd14::3');
  expect((await alloc(refs, vn, { family: 'v6' })).address).toBe('fd14::4');
  expect(await subnetIpCount(t.pool, v6.subnetUuid)).toBe(3 + 2);
  const down = vnOwner('vn28down');
  const downRefs = await network(down, [sn('fd14::', 64)]);
  expect((await alloc(downRefs, down)).address).toBe('fd14::ffff:ffff:ffff:fffc');
});

it('check 29: a flat /12 on an IPAM is shared by two VNs: 10.47.255.252 then .251, unique across them', async () => {
  const ipam = ipamOwner('flat');
  const flat = await network(ipam, [sn('10.32.0.0', 12)]);
  const vnA = vnOwner('flatA');
  const vnB = vnOwner('flatB');
  const a = await alloc(flat, vnA);
  const b = await alloc(flat, vnB);
  expect([a.address, b.address]).toEqual(['10.47.255.252', '10.47.255.251']);
  expect(a.subnetUuid).toBe(b.subnetUuid);
  expect((await rejection(alloc(flat, vnB, { requested: '10.47.255.252' }))).code).toBe('IP_IN_USE');
  expect((await getSubnet(t.pool, a.subnetUuid))?.ownerKind).toBe('network-ipam');
});

it('the service-chain-flat-ipam subnets (0.0.0.0/8, ::ffff/104) start at 0.255.255.252 and ::ff:fffc', async () => {
  const ipam = ipamOwner('service-chain-flat-ipam');
  const refs = await network(ipam, [sn('0.0.0.0', 8), sn('::ffff', 104)]);
  expect((await alloc(refs, ipam, { family: 'v4' })).address).toBe('0.255.255.252');
  const v6 = await alloc(refs, ipam, { family: 'v6' });
  expect(v6).toMatchObject({ address: '::ff:fffc', subnet: '::ffff/104' });
  const [, info] = await subnetsOf(t.pool, ipam.uuid);
  expect([info.network, info.gateway, info.dnsServer]).toEqual(['::/104', '::ff:fffe', '::ff:fffd']);
});

it("a transaction still finds candidates that another transaction's rollback restored", async () => {
  const vn = vnOwner('vnrestore');
  const refs = await network(vn, [sn('11.1.1.0', 29)]);
  const other = await t.pool.connect();
  try {
    await other.query('BEGIN');
    expect((await allocateAddress(other, { subnets: refs, owner: 'b', ownerLabel: vn.label })).address).toBe(
      '11.1.1.4',
    );
    const mine = await inTx(t.pool, async (c) => {
      const got = [];
      for (let i = 0; i < 3; i++)
        got.push((await allocateAddress(c, { subnets: refs, owner: 'a', ownerLabel: vn.label })).address);
      await expect(
        allocateAddress(c, { subnets: refs, owner: 'a', ownerLabel: vn.label }),
      ).rejects.toMatchObject({
        code: 'SUBNET_EXHAUSTED',
      });
      await other.query('ROLLBACK');
      got.push((await allocateAddress(c, { subnets: refs, owner: 'a', ownerLabel: vn.label })).address);
      return got;
    });
    expect(mine).toEqual(['11.1.1.3', '11.1.1.2', '11.1.1.1', '11.1.1.4']);
  } finally {
    other.release();
  }
});

it('check 30: removing a subnet in use gives 409; overlapping subnets give 400', async () => {
  const vn = vnOwner('vn30');
  const refs = await network(vn, [sn('11.1.1.0', 24), sn('12.1.1.0', 24)]);
  const held = await alloc(refs, vn);
  await inTx(t.pool, (c) => allocateAnonymous(c, [refs[1]], 3));
  const only12 = normalizeIpamSubnets([sn('12.1.1.0', 24, { subnet_uuid: refs[1].subnetUuid })]);
  const e = await rejection(inTx(t.pool, (c) => syncSubnets(c, vn, only12)));
  expect([e.status, e.code, e.message]).toEqual([
    409,
    'SUBNET_IN_USE',
    'Cannot Delete IP Block, IP(11.1.1.252) is in use',
  ]);
  expect(await subnetsOf(t.pool, vn.uuid)).toHaveLength(2);
  // anonymous ip-alloc reservations do not block (TF checks object addresses only)
  const only11 = normalizeIpamSubnets([sn('11.1.1.0', 24, { subnet_uuid: refs[0].subnetUuid })]);
  await inTx(t.pool, (c) => syncSubnets(c, vn, only11));
  expect((await subnetsOf(t.pool, vn.uuid)).map((s) => s.prefix)).toEqual(['11.1.1.0/24']);
  expect(await subnetIpCount(t.pool, refs[1].subnetUuid)).toBe(0);
  await inTx(t.pool, (c) => freeAddress(c, held.subnetUuid, held.address));
  await inTx(t.pool, (c) => syncSubnets(c, vn, []));
  expect(await subnetsOf(t.pool, vn.uuid)).toEqual([]);

  const overlap = await rejection(
    inTx(t.pool, async (c) =>
      syncSubnets(c, vn, [
        ...normalizeIpamSubnets([sn('11.1.1.0', 24)]),
        ...normalizeIpamSubnets([sn('11.1.0.0', 16)]),
      ]),
    ),
  );
  expect([overlap.status, overlap.message]).toEqual([
    400,
    "Overlapping addresses: [IPNetwork('11.1.1.0/24'), IPNetwork('11.1.0.0/16')]",
  ]);
});

it('check 31: a floating-ip pool on 101.101.101.0/24 gets .252; a taken requested address gives 409', async () => {
  const vn = vnOwner('public');
  const refs = await network(vn, [sn('101.101.101.0', 24)]);
  expect((await alloc(refs, vn, { family: 'v4' })).address).toBe('101.101.101.252');
  expect((await rejection(alloc(refs, vn, { requested: '101.101.101.252' }))).status).toBe(409);
});

it('check 32: a freed address is the next one handed out', async () => {
  const vn = vnOwner('vn32');
  const refs = await network(vn, [sn('11.1.1.0', 24)]);
  const owner = randomUUID();
  const a = await inTx(t.pool, (c) => allocateAddress(c, { subnets: refs, owner, ownerLabel: vn.label }));
  await alloc(refs, vn);
  expect(await inTx(t.pool, (c) => freeAddress(c, a.subnetUuid, a.address, randomUUID()))).toBe(false);
  expect(await inTx(t.pool, (c) => freeAddress(c, a.subnetUuid, a.address, owner))).toBe(true);
  expect((await alloc(refs, vn)).address).toBe(a.address);
  expect((await alloc(refs, vn)).address).toBe('11.1.1.250');
});

it('a rolled-back transaction returns its allocations', async () => {
  const vn = vnOwner('vnrb');
  const refs = await network(vn, [sn('11.1.1.0', 24)]);
  const inside = await rolledBack(t.pool, async (c) => {
    const x = await allocateAddress(c, { subnets: refs, owner: randomUUID(), ownerLabel: vn.label });
    await allocateAnonymous(c, refs, 5);
    await allocateAddress(c, {
      subnets: refs,
      owner: randomUUID(),
      ownerLabel: vn.label,
      requested: '11.1.1.9',
    });
    return x.address;
  });
  expect(inside).toBe('11.1.1.252');
  expect(await subnetIpCount(t.pool, refs[0].subnetUuid)).toBe(3);
  expect((await alloc(refs, vn)).address).toBe('11.1.1.252');
  expect((await alloc(refs, vn, { requested: '11.1.1.9' })).address).toBe('11.1.1.9');
});

it('exhaustion names every subnet tried and is all-or-nothing for ip-alloc', async () => {
  const vn = vnOwner('vnx');
  // /29: .0 network, .6 gateway, .5 DNS reserved, .7 broadcast outside the default pool; a /30 keeps nothing
  // to hand out (as in TF); fd15::/125 has ::1 to ::4
  const refs = await network(vn, [sn('11.1.1.0', 29), sn('11.1.2.0', 30), sn('fd15::', 125)]);
  const v4 = refs.filter((r) => r.family === 'v4');
  const got: string[] = [];
  for (let i = 0; i < 4; i++) got.push((await alloc(v4, vn)).address);
  expect(got).toEqual(['11.1.1.4', '11.1.1.3', '11.1.1.2', '11.1.1.1']);
  const e = await rejection(alloc(refs, vn, { family: 'v4' }));
  expect(e.message).toBe(
    "Virtual-Network(['default-domain', 'p', 'vnx']) has exhausted subnet(['11.1.1.0/29', '11.1.2.0/30'])",
  );
  const before = await subnetIpCount(t.pool, refs[2].subnetUuid);
  expect((await rejection(inTx(t.pool, (c) => allocateAnonymous(c, refs, 5, 'v6')))).code).toBe(
    'SUBNET_EXHAUSTED',
  );
  expect(await subnetIpCount(t.pool, refs[2].subnetUuid)).toBe(before);
  expect((await rejection(alloc([], vn))).message).toBe(
    "Virtual-Network(['default-domain', 'p', 'vnx']) has no defined subnets",
  );
});

it('check 47: 20 transactions on 20 connections, all open at once, get 20 distinct addresses', async () => {
  const vn = vnOwner('vn47');
  const refs = await network(vn, [sn('11.1.1.0', 24)]);
  const n = 20;
  let arrived = 0;
  let release!: () => void;
  const allIn = new Promise<void>((r) => (release = r));
  // Every transaction allocates, then waits until all 20 have allocated before committing: allocations that
  // queued on each other until commit would never get there.
  const results = await Promise.all(
    Array.from({ length: n }, () =>
      inTx(t.pool, async (c) => {
        const a = await allocateAddress(c, { subnets: refs, owner: randomUUID(), ownerLabel: vn.label });
        if (++arrived === n) release();
        await allIn;
        return a.address;
      }),
    ),
  );
  expect(new Set(results).size).toBe(n);
  expect(results.map((a) => Number(last(a))).sort((x, y) => y - x)).toEqual(
    Array.from({ length: n }, (_, i) => 252 - i),
  );
  expect(await subnetIpCount(t.pool, refs[0].subnetUuid)).toBe(n + 3);
});

describe('syncSubnets', () => {
  const q = (c: SqlClient) => c;

  it('re-keys a subnet re-sent with a new uuid, keeps its allocations, and updates pools', async () => {
    const vn = vnOwner('vnsync');
    const refs = await network(vn, [sn('11.1.1.0', 24)]);
    const a = await alloc(refs, vn);
    const newUuid = randomUUID();
    const pools = [{ start: '11.1.1.100', end: '11.1.1.200' }];
    await inTx(t.pool, (c) =>
      syncSubnets(
        q(c),
        vn,
        normalizeIpamSubnets([sn('11.1.1.0', 24, { subnet_uuid: newUuid, allocation_pools: pools })]),
      ),
    );
    const [s] = await subnetsOf(t.pool, vn.uuid);
    expect(s.subnetUuid).toBe(newUuid);
    expect(s.pools).toEqual([{ start: '11.1.1.100', end: '11.1.1.200' }]);
    // .252 stays held outside the new pool; the gateway and DNS now lie outside every pool
    expect((await addressHolder(t.pool, newUuid, a.address))?.kind).toBe('object');
    expect(await subnetIpCount(t.pool, newUuid)).toBe(1);
    const moved = { ...refs[0], subnetUuid: newUuid };
    expect((await alloc([moved], vn)).address).toBe('11.1.1.200');
  });

  it('rejects a gateway change, a DNS address in use, and a subnet uuid of another owner', async () => {
    const vn = vnOwner('vnsync2');
    const refs = await network(vn, [sn('11.1.1.0', 24)]);
    const u = refs[0].subnetUuid;
    const gw = await rejection(
      inTx(t.pool, (c) =>
        syncSubnets(
          c,
          vn,
          normalizeIpamSubnets([sn('11.1.1.0', 24, { subnet_uuid: u, default_gateway: '11.1.1.1' })]),
        ),
      ),
    );
    expect([gw.status, gw.message]).toEqual([
      400,
      'default gateway change is not allowed orig:11.1.1.254, new: 11.1.1.1',
    ]);
    await alloc(refs, vn, { requested: '11.1.1.50' });
    const dns = await rejection(
      inTx(t.pool, (c) =>
        syncSubnets(
          c,
          vn,
          normalizeIpamSubnets([sn('11.1.1.0', 24, { subnet_uuid: u, dns_server_address: '11.1.1.50' })]),
        ),
      ),
    );
    expect(dns.status).toBe(400);
    // moving the DNS address frees the old one and reserves the new one
    await inTx(t.pool, (c) =>
      syncSubnets(
        c,
        vn,
        normalizeIpamSubnets([sn('11.1.1.0', 24, { subnet_uuid: u, dns_server_address: '11.1.1.60' })]),
      ),
    );
    expect((await addressHolder(t.pool, u, '11.1.1.60'))?.kind).toBe('reserved');
    expect(await addressHolder(t.pool, u, '11.1.1.253')).toBeNull();
    expect((await alloc(refs, vn)).address).toBe('11.1.1.253');
    const other = vnOwner('thief');
    const stolen = await rejection(
      inTx(t.pool, (c) =>
        syncSubnets(c, other, normalizeIpamSubnets([sn('12.1.1.0', 24, { subnet_uuid: u })])),
      ),
    );
    expect([stolen.status, stolen.code]).toEqual([409, 'CONFLICT']);
  });

  it('switching addr_from_start re-seeds the order', async () => {
    const vn = vnOwner('vnflip');
    const refs = await network(vn, [sn('11.1.1.0', 24)]);
    expect((await alloc(refs, vn)).address).toBe('11.1.1.252');
    await inTx(t.pool, (c) =>
      syncSubnets(
        c,
        vn,
        normalizeIpamSubnets([
          sn('11.1.1.0', 24, {
            subnet_uuid: refs[0].subnetUuid,
            addr_from_start: true,
            default_gateway: '11.1.1.254',
            dns_server_address: '11.1.1.253',
          }),
        ]),
      ),
    );
    expect((await alloc(refs, vn)).address).toBe('11.1.1.1');
    expect((await alloc(refs, vn)).address).toBe('11.1.1.2');
  });
});
