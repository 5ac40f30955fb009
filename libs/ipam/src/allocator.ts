/**
 * Subnet registration and address allocation, run inside the API's transaction (config-api.md §6). A
 * subnet's allocation state belongs to the subnet's owner: the VN for user-defined subnets, the IPAM for flat
 * ones (so flat addresses are unique across every VN that uses the IPAM).
 */
import { SkeinError } from '@skein/model';
import { Address, Family, formatAddress, parseAddress, parsePrefix, prefixContains } from './address';
import type { SqlClient } from './client';
import {
  IpamSubnetType,
  NormalizedSubnet,
  ValueRange,
  checkSubnetOverlap,
  classifyRequested,
  reservedValues,
} from './subnet';

export type SubnetOwnerKind = 'virtual-network' | 'network-ipam';

export interface SubnetOwner {
  kind: SubnetOwnerKind;
  uuid: string;
  /** The owner as TF names it in messages, e.g. `Virtual-Network(['default-domain', 'p', 'vn'])`. */
  label: string;
}

/** A candidate subnet for an allocation. `prefix` is the subnet's name, `ip_prefix/ip_prefix_len`. */
export interface SubnetRef {
  subnetUuid: string;
  family: Family;
  prefix: string;
}

export interface SubnetInfo extends SubnetRef {
  ownerKind: SubnetOwnerKind;
  ownerUuid: string;
  ownerLabel: string;
  /** Canonical network text, e.g. `10.1.1.0/24` (differs from `prefix` when ip_prefix had host bits). */
  network: string;
  prefixLen: number;
  /** null when the subnet has no gateway. */
  gateway: string | null;
  dnsServer: string | null;
  addrFromStart: boolean;
  /** The allocation ranges in effect (the default pool when none was configured). */
  pools: { start: string; end: string }[];
  ipamSubnet: IpamSubnetType;
}

export interface AllocateAddressRequest {
  /** Candidate subnets, in the order they are tried. */
  subnets: readonly SubnetRef[];
  family?: Family;
  requested?: string;
  /** uuid of the object that holds the address (instance-ip, floating-ip, alias-ip). */
  owner: string;
  /** Router ports (VMIs without a VM) may take the gateway address. */
  allowGateway?: boolean;
  ownerLabel: string;
}

export interface AllocatedAddress {
  address: string;
  family: Family;
  subnetUuid: string;
  /** The subnet's name, `ip_prefix/ip_prefix_len`. */
  subnet: string;
}

export type HolderKind = 'reserved' | 'object' | 'anonymous';

const KIND_NAMES: Record<string, HolderKind> = { r: 'reserved', o: 'object', a: 'anonymous' };

interface SubnetRow {
  subnet_uuid: string;
  pool_id: string;
  owner_kind: SubnetOwnerKind;
  owner_uuid: string;
  owner_label: string;
  family: number;
  name: string;
  network: string;
  prefix_len: number;
  last: string;
  gateway: string | null;
  dns: string | null;
  addr_from_start: boolean;
  ipam_subnet: IpamSubnetType;
  ranges: string[];
}

const SUBNET_COLUMNS = `s.subnet_uuid, s.pool_id::text AS pool_id, s.owner_kind, s.owner_uuid, s.owner_label,
  s.family, s.name, s.network::text AS network, s.prefix_len, s.last::text AS last, s.gateway::text AS gateway,
  s.dns::text AS dns, s.addr_from_start, s.ipam_subnet, p.ranges::text[] AS ranges`;
const SUBNET_FROM = `ipam_subnet s JOIN ipam_pool p ON p.pool_id = s.pool_id`;

const familyOfRow = (r: { family: number }): Family => (r.family === 6 ? 'v6' : 'v4');

function rangesOf(r: SubnetRow): ValueRange[] {
  const out: ValueRange[] = [];
  for (let i = 0; i + 1 < r.ranges.length; i += 2)
    out.push({ lo: BigInt(r.ranges[i]), hi: BigInt(r.ranges[i + 1]) });
  return out;
}

function toInfo(r: SubnetRow): SubnetInfo {
  const family = familyOfRow(r);
  return {
    subnetUuid: r.subnet_uuid,
    family,
    prefix: r.name,
    ownerKind: r.owner_kind,
    ownerUuid: r.owner_uuid,
    ownerLabel: r.owner_label,
    network: `${formatAddress(family, BigInt(r.network))}/${r.prefix_len}`,
    prefixLen: r.prefix_len,
    gateway: r.gateway === null ? null : formatAddress(family, BigInt(r.gateway)),
    dnsServer: r.dns === null ? null : formatAddress(family, BigInt(r.dns)),
    addrFromStart: r.addr_from_start,
    pools: rangesOf(r).map((x) => ({ start: formatAddress(family, x.lo), end: formatAddress(family, x.hi) })),
    ipamSubnet: r.ipam_subnet,
  };
}

function rangesParam(ranges: readonly ValueRange[]): string[] {
  return ranges.flatMap((r) => [r.lo.toString(), r.hi.toString()]);
}

/** Python's str() of a list of strings, as TF's messages print them: ['a', 'b']. */
function pyList(items: readonly string[]): string {
  return `[${items.map((s) => `'${s}'`).join(', ')}]`;
}

function sameRanges(a: readonly ValueRange[], b: readonly ValueRange[]): boolean {
  return a.length === b.length && a.every((r, i) => r.lo === b[i].lo && r.hi === b[i].hi);
}

async function insertReserved(c: SqlClient, poolId: string, s: NormalizedSubnet): Promise<void> {
  const values = reservedValues(s).map(String);
  if (values.length === 0) return;
  await c.query(
    `INSERT INTO ipam_used (pool_id, value, kind)
     SELECT $1::bigint, v, 'r' FROM unnest($2::numeric[]) AS v ON CONFLICT DO NOTHING`,
    [poolId, values],
  );
}

async function registerSubnet(
  c: SqlClient,
  owner: SubnetOwner,
  s: NormalizedSubnet,
  position: number,
): Promise<void> {
  const ranges = rangesParam(s.pools);
  const pool = await c.query<{ pool_id: string }>(
    `INSERT INTO ipam_pool (descending, ranges, fill_cursor, chunk)
     VALUES ($1, $2::numeric[], ipam_range_start($2::numeric[], $1), greatest(1, least(64, ipam_range_size($2::numeric[])))::integer)
     RETURNING pool_id::text AS pool_id`,
    [!s.addrFromStart, ranges],
  );
  const poolId = pool.rows[0].pool_id;
  await c.query(
    `INSERT INTO ipam_subnet (subnet_uuid, pool_id, owner_kind, owner_uuid, owner_label, position, family, name,
       network, prefix_len, last, gateway, dns, addr_from_start, ipam_subnet)
     VALUES ($1, $2::bigint, $3, $4, $5, $6, $7, $8, $9::numeric, $10, $11::numeric, $12::numeric, $13::numeric, $14, $15::jsonb)`,
    [
      s.subnetUuid,
      poolId,
      owner.kind,
      owner.uuid,
      owner.label,
      position,
      s.family === 'v6' ? 6 : 4,
      s.name,
      s.prefix.network.toString(),
      s.prefix.len,
      s.prefix.last.toString(),
      s.gateway?.toString() ?? null,
      s.dns?.toString() ?? null,
      s.addrFromStart,
      JSON.stringify(s.ipamSubnet),
    ],
  );
  await insertReserved(c, poolId, s);
  // The first chunk becomes visible with the subnet itself, so concurrent first allocations never queue
  // behind the transaction that would otherwise fill it.
  await c.query(`SELECT ipam_fill($1::bigint, true)`, [poolId]);
}

async function assertRemovable(c: SqlClient, row: SubnetRow): Promise<void> {
  // Only addresses held by objects block (as TF checks instance-ips, floating-ips and alias-ips); anonymous
  // ip-alloc reservations go away with the subnet.
  const held = await c.query<{ value: string }>(
    `SELECT value::text AS value FROM ipam_used WHERE pool_id = $1::bigint AND kind = 'o' ORDER BY value LIMIT 1`,
    [row.pool_id],
  );
  if (held.rows.length > 0) {
    const addr = formatAddress(familyOfRow(row), BigInt(held.rows[0].value));
    throw new SkeinError(409, 'SUBNET_IN_USE', `Cannot Delete IP Block, IP(${addr}) is in use`);
  }
}

async function dropSubnet(c: SqlClient, row: SubnetRow): Promise<void> {
  await c.query(`DELETE FROM ipam_used WHERE pool_id = $1::bigint`, [row.pool_id]);
  await c.query(`DELETE FROM ipam_free WHERE pool_id = $1::bigint`, [row.pool_id]);
  await c.query(`DELETE FROM ipam_subnet WHERE subnet_uuid = $1`, [row.subnet_uuid]);
  await c.query(`DELETE FROM ipam_pool WHERE pool_id = $1::bigint`, [row.pool_id]);
}

async function updateSubnet(
  c: SqlClient,
  owner: SubnetOwner,
  row: SubnetRow,
  s: NormalizedSubnet,
  position: number,
): Promise<void> {
  const family = familyOfRow(row);
  const oldGateway = row.gateway === null ? null : BigInt(row.gateway);
  if (oldGateway !== s.gateway) {
    const show = (v: bigint | null) => (v === null ? 'None' : formatAddress(family, v));
    throw new SkeinError(
      400,
      'INVALID_FIELD',
      `default gateway change is not allowed orig:${show(oldGateway)}, new: ${show(s.gateway)}`,
      { field: 'default_gateway' },
    );
  }
  const oldDns = row.dns === null ? null : BigInt(row.dns);
  if (s.dns !== null && s.dns !== oldDns) {
    const holder = await c.query<{ kind: string }>(
      `SELECT kind FROM ipam_used WHERE pool_id = $1::bigint AND value = $2::numeric AND kind <> 'r'`,
      [row.pool_id, s.dns.toString()],
    );
    if (holder.rows.length > 0) {
      throw new SkeinError(
        400,
        'INVALID_FIELD',
        `dns_server_address ${formatAddress(family, s.dns)} of subnet ${s.name} is already in use`,
        { field: 'dns_server_address' },
      );
    }
  }
  const rangesChanged = !sameRanges(rangesOf(row), s.pools) || row.addr_from_start !== s.addrFromStart;
  if (rangesChanged || oldDns !== s.dns) {
    await c.query(`SELECT ipam_pool_reset($1::bigint, $2, $3::numeric[])`, [
      row.pool_id,
      !s.addrFromStart,
      rangesParam(s.pools),
    ]);
    await c.query(`DELETE FROM ipam_used WHERE pool_id = $1::bigint AND kind = 'r'`, [row.pool_id]);
    await insertReserved(c, row.pool_id, s);
    await c.query(`SELECT ipam_fill($1::bigint, true)`, [row.pool_id]);
  }
  await c.query(
    `UPDATE ipam_subnet SET subnet_uuid = $2, owner_label = $3, position = $4, name = $5, dns = $6::numeric,
       addr_from_start = $7, ipam_subnet = $8::jsonb
     WHERE subnet_uuid = $1`,
    [
      row.subnet_uuid,
      s.subnetUuid,
      owner.label,
      position,
      s.name,
      s.dns?.toString() ?? null,
      s.addrFromStart,
      JSON.stringify(s.ipamSubnet),
    ],
  );
}

/**
 * Makes the owner's registered subnets equal to `subnets`: new ones are registered, changed ones get their
 * pools, direction and DNS reservation updated, missing ones are removed (409 SUBNET_IN_USE while an object
 * still holds an address in them). A subnet is matched by subnet_uuid, else by prefix (its uuid then
 * follows the new value). Overlaps give 400; a subnet_uuid registered to another owner gives 409.
 */
export async function syncSubnets(
  c: SqlClient,
  owner: SubnetOwner,
  subnets: readonly NormalizedSubnet[],
): Promise<void> {
  checkSubnetOverlap(subnets);
  const uuids = subnets.map((s) => s.subnetUuid);
  if (new Set(uuids).size !== uuids.length) {
    throw new SkeinError(400, 'INVALID_FIELD', 'Duplicate subnet_uuid', { field: 'subnet_uuid' });
  }
  if (uuids.length > 0) {
    const foreign = await c.query<{ subnet_uuid: string }>(
      `SELECT subnet_uuid FROM ipam_subnet WHERE subnet_uuid = ANY ($1::text[]) AND owner_uuid <> $2 LIMIT 1`,
      [uuids, owner.uuid],
    );
    if (foreign.rows.length > 0) {
      throw new SkeinError(409, 'CONFLICT', `Subnet uuid ${foreign.rows[0].subnet_uuid} is already in use`, {
        uuid: foreign.rows[0].subnet_uuid,
      });
    }
  }
  // Row locks serialise two concurrent updates of one owner; allocations never lock these rows.
  const existing = await c.query<SubnetRow>(
    `SELECT ${SUBNET_COLUMNS} FROM ${SUBNET_FROM} WHERE s.owner_uuid = $1 ORDER BY s.position FOR UPDATE OF s`,
    [owner.uuid],
  );
  const byUuid = new Map(existing.rows.map((r) => [r.subnet_uuid, r]));
  const matched = new Map<NormalizedSubnet, SubnetRow>();
  for (const s of subnets) {
    const r = byUuid.get(s.subnetUuid);
    if (r) {
      matched.set(s, r);
      byUuid.delete(s.subnetUuid);
    }
  }
  const samePrefix = (s: NormalizedSubnet, r: SubnetRow) =>
    familyOfRow(r) === s.family && BigInt(r.network) === s.prefix.network && r.prefix_len === s.prefix.len;
  for (const s of subnets) {
    if (matched.has(s)) continue;
    const r = [...byUuid.values()].find((x) => samePrefix(s, x));
    if (r) {
      matched.set(s, r);
      byUuid.delete(r.subnet_uuid);
    }
  }

  const removed = [...byUuid.values()];
  const rePrefixed = subnets.filter((s) => matched.has(s) && !samePrefix(s, matched.get(s)!));
  for (const r of [...removed, ...rePrefixed.map((s) => matched.get(s)!)]) await assertRemovable(c, r);
  for (const r of removed) await dropSubnet(c, r);
  for (const [i, s] of subnets.entries()) {
    const r = matched.get(s);
    if (!r) {
      await registerSubnet(c, owner, s, i);
    } else if (rePrefixed.includes(s)) {
      await dropSubnet(c, r);
      await registerSubnet(c, owner, s, i);
    } else {
      await updateSubnet(c, owner, r, s, i);
    }
  }
}

/** The owner's registered subnets, in their configured order. */
export async function subnetsOf(c: SqlClient, ownerUuid: string): Promise<SubnetInfo[]> {
  const r = await c.query<SubnetRow>(
    `SELECT ${SUBNET_COLUMNS} FROM ${SUBNET_FROM} WHERE s.owner_uuid = $1 ORDER BY s.position`,
    [ownerUuid],
  );
  return r.rows.map(toInfo);
}

/** Registered subnets by uuid, in the order asked; unknown uuids are left out. */
export async function getSubnets(c: SqlClient, subnetUuids: readonly string[]): Promise<SubnetInfo[]> {
  if (subnetUuids.length === 0) return [];
  const r = await c.query<SubnetRow>(
    `SELECT ${SUBNET_COLUMNS} FROM ${SUBNET_FROM} WHERE s.subnet_uuid = ANY ($1::text[])`,
    [subnetUuids],
  );
  const byUuid = new Map(r.rows.map((x) => [x.subnet_uuid, toInfo(x)]));
  return subnetUuids.flatMap((u) => byUuid.get(u) ?? []);
}

export async function getSubnet(c: SqlClient, subnetUuid: string): Promise<SubnetInfo | null> {
  return (await getSubnets(c, [subnetUuid]))[0] ?? null;
}

/** Values in use in the subnet, reserved addresses included (a fresh /24 counts 3); 0 for an unknown subnet. */
export async function subnetIpCount(c: SqlClient, subnetUuid: string): Promise<number> {
  const r = await c.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM ipam_used u JOIN ipam_subnet s ON s.pool_id = u.pool_id WHERE s.subnet_uuid = $1`,
    [subnetUuid],
  );
  return Number(r.rows[0]?.n ?? 0);
}

/** Who holds an address of a subnet, or null when it is free. */
export async function addressHolder(
  c: SqlClient,
  subnetUuid: string,
  address: string,
): Promise<{ kind: HolderKind; owner: string | null } | null> {
  const a = parseAddress(address);
  if (!a) return null;
  const r = await c.query<{ kind: string; owner: string | null }>(
    `SELECT u.kind, u.owner FROM ipam_used u JOIN ipam_subnet s ON s.pool_id = u.pool_id
      WHERE s.subnet_uuid = $1 AND u.value = $2::numeric`,
    [subnetUuid, a.value.toString()],
  );
  const row = r.rows[0];
  return row ? { kind: KIND_NAMES[row.kind], owner: row.owner } : null;
}

/** The first of `subnets` whose prefix contains `a`. */
function subnetHolding(subnets: readonly SubnetRef[], a: Address): SubnetRef | undefined {
  return subnets.find((s) => {
    const p = parsePrefix(s.prefix);
    return p !== null && prefixContains(p, a);
  });
}

function allocated(ref: SubnetRef, value: string): AllocatedAddress {
  return {
    address: formatAddress(ref.family, BigInt(value)),
    family: ref.family,
    subnetUuid: ref.subnetUuid,
    subnet: ref.prefix,
  };
}

function candidates(subnets: readonly SubnetRef[], family?: Family): SubnetRef[] {
  return family ? subnets.filter((s) => s.family === family) : [...subnets];
}

function exhausted(label: string, tried: readonly SubnetRef[]): SkeinError {
  return new SkeinError(
    409,
    'SUBNET_EXHAUSTED',
    `${label} has exhausted subnet(${pyList(tried.map((s) => s.prefix))})`,
  );
}

function noSubnets(label: string): SkeinError {
  return new SkeinError(400, 'BAD_REQUEST', `${label} has no defined subnets`);
}

async function reserveRequested(c: SqlClient, req: AllocateAddressRequest): Promise<AllocatedAddress> {
  const a = parseAddress(req.requested);
  if (!a) throw new SkeinError(400, 'BAD_REQUEST', `Invalid IP address: ${String(req.requested)}`);
  if (req.family && a.family !== req.family) {
    throw new SkeinError(400, 'BAD_REQUEST', `IP address ${req.requested} is not of family ${req.family}`);
  }
  const ref = subnetHolding(req.subnets, a);
  if (!ref)
    throw new SkeinError(
      400,
      'BAD_REQUEST',
      `IP address ${req.requested} is not in any subnet of ${req.ownerLabel}`,
    );
  const row = await c.query<{
    pool_id: string;
    network: string;
    last: string;
    gateway: string | null;
    dns: string | null;
  }>(
    `SELECT pool_id::text AS pool_id, network::text AS network, last::text AS last, gateway::text AS gateway,
            dns::text AS dns
       FROM ipam_subnet WHERE subnet_uuid = $1`,
    [ref.subnetUuid],
  );
  const s = row.rows[0];
  if (!s) throw new SkeinError(404, 'NOT_FOUND', `Subnet ${ref.subnetUuid} not found`);
  const address = formatAddress(a.family, a.value);
  const result: AllocatedAddress = {
    address,
    family: a.family,
    subnetUuid: ref.subnetUuid,
    subnet: ref.prefix,
  };
  const verdict = classifyRequested(
    {
      prefix: { family: a.family, network: BigInt(s.network), last: BigInt(s.last), len: 0 },
      gateway: s.gateway === null ? null : BigInt(s.gateway),
      dns: s.dns === null ? null : BigInt(s.dns),
    },
    a.value,
  );
  if (verdict === 'gateway') {
    // TF hands the gateway to router ports without recording it: it is the subnet's, shared, never freed.
    if (req.allowGateway) return result;
    throw new SkeinError(400, 'BAD_REQUEST', 'Gateway IP cannot be used by VM port');
  }
  if (verdict === 'reserved') throw new SkeinError(409, 'IP_IN_USE', 'IP address already in use');
  const r = await c.query<{ ok: boolean; held_by: string | null; held_kind: string | null }>(
    `SELECT ok, held_by, held_kind FROM ipam_reserve($1::bigint, $2::numeric, $3, 'o')`,
    [s.pool_id, a.value.toString(), req.owner],
  );
  const res = r.rows[0];
  if (res.ok || (res.held_kind === 'o' && res.held_by === req.owner)) return result;
  throw new SkeinError(409, 'IP_IN_USE', 'IP address already in use');
}

/**
 * One address for `owner`: the requested one (it must lie in a candidate subnet, 400, and be free, 409
 * IP_IN_USE; the gateway only with allowGateway), or the best free one of the first candidate subnet that
 * has any (409 SUBNET_EXHAUSTED naming every subnet tried).
 */
export async function allocateAddress(c: SqlClient, req: AllocateAddressRequest): Promise<AllocatedAddress> {
  if (req.subnets.length === 0) throw noSubnets(req.ownerLabel);
  if (req.requested !== undefined && req.requested !== null && req.requested !== '')
    return reserveRequested(c, req);
  const cands = candidates(req.subnets, req.family);
  if (cands.length === 0) throw exhausted(req.ownerLabel, cands);
  const r = await c.query<{ out_subnet: string; out_value: string }>(
    `SELECT out_subnet, out_value FROM ipam_alloc_subnets($1::text[], 1, $2, 'o')`,
    [cands.map((s) => s.subnetUuid), req.owner],
  );
  const row = r.rows[0];
  if (!row) throw exhausted(req.ownerLabel, cands);
  return allocated(
    cands.find((s) => s.subnetUuid === row.out_subnet)!,
    row.out_value,
  );
}

/** Frees `values` of a subnet's pool (see ipam_release); 0 for an unknown subnet. */
async function releaseInSubnet(
  c: SqlClient,
  subnetUuid: string,
  values: readonly string[],
  owner: string | null,
  kind: string | null,
): Promise<number> {
  const r = await c.query<{ n: number }>(
    `SELECT ipam_release(s.pool_id, $2::numeric[], $3, $4) AS n FROM ipam_subnet s WHERE s.subnet_uuid = $1`,
    [subnetUuid, values, owner, kind],
  );
  return Number(r.rows[0]?.n ?? 0);
}

/**
 * Frees an address of a subnet (an object's delete). With `owner`, only when that owner holds it. The
 * subnet's own reservations and the shared gateway are never freed; unknown subnets and free addresses are
 * a no-op. Returns whether something was freed.
 */
export async function freeAddress(
  c: SqlClient,
  subnetUuid: string,
  address: string,
  owner?: string,
): Promise<boolean> {
  const a = parseAddress(address);
  if (!a) return false;
  return (await releaseInSubnet(c, subnetUuid, [a.value.toString()], owner ?? null, null)) > 0;
}

/**
 * `count` anonymous addresses (the VN's ip-alloc action): best free first, from the candidate subnets in
 * order. All or nothing: a shortfall frees what was taken and gives 409 SUBNET_EXHAUSTED.
 */
export async function allocateAnonymous(
  c: SqlClient,
  subnets: readonly SubnetRef[],
  count: number,
  family?: Family,
  ownerLabel = 'Virtual-Network',
): Promise<AllocatedAddress[]> {
  if (!Number.isInteger(count) || count < 1) {
    throw new SkeinError(400, 'BAD_REQUEST', `Invalid count ${String(count)}`);
  }
  if (subnets.length === 0) throw noSubnets(ownerLabel);
  const cands = candidates(subnets, family);
  if (cands.length === 0) throw exhausted(ownerLabel, cands);
  const r = await c.query<{ out_subnet: string; out_value: string }>(
    `SELECT out_subnet, out_value FROM ipam_alloc_subnets($1::text[], $2, NULL, 'a')`,
    [cands.map((s) => s.subnetUuid), count],
  );
  const bySubnet = new Map(cands.map((s) => [s.subnetUuid, s]));
  const out = r.rows.map((row) => allocated(bySubnet.get(row.out_subnet)!, row.out_value));
  if (out.length < count) {
    // The caller may carry on after a savepoint; leave nothing behind.
    await freeAnonymous(
      c,
      cands,
      out.map((x) => x.address),
    );
    throw exhausted(ownerLabel, cands);
  }
  return out;
}

/**
 * Frees anonymous (ip-alloc) addresses of the given subnets (the VN's ip-free action). Addresses held by
 * objects, reserved ones, unknown and free ones are left alone; a malformed address gives 400. Returns how
 * many were freed.
 */
export async function freeAnonymous(
  c: SqlClient,
  subnets: readonly SubnetRef[],
  addresses: readonly string[],
): Promise<number> {
  const bySubnet = new Map<string, string[]>();
  for (const text of addresses) {
    const a = parseAddress(text);
    if (!a) throw new SkeinError(400, 'BAD_REQUEST', `Invalid IP address: ${String(text)}`);
    const ref = subnetHolding(subnets, a);
    if (!ref) continue;
    bySubnet.set(ref.subnetUuid, [...(bySubnet.get(ref.subnetUuid) ?? []), a.value.toString()]);
  }
  let freed = 0;
  for (const [subnetUuid, values] of bySubnet)
    freed += await releaseInSubnet(c, subnetUuid, values, null, 'a');
  return freed;
}
