/**
 * fast-check generators of canonical messages: every value here is what the decoder itself would produce,
 * so `decode(encode(m))` must give `m` back exactly.
 */
import fc from 'fast-check';
import { Family } from '../families';
import { AsPathSegment } from './attributes/as-path';
import { MpReach, MpUnreach, PathAttributes, PmsiTunnel, RawAttribute } from './attributes/types';
import { ExtCommunity, LOAD_BALANCE_FIELDS, decodeExtCommunity } from './ext-community';
import { formatHex, formatIpv4, formatIpv6, formatMac } from './ip';
import { Nlri } from './nlri';
import { EvpnRoute, ZERO_ESI } from './nlri/evpn';
import { RtMembership, decodeRtMemberships } from './nlri/rtc';
import { VpnPrefix, WITHDRAW_LABEL } from './nlri/vpn';
import { readIpv4Prefix, readIpv6Prefix } from './prefix';
import { readRd } from './rd';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u24 = fc.integer({ min: 0, max: 0xffffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

export const ipv4 = bytes(4).map((b) => formatIpv4(b, 0));
export const ipv6 = bytes(16).map((b) => formatIpv6(b, 0));
export const ipv4Mapped = ipv4.map((a) => `::ffff:${a}`);
export const mac = bytes(6).map((b) => formatMac(b, 0));

export const prefix4 = fc
  .tuple(fc.integer({ min: 0, max: 32 }), bytes(4))
  .map(([bits, b]) => readIpv4Prefix(b, 0, bits));
export const prefix6 = fc
  .tuple(fc.integer({ min: 0, max: 128 }), bytes(16))
  .map(([bits, b]) => readIpv6Prefix(b, 0, bits));

/** Types 0-2 mostly, an unknown type now and then. */
export const rd = fc
  .tuple(
    fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 2 }) }, { weight: 1, arbitrary: u16 }),
    bytes(6),
  )
  .map(([type, v]) => readRd(Uint8Array.from([type >> 8, type & 0xff, ...v]), 0));

export const extCommunity: fc.Arbitrary<ExtCommunity> = fc.oneof(
  fc.record({
    kind: fc.constant('route-target' as const),
    form: fc.constant('as2' as const),
    asn: u16,
    value: u32,
  }),
  fc.record({
    kind: fc.constant('route-target' as const),
    form: fc.constant('as4' as const),
    asn: u32,
    value: u16,
  }),
  fc.record({
    kind: fc.constant('route-target' as const),
    form: fc.constant('ipv4' as const),
    ip: ipv4,
    value: u16,
  }),
  fc.record({ kind: fc.constant('encapsulation' as const), tunnelType: u16 }),
  fc.record({
    kind: fc.constant('origin-vn' as const),
    form: fc.constant('as2' as const),
    asn: u16,
    vnIndex: u32,
  }),
  fc.record({
    kind: fc.constant('origin-vn' as const),
    form: fc.constant('as4' as const),
    asn: u32,
    vnIndex: u16,
  }),
  fc.record({
    kind: fc.constant('security-group' as const),
    form: fc.constantFrom('as2' as const),
    asn: u16,
    id: u32,
  }),
  fc.record({
    kind: fc.constant('security-group' as const),
    form: fc.constant('as4' as const),
    asn: u32,
    id: u16,
  }),
  fc.record({ kind: fc.constant('tag' as const), form: fc.constant('as2' as const), asn: u16, tag: u32 }),
  fc.record({ kind: fc.constant('tag' as const), form: fc.constant('as4' as const), asn: u32, tag: u16 }),
  fc.record({ kind: fc.constant('mac-mobility' as const), sticky: fc.boolean(), sequence: u32 }),
  fc.record({ kind: fc.constant('router-mac' as const), mac }),
  fc
    .tuple(fc.boolean(), fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }))
    .map(([sourceBias, on]): ExtCommunity => ({
      kind: 'load-balance',
      fields: LOAD_BALANCE_FIELDS.filter((_, i) => on[i]),
      sourceBias,
    })),
  // Random octets: mostly opaque, sometimes a known kind — either way what the decoder makes of them.
  bytes(8).map((b) => decodeExtCommunity(b, 0)),
);

export const vpnPrefix = (v6: boolean, withdraw = false): fc.Arbitrary<VpnPrefix> =>
  fc.record({
    rd,
    prefix: v6 ? prefix6 : prefix4,
    label: withdraw ? fc.constant(WITHDRAW_LABEL) : fc.integer({ min: 0, max: 0xfffff }),
  });

export const rtMembership: fc.Arbitrary<RtMembership> = fc
  .tuple(
    fc.oneof(fc.constant(0), fc.constant(32), fc.constant(96), fc.integer({ min: 32, max: 96 })),
    bytes(12),
  )
  .map(([bits, b]) => {
    const out: RtMembership[] = [];
    decodeRtMemberships(
      Uint8Array.from([bits, ...b.subarray(0, (bits + 7) >> 3)]),
      0,
      1 + ((bits + 7) >> 3),
      out,
    );
    return out[0];
  });

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const dropUndefined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export const evpnRoute: fc.Arbitrary<EvpnRoute> = fc.oneof(
  fc
    .record({
      rd,
      esi: fc.oneof(
        fc.constant(ZERO_ESI),
        bytes(10).map((b) => (b.every((x) => x === 0) ? ZERO_ESI : formatHex(b, 0, 10, ':'))),
      ),
      ethernetTag: u32,
      mac,
      ip: optional(fc.oneof(ipv4, ipv6)),
      label1: u24,
      label2: optional(u24),
    })
    .map((r) => dropUndefined({ kind: 'mac-ip' as const, ...r })),
  fc.record({
    kind: fc.constant('inclusive-multicast' as const),
    rd,
    ethernetTag: u32,
    originator: fc.oneof(ipv4, ipv6),
  }),
  fc.record({
    kind: fc.constant('opaque' as const),
    routeType: u8.filter((t) => t !== 2 && t !== 3),
    hex: fc.uint8Array({ maxLength: 40 }).map((b) => formatHex(b, 0, b.length)),
  }),
);

export function nlriOf(family: Family, withdraw = false): fc.Arbitrary<Nlri> {
  switch (family) {
    case 'inet':
      return prefix4;
    case 'inet6':
      return prefix6;
    case 'inet-vpn':
      return vpnPrefix(false, withdraw);
    case 'inet6-vpn':
      return vpnPrefix(true, withdraw);
    case 'route-target':
      return rtMembership;
    case 'e-vpn':
      return evpnRoute;
  }
}

const FAMILY_LIST: Family[] = ['inet', 'inet6', 'inet-vpn', 'inet6-vpn', 'route-target', 'e-vpn'];

function nextHopsOf(family: Family): fc.Arbitrary<{ nextHop: string; linkLocalNextHop?: string }> {
  switch (family) {
    case 'inet':
    case 'inet-vpn':
      return fc.record({ nextHop: ipv4 });
    case 'inet6':
    case 'inet6-vpn':
      return fc
        .record({ nextHop: fc.oneof(ipv6, ipv4Mapped), linkLocalNextHop: optional(ipv6) })
        .map((r) => dropUndefined(r));
    default:
      return fc.record({ nextHop: fc.oneof(ipv4, ipv6) });
  }
}

export const mpReach: fc.Arbitrary<MpReach> = fc
  .constantFrom(...FAMILY_LIST)
  .chain((family) =>
    fc
      .tuple(nextHopsOf(family), fc.array(nlriOf(family), { maxLength: 8 }))
      .map(([hops, nlri]) => ({ family, ...hops, nlri }) as MpReach),
  );

export const mpUnreach: fc.Arbitrary<MpUnreach> = fc
  .constantFrom(...FAMILY_LIST)
  .chain((family) =>
    fc.array(nlriOf(family, true), { maxLength: 8 }).map((nlri) => ({ family, nlri }) as MpUnreach),
  );

export const asPath = (asn: fc.Arbitrary<number>, allowConfed = true): fc.Arbitrary<AsPathSegment[]> =>
  fc.array(
    fc.record({
      type: allowConfed
        ? fc.constantFrom(
            'sequence' as const,
            'set' as const,
            'confed-sequence' as const,
            'confed-set' as const,
          )
        : fc.constantFrom('sequence' as const, 'set' as const),
      asns: fc.array(asn, { minLength: 1, maxLength: 8 }),
    }),
    { maxLength: 4 },
  );

export const pmsiTunnel: fc.Arbitrary<PmsiTunnel> = fc.record({
  flags: u8,
  tunnelType: u8,
  label: u24,
  tunnelId: fc.oneof(
    ipv4,
    ipv6,
    fc
      .uint8Array({ maxLength: 20 })
      .filter((b) => b.length !== 4 && b.length !== 16)
      .map((b) => `0x${formatHex(b, 0, b.length)}`),
  ),
});

const KNOWN = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 15, 16, 17, 18, 22]);

/** Unknown optional attributes: unique types in ascending order, sometimes long enough for extended length. */
const unknownAttributes: fc.Arbitrary<RawAttribute[]> = fc
  .uniqueArray(
    fc.record({
      flags: fc.constantFrom(0x80, 0xc0, 0xe0),
      type: u8.filter((t) => !KNOWN.has(t)),
      value: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    }),
    { selector: (a) => a.type, minLength: 1, maxLength: 3 },
  )
  .map((list) => list.sort((a, b) => a.type - b.type));

/** Path attributes valid for a session with (`as4`) or without 4-octet AS. */
export function pathAttributes(as4: boolean): fc.Arbitrary<PathAttributes> {
  const asn = as4 ? u32 : u16;
  return fc
    .record(
      {
        origin: fc.constantFrom(0 as const, 1 as const, 2 as const),
        asPath: asPath(asn),
        nextHop: ipv4,
        med: u32,
        localPref: u32,
        atomicAggregate: fc.constant(true),
        aggregator: fc.record({ asn, address: ipv4 }),
        communities: fc.array(u32, { minLength: 1, maxLength: 6 }),
        originatorId: ipv4,
        clusterList: fc.array(ipv4, { minLength: 1, maxLength: 4 }),
        mpReach,
        mpUnreach,
        extCommunities: fc.array(extCommunity, { minLength: 1, maxLength: 6 }),
        as4Path: as4 ? fc.constant(undefined) : asPath(u32, false).filter((p) => p.length > 0),
        as4Aggregator: as4 ? fc.constant(undefined) : fc.record({ asn: u32, address: ipv4 }),
        pmsiTunnel,
        unknown: unknownAttributes,
      },
      { requiredKeys: [] },
    )
    .chain((attrs) => {
      const clean = dropUndefined(attrs) as PathAttributes;
      // The Partial bit survives only on recognised optional transitive attributes that are present.
      const candidates = [7, 8, 16, 17, 18, 22].filter((t) => {
        const key = {
          7: 'aggregator',
          8: 'communities',
          16: 'extCommunities',
          17: 'as4Path',
          18: 'as4Aggregator',
          22: 'pmsiTunnel',
        }[t];
        return clean[key as keyof PathAttributes] !== undefined;
      });
      if (candidates.length === 0) return fc.constant(clean);
      return fc.subarray(candidates).map((partial) => (partial.length > 0 ? { ...clean, partial } : clean));
    });
}
