/**
 * Identifier pools (VN ids, security-group ids, route-target numbers, tag ids): lowest free first, held by
 * an owning object and freed with it. Same SQL machinery as addresses, one named pool per id space.
 */
import { SkeinError } from '@skein/model';
import type { SqlClient } from './client';

export interface IdRange {
  lo: bigint | number;
  hi: bigint | number;
}

/** The id spaces the API uses (config-api.md §6). */
export const ID_POOLS = {
  virtualNetworkId: { name: 'virtual-network-id', range: { lo: 1, hi: 2 ** 24 } },
  securityGroupId: { name: 'security-group-id', range: { lo: 8_000_001, hi: 2 ** 32 - 1 } },
  routeTarget: { name: 'route-target', range: { lo: 8_000_000, hi: 8_000_000 + 2 ** 24 - 1 } },
  routeTarget4ByteAs: { name: 'route-target', range: { lo: 8_000, hi: 8_000 + 2 ** 15 - 1 } },
  tagTypeId: { name: 'tag-type-id', range: { lo: 0x00ff, hi: 0x7fff } },
  /** Tag value ids are numbered per tag type. */
  tagValueId: (tagTypeId: number) => ({ name: `tag-value-id:${tagTypeId}`, range: { lo: 0, hi: 0x7fff } }),
} as const;

function checkId(id: bigint | number, what: string): string {
  const ok = typeof id === 'bigint' ? id >= 0n : Number.isSafeInteger(id) && id >= 0;
  if (!ok) throw new SkeinError(400, 'BAD_REQUEST', `Invalid ${what} ${String(id)}`);
  return String(id);
}

/**
 * The lowest free id of `pool` within `range`, held by `owner`. A pool's range is its latest caller's: a
 * different range (route targets when enable_4byte_as flips) re-seeds the free list; ids already held stay.
 */
export async function allocateId(c: SqlClient, pool: string, range: IdRange, owner: string): Promise<number> {
  const lo = checkId(range.lo, 'range');
  const hi = checkId(range.hi, 'range');
  if (BigInt(lo) > BigInt(hi)) throw new SkeinError(400, 'BAD_REQUEST', `Invalid range ${lo}..${hi}`);
  const r = await c.query<{ id: string | null }>(
    `SELECT ipam_id_alloc($1, $2::numeric, $3::numeric, $4)::text AS id`,
    [pool, lo, hi, owner],
  );
  const id = r.rows[0]?.id;
  if (id === null || id === undefined) {
    throw new SkeinError(409, 'CONFLICT', `No free ${pool} left in ${lo}..${hi}`);
  }
  return Number(id);
}

/**
 * Creates the pool and fills its first chunk of candidates. Run it once in its own transaction (at
 * bootstrap): otherwise the first allocation creates the pool, and until that transaction commits, other
 * first allocations of the same pool wait for it.
 */
export async function prepareIdPool(c: SqlClient, pool: string, range: IdRange): Promise<void> {
  await c.query(`SELECT ipam_fill(ipam_id_pool($1, $2::numeric, $3::numeric), true)`, [
    pool,
    checkId(range.lo, 'range'),
    checkId(range.hi, 'range'),
  ]);
}

/** Takes a specific id for `owner`; 409 CONFLICT when another owner holds it (re-reserving is a no-op). */
export async function reserveId(
  c: SqlClient,
  pool: string,
  id: bigint | number,
  owner: string,
): Promise<void> {
  const value = checkId(id, pool);
  const r = await c.query<{ ok: boolean; held_by: string | null }>(
    `SELECT ok, held_by FROM ipam_reserve(ipam_named_pool($1), $2::numeric, $3, 'o')`,
    [pool, value, owner],
  );
  const res = r.rows[0];
  if (res.ok || res.held_by === owner) return;
  throw new SkeinError(409, 'CONFLICT', `${pool} ${value} is already in use`);
}

/** Frees an id (a no-op when it is free). */
export async function freeId(c: SqlClient, pool: string, id: bigint | number): Promise<void> {
  await c.query(
    `SELECT ipam_release(p.pool_id, ARRAY[$2::numeric], NULL, NULL) FROM ipam_pool p WHERE p.name = $1`,
    [pool, checkId(id, pool)],
  );
}

/** The owner of an id, or null when it is free. */
export async function idOwner(c: SqlClient, pool: string, id: bigint | number): Promise<string | null> {
  const r = await c.query<{ owner: string | null }>(
    `SELECT u.owner FROM ipam_used u JOIN ipam_pool p ON p.pool_id = u.pool_id WHERE p.name = $1 AND u.value = $2::numeric`,
    [pool, checkId(id, pool)],
  );
  return r.rows[0]?.owner ?? null;
}

/** Frees everything an object held: its addresses in every subnet and its ids in every pool. */
export async function releaseOwner(c: SqlClient, owner: string): Promise<number> {
  const r = await c.query<{ n: number }>(`SELECT ipam_release_owner($1) AS n`, [owner]);
  return Number(r.rows[0].n);
}
