/**
 * fast-check generators of canonical values (what the decoders produce), so that round-trip properties
 * can compare with deep equality.
 */
import fc from 'fast-check';
import { canonicalIp, formatPrefix, parsePrefix } from '../src/addresses';
import { KNOWN_ENCAPSULATIONS, LOAD_BALANCE_FIELDS, type NextHop, type RouteEntry } from '../src/route-item';
import type { EvpnNlri, Family, InetNlri, Nlri } from '../src/node-names';

const u32 = () => fc.integer({ min: 0, max: 0xffffffff });

/** Text that survives the decoders' trimming, with characters that need escaping. */
export const textArb = () =>
  fc.stringMatching(/^[A-Za-z0-9:_.&<>'" é€\t-]{0,24}$/).filter((s) => s === s.trim());

/** fq-name style routing-instance names: colons yes, slashes never. */
export const riArb = () =>
  fc
    .array(fc.stringMatching(/^[A-Za-z0-9_.&' é-]{1,12}$/), { minLength: 1, maxLength: 4 })
    .map((parts) => parts.join(':'));

export const ipv4Arb = () => fc.ipV4();
export const ipv6Arb = () => fc.ipV6().map((s) => canonicalIp(s, 6)!);

const prefixArb = (version: 4 | 6) =>
  fc
    .tuple(version === 4 ? ipv4Arb() : ipv6Arb(), fc.integer({ min: 0, max: version === 4 ? 32 : 128 }))
    .map(([a, l]) => formatPrefix(parsePrefix(`${a}/${l}`, version)!));

export const macArb = () =>
  fc
    .uint8Array({ minLength: 6, maxLength: 6 })
    .map((b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':'));

const evpnNlriArb = (): fc.Arbitrary<EvpnNlri> =>
  fc.oneof(
    // MAC (+IP) route: host-length address, or no IP.
    fc.record({
      family: fc.constant('evpn' as const),
      ethernetTag: u32(),
      mac: fc.oneof(macArb(), fc.constant('ff:ff:ff:ff:ff:ff')).filter((m) => m !== '00:00:00:00:00:00'),
      address: fc.oneof(
        ipv4Arb().map((a) => `${a}/32`),
        ipv6Arb().map((a) => `${a}/128`),
        fc.constant('0.0.0.0/32'),
      ),
    }),
    // IP prefix route: zero MAC, any length.
    fc.record({
      family: fc.constant('evpn' as const),
      ethernetTag: u32(),
      mac: fc.constant('00:00:00:00:00:00'),
      address: fc.oneof(prefixArb(4), prefixArb(6)),
    }),
  );

export function nlriArb(family?: Family): fc.Arbitrary<Nlri> {
  const inet = fc.record({
    family: fc.constant('inet' as const),
    prefix: prefixArb(4),
  }) as fc.Arbitrary<InetNlri>;
  const inet6 = fc.record({
    family: fc.constant('inet6' as const),
    prefix: prefixArb(6),
  }) as fc.Arbitrary<InetNlri>;
  if (family === 'inet') return inet;
  if (family === 'inet6') return inet6;
  if (family === 'evpn') return evpnNlriArb();
  return fc.oneof(inet, inet6, evpnNlriArb());
}

export const encapsArb = () =>
  fc.uniqueArray(
    fc.oneof(fc.constantFrom(...KNOWN_ENCAPSULATIONS), fc.constantFrom('nvgre', 'vxlan-gpe', 'Foo_1')),
    {
      maxLength: 4,
    },
  );

export function nextHopArb(): fc.Arbitrary<NextHop> {
  return fc
    .record(
      {
        address: fc.oneof({ weight: 4, arbitrary: ipv4Arb() }, { weight: 1, arbitrary: ipv6Arb() }),
        tunnelEncapsulations: encapsArb(),
        tags: fc.array(u32(), { maxLength: 3 }),
        virtualNetwork: textArb(),
        mac: macArb(),
        vni: fc.integer({ min: 0, max: 0xffffff }),
        l3Label: fc.integer({ min: 0, max: 0xffffff }),
        localSequenceNumber: u32(),
        labelSeed: fc.integer({ min: 0, max: 0xffffff }),
      },
      { requiredKeys: ['address', 'tunnelEncapsulations', 'tags', 'labelSeed'] },
    )
    .filter((nh) => !/^[0.:]+$/.test(nh.address))
    .map(({ labelSeed, ...nh }) => ({
      ...nh,
      // A VNI may use 24 bits; an MPLS label only 20.
      label: nh.tunnelEncapsulations.includes('vxlan') ? labelSeed : labelSeed & 0xfffff,
    }));
}

export function entryArb(family?: Family): fc.Arbitrary<RouteEntry> {
  return nlriArb(family).chain((nlri) =>
    fc
      .record(
        {
          nextHops: fc.array(nextHopArb(), { maxLength: 3 }),
          olist:
            nlri.family === 'evpn'
              ? fc.array(nextHopArb(), { minLength: 1, maxLength: 3 })
              : fc.constant(undefined),
          version: u32(),
          virtualNetwork: textArb(),
          sequenceNumber: u32(),
          mobility: fc.record({ seqno: u32(), sticky: fc.boolean() }),
          securityGroups: fc.array(u32(), { maxLength: 4 }),
          communityTags: fc.array(textArb(), { maxLength: 3 }),
          localPreference: u32(),
          med: u32(),
          subProtocol: fc.constantFrom('interface', 'interface-static', 'service-interface', 'bgpaas'),
          loadBalance: fc.record(
            {
              fields: fc.uniqueArray(fc.constantFrom(...LOAD_BALANCE_FIELDS)),
              decision: fc.constantFrom('field-hash' as const, 'source-bias' as const),
            },
            { requiredKeys: ['fields'] },
          ),
        },
        { requiredKeys: ['nextHops', 'securityGroups', 'communityTags'] },
      )
      .map((rest) => {
        const e = { nlri, ...rest } as RouteEntry;
        if (e.olist === undefined) delete e.olist;
        return e;
      }),
  );
}

/** What an agent may publish: exactly one IPv4 next hop with a label valid for the RI kind. */
export function agentEntryArb(family?: Family, master = false): fc.Arbitrary<RouteEntry> {
  return fc
    .tuple(entryArb(family), nextHopArb(), ipv4Arb(), fc.integer({ min: 1, max: 0xfffff }))
    .map(([e, nh, address, label]) => {
      const { olist: _olist, ...rest } = e;
      const l = rest.nlri.family === 'evpn' ? nh.label : master ? 0 : label;
      return { ...rest, nextHops: [{ ...nh, address, label: l }] };
    });
}
