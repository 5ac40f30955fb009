/**
 * TF's IpamSubnetType: validation, the defaults the server fills in, and the reserved-address and ordering
 * rules of vnc_addr_mgmt.py, as pure functions. The SQL allocator is seeded from a NormalizedSubnet.
 */
import { randomUUID } from 'node:crypto';
import { SkeinError, isUuid } from '@skein/model';
import {
  Family,
  Prefix,
  broadcastAddress,
  formatAddress,
  parseAddress,
  parsePrefixLen,
  makePrefix,
  prefixSize,
  prefixesOverlap,
} from './address';

export interface SubnetType {
  ip_prefix?: string | null;
  ip_prefix_len?: number | null;
}

export interface AllocationPoolType {
  start: string;
  end: string;
  vrouter_specific_pool?: boolean | null;
}

export interface IpamSubnetType {
  subnet?: SubnetType | null;
  subnet_uuid?: string | null;
  default_gateway?: string | null;
  dns_server_address?: string | null;
  enable_dhcp?: boolean | null;
  allocation_pools?: AllocationPoolType[] | null;
  addr_from_start?: boolean | null;
  alloc_unit?: number | null;
  subnet_name?: string | null;
  dhcp_option_list?: unknown;
  host_routes?: unknown;
  dns_nameservers?: string[] | null;
  created?: string | null;
  last_modified?: string | null;
  subscriber_tag?: string | null;
  [extra: string]: unknown;
}

/** An inclusive range of address values. */
export interface ValueRange {
  lo: bigint;
  hi: bigint;
}

export interface NormalizedSubnet {
  subnetUuid: string;
  family: Family;
  /** `ip_prefix/ip_prefix_len` as written: TF's subnet key, used in its messages. */
  name: string;
  /** The arithmetic prefix (host bits of a sloppy ip_prefix cleared). */
  prefix: Prefix;
  /** null when the subnet has no gateway ("0.0.0.0" / "::"). */
  gateway: bigint | null;
  dns: bigint | null;
  addrFromStart: boolean;
  /** Allocation ranges, ascending and disjoint; the default pool when none was given. */
  pools: ValueRange[];
  explicitPools: boolean;
  /** The object as it is stored on the VN ref attr or the IPAM, with the server's defaults filled in. */
  ipamSubnet: IpamSubnetType;
}

export interface NormalizeOptions {
  /** Field path of the subnet for error details, e.g. `network_ipam_refs[0].attr.ipam_subnets[1]`. */
  path?: string;
  /**
   * The owner's stored subnets before this update: a subnet re-sent without subnet_uuid, gateway, DNS address or
   * addr_from_start keeps the stored ones (matched by prefix), so a PUT that omits them changes nothing.
   */
  previous?: readonly IpamSubnetType[];
  newUuid?: () => string;
}

function invalid(path: string, field: string, message: string): SkeinError {
  return new SkeinError(400, 'INVALID_FIELD', message, { field: path ? `${path}.${field}` : field });
}

/** TF treats a missing gateway, null, "" and the string "None" alike: "use the default". */
function unset(v: unknown): boolean {
  return v === undefined || v === null || v === '' || v === 'None';
}

function prefixKey(p: Prefix): string {
  return `${p.family}:${p.network}/${p.len}`;
}

function parseSubnetPrefix(input: IpamSubnetType, path: string): { prefix: Prefix; name: string } {
  const sn = input.subnet;
  if (!sn || typeof sn !== 'object' || unset(sn.ip_prefix)) {
    throw invalid(path, 'subnet.ip_prefix', 'Subnet ip_prefix is required');
  }
  const ip = parseAddress(sn.ip_prefix);
  if (!ip) throw invalid(path, 'subnet.ip_prefix', `Invalid ip_prefix ${String(sn.ip_prefix)}`);
  const len = parsePrefixLen(ip.family, sn.ip_prefix_len);
  if (len === null) {
    throw invalid(
      path,
      'subnet.ip_prefix_len',
      `Invalid ip_prefix_len ${String(sn.ip_prefix_len)} for ${sn.ip_prefix}`,
    );
  }
  // TF (netaddr IPNetwork) accepts host bits and computes with the network; the text stays as written.
  return { prefix: makePrefix(ip.family, ip.value, len), name: `${sn.ip_prefix}/${len}` };
}

function parsePools(input: IpamSubnetType, prefix: Prefix, name: string, path: string): ValueRange[] {
  const raw = input.allocation_pools;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalid(path, 'allocation_pools', 'allocation_pools must be a list');
  const pools = raw.map((p, i) => {
    const start = parseAddress(p?.start);
    const end = parseAddress(p?.end);
    const field = `allocation_pools[${i}]`;
    if (!start || !end || start.family !== prefix.family || end.family !== prefix.family) {
      throw invalid(
        path,
        field,
        `Invalid allocation Pool start:${p?.start}, end:${p?.end} in subnet:${name}`,
      );
    }
    if (start.value < prefix.network || end.value > prefix.last) {
      throw invalid(path, field, `allocation pool start:${p.start}, end:${p.end} out of cidr:${name}`);
    }
    if (end.value < start.value) throw invalid(path, field, 'Allocation pool end ip is less than start ip');
    return { lo: start.value, hi: end.value };
  });
  pools.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  for (let i = 1; i < pools.length; i++) {
    if (pools[i].lo <= pools[i - 1].hi) throw invalid(path, 'allocation_pools', 'overlapping alloc-pools');
  }
  return pools;
}

/** Subnets too small for a gateway and a DNS address besides the network address get neither by default. */
function defaultsFit(prefix: Prefix): boolean {
  return prefixSize(prefix) >= 4n;
}

function noAddress(family: Family): string {
  return family === 'v4' ? '0.0.0.0' : '::';
}

/**
 * Validates one IpamSubnetType and fills what TF's server fills: subnet_uuid (v4), default_gateway (last−1, or
 * first+1 with addr_from_start), dns_server_address (last−2 / first+2), enable_dhcp (true), addr_from_start
 * (false). Errors are 400 with the field path.
 */
export function normalizeIpamSubnet(input: IpamSubnetType, opts: NormalizeOptions = {}): NormalizedSubnet {
  const path = opts.path ?? '';
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw invalid(path, 'subnet', 'An ipam subnet must be an object');
  }
  const { prefix, name } = parseSubnetPrefix(input, path);
  const family = prefix.family;
  const prev = opts.previous?.find((p) => {
    try {
      return prefixKey(parseSubnetPrefix(p, '').prefix) === prefixKey(prefix);
    } catch {
      return false;
    }
  });

  if (input.alloc_unit !== undefined && input.alloc_unit !== null && input.alloc_unit !== 1) {
    throw invalid(
      path,
      'alloc_unit',
      `alloc_unit ${String(input.alloc_unit)} is not supported in subnet ${name}: only 1`,
    );
  }

  let subnetUuid: string;
  if (!unset(input.subnet_uuid)) {
    if (typeof input.subnet_uuid !== 'string' || !isUuid(input.subnet_uuid)) {
      throw invalid(
        path,
        'subnet_uuid',
        `Invalid subnet-uuid ${String(input.subnet_uuid)} in subnet:${name}`,
      );
    }
    subnetUuid = input.subnet_uuid.toLowerCase();
  } else {
    subnetUuid = typeof prev?.subnet_uuid === 'string' ? prev.subnet_uuid : (opts.newUuid ?? randomUUID)();
  }

  const addrFromStart =
    typeof input.addr_from_start === 'boolean' ? input.addr_from_start : prev?.addr_from_start === true;
  if (
    input.addr_from_start !== undefined &&
    input.addr_from_start !== null &&
    typeof input.addr_from_start !== 'boolean'
  ) {
    throw invalid(path, 'addr_from_start', 'addr_from_start must be a boolean');
  }

  const gwText = unset(input.default_gateway) ? prev?.default_gateway : input.default_gateway;
  let gateway: bigint | null;
  if (unset(gwText)) {
    gateway = defaultsFit(prefix) ? (addrFromStart ? prefix.network + 1n : prefix.last - 1n) : null;
  } else {
    const gw = parseAddress(gwText);
    if (!gw) throw invalid(path, 'default_gateway', `Invalid gateway Ip address:${String(gwText)}`);
    if (gw.value === 0n) {
      gateway = null; // 0.0.0.0 and :: mean "no gateway" in TF
    } else if (gw.family !== family || gw.value < prefix.network + 1n || gw.value > prefix.last - 1n) {
      throw invalid(path, 'default_gateway', `gateway Ip ${String(gwText)} out of cidr: ${name}`);
    } else {
      gateway = gw.value;
    }
  }

  const dnsText = unset(input.dns_server_address) ? prev?.dns_server_address : input.dns_server_address;
  let dns: bigint | null;
  let dnsFamily: Family = family;
  if (unset(dnsText)) {
    dns = defaultsFit(prefix) ? (addrFromStart ? prefix.network + 2n : prefix.last - 2n) : null;
  } else {
    const d = parseAddress(dnsText);
    if (!d) throw invalid(path, 'dns_server_address', `Invalid Dns Server Ip address:${String(dnsText)}`);
    dns = d.value === 0n ? null : d.value;
    dnsFamily = d.family;
  }

  for (const [i, ns] of (input.dns_nameservers ?? []).entries()) {
    if (!parseAddress(ns)) {
      throw invalid(
        path,
        `dns_nameservers[${i}]`,
        `subnet(${name}) has Invalid DNS Nameserver(${String(ns)})`,
      );
    }
  }

  if (
    input.enable_dhcp !== undefined &&
    input.enable_dhcp !== null &&
    typeof input.enable_dhcp !== 'boolean'
  ) {
    throw invalid(path, 'enable_dhcp', 'enable_dhcp must be a boolean');
  }

  const explicit = parsePools(input, prefix, name, path);
  const pools = explicit.length > 0 ? explicit : defaultPool(prefix);

  const ipamSubnet: IpamSubnetType = {
    ...input,
    subnet_uuid: subnetUuid,
    default_gateway: gateway === null ? noAddress(family) : formatAddress(family, gateway),
    dns_server_address: dns === null ? noAddress(family) : formatAddress(dnsFamily, dns),
    enable_dhcp: input.enable_dhcp ?? true,
    addr_from_start: addrFromStart,
  };
  return {
    subnetUuid,
    family,
    name,
    prefix,
    gateway,
    // A DNS address of the other family (allowed by TF) can never collide with an allocation here.
    dns: dnsFamily === family ? dns : null,
    addrFromStart,
    pools,
    explicitPools: explicit.length > 0,
    ipamSubnet,
  };
}

/** TF's default allocation pool: [first, last−1]. */
export function defaultPool(prefix: Prefix): ValueRange[] {
  const hi = prefix.last > prefix.network ? prefix.last - 1n : prefix.last;
  return [{ lo: prefix.network, hi }];
}

/**
 * A whole set of subnets of one owner (a VN's user-defined subnets across its IPAM refs, or an IPAM's flat
 * subnets): each normalised, then checked for overlaps and repeated subnet uuids.
 */
export function normalizeIpamSubnets(
  inputs: readonly IpamSubnetType[],
  opts: NormalizeOptions & { paths?: readonly string[] } = {},
): NormalizedSubnet[] {
  const out = inputs.map((s, i) => normalizeIpamSubnet(s, { ...opts, path: opts.paths?.[i] ?? opts.path }));
  checkSubnetOverlap(out);
  const seen = new Set<string>();
  for (const s of out) {
    if (seen.has(s.subnetUuid)) {
      throw new SkeinError(400, 'INVALID_FIELD', `Duplicate subnet_uuid ${s.subnetUuid}`, {
        field: 'subnet_uuid',
      });
    }
    seen.add(s.subnetUuid);
  }
  return out;
}

/** 400 "Overlapping addresses: [IPNetwork('a'), IPNetwork('b')]" for the first overlapping pair, as TF words it. */
export function checkSubnetOverlap(subnets: readonly { name: string; prefix: Prefix }[]): void {
  for (let i = 0; i < subnets.length; i++) {
    for (let j = i + 1; j < subnets.length; j++) {
      if (prefixesOverlap(subnets[i].prefix, subnets[j].prefix)) {
        throw new SkeinError(
          400,
          'BAD_REQUEST',
          `Overlapping addresses: [IPNetwork('${subnets[i].name}'), IPNetwork('${subnets[j].name}')]`,
        );
      }
    }
  }
}

export function inRanges(ranges: readonly ValueRange[], v: bigint): boolean {
  return ranges.some((r) => v >= r.lo && v <= r.hi);
}

/**
 * Values never handed out and counted by subnet-ip-count: the network address, the IPv4 broadcast, the
 * gateway and the DNS address, each only where it falls inside an allocation pool (TF keeps its bitmap per
 * pool, so a reserved address outside every pool neither blocks nor counts).
 */
export function reservedValues(s: NormalizedSubnet): bigint[] {
  const out = new Set<bigint>();
  for (const v of [s.prefix.network, broadcastAddress(s.prefix), s.gateway, s.dns]) {
    if (v !== null && inRanges(s.pools, v)) out.add(v);
  }
  return [...out].sort((a, b) => (a < b ? -1 : 1));
}

export type RequestedAddressVerdict = 'free-to-try' | 'gateway' | 'reserved' | 'outside';

/**
 * What a requested address means for a subnet before the allocator is asked: outside the prefix; the
 * gateway (only router ports may take it, and it is shared, not reserved); reserved for good (network
 * address, IPv4 broadcast, DNS address: "already in use"); or a candidate for reservation.
 */
export function classifyRequested(
  s: Pick<NormalizedSubnet, 'prefix' | 'gateway' | 'dns'>,
  value: bigint,
): RequestedAddressVerdict {
  if (value < s.prefix.network || value > s.prefix.last) return 'outside';
  if (s.gateway !== null && value === s.gateway) return 'gateway';
  if (value === s.prefix.network || value === broadcastAddress(s.prefix) || value === s.dns)
    return 'reserved';
  return 'free-to-try';
}

/**
 * The order in which a fresh subnet hands out addresses: highest first (lowest with addr_from_start), pools
 * visited in that order, reserved values skipped. The SQL allocator follows the same order; this generator is
 * its executable specification.
 */
export function* allocationOrder(s: NormalizedSubnet): Generator<bigint> {
  const reserved = new Set(reservedValues(s));
  const pools = s.addrFromStart ? s.pools : [...s.pools].reverse();
  for (const r of pools) {
    if (s.addrFromStart) {
      for (let v = r.lo; v <= r.hi; v++) if (!reserved.has(v)) yield v;
    } else {
      for (let v = r.hi; v >= r.lo; v--) if (!reserved.has(v)) yield v;
    }
  }
}
