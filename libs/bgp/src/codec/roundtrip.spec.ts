import fc from 'fast-check';
import { ALL_FAMILIES, Family } from '../families';
import { Capability } from './capabilities';
import {
  ExtCommunity,
  decodeExtCommunity,
  encodeExtCommunity,
  formatExtCommunity,
  parseExtCommunity,
} from './ext-community';
import { BgpMessage, decodeMessage, encodeMessage } from './message';
import { Nlri, decodeNlri, encodeNlri } from './nlri';
import { UpdateMessage } from './update';
import { ByteWriter } from './writer';
import * as arb from './arbitraries.spec-helper';

// Enough runs to hit every attribute and family many times while keeping the suite fast on 2 cores.
const RUNS = { numRuns: 300 };

function roundTrip(m: BgpMessage, as4 = true): void {
  const bytes = encodeMessage(m, { as4 });
  const decoded = decodeMessage(bytes, { as4 });
  expect(decoded.errors).toEqual([]);
  expect(decoded.message).toEqual(m);
  expect(encodeMessage(decoded.message, { as4 }).equals(bytes)).toBe(true);
}

const capability: fc.Arbitrary<Capability> = fc.oneof(
  fc.record({
    kind: fc.constant('multiprotocol' as const),
    afi: fc.integer({ min: 0, max: 0xffff }),
    safi: fc.integer({ min: 0, max: 0xff }),
  }),
  fc.constant({ kind: 'route-refresh' as const }),
  fc.record({ kind: fc.constant('four-octet-as' as const), asn: fc.integer({ min: 0, max: 0xffffffff }) }),
  fc.record({
    kind: fc.constant('graceful-restart' as const),
    flags: fc.integer({ min: 0, max: 15 }),
    restartTime: fc.integer({ min: 0, max: 4095 }),
    families: fc.array(
      fc.record({
        afi: fc.integer({ min: 0, max: 0xffff }),
        safi: fc.integer({ min: 0, max: 0xff }),
        forwardingPreserved: fc.boolean(),
      }),
      { maxLength: 6 },
    ),
  }),
  fc.record({
    kind: fc.constant('unknown' as const),
    code: fc.integer({ min: 0, max: 255 }).filter((c) => ![1, 2, 64, 65].includes(c)),
    value: fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
  }),
);

describe('round trip: every message type', () => {
  it('OPEN with any mix of capabilities, split over optional parameters when over 255 octets', () => {
    fc.assert(
      fc.property(
        fc.record({
          type: fc.constant('open' as const),
          version: fc.constant(4),
          myAs: fc.integer({ min: 0, max: 0xffff }),
          holdTime: fc.oneof(fc.constant(0), fc.integer({ min: 3, max: 0xffff })),
          bgpId: arb.ipv4.filter((ip) => ip !== '0.0.0.0'),
          capabilities: fc.array(capability, { maxLength: 12 }),
        }),
        (m) => roundTrip(m),
      ),
      RUNS,
    );
  });

  it('NOTIFICATION, KEEPALIVE and ROUTE-REFRESH', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record({
            type: fc.constant('notification' as const),
            code: fc.integer({ min: 0, max: 255 }),
            subcode: fc.integer({ min: 0, max: 255 }),
            data: fc.uint8Array({ maxLength: 100 }).map((b) => Buffer.from(b)),
          }),
          fc.constant({ type: 'keepalive' as const }),
          fc.record({
            type: fc.constant('route-refresh' as const),
            afi: fc.integer({ min: 0, max: 0xffff }),
            safi: fc.integer({ min: 0, max: 255 }),
            subtype: fc.integer({ min: 0, max: 255 }),
          }),
        ),
        (m) => roundTrip(m as BgpMessage),
      ),
      RUNS,
    );
  });

  it.each([true, false])('UPDATE with every attribute, 4-octet AS = %s', (as4) => {
    fc.assert(
      fc.property(
        fc.record({
          type: fc.constant('update' as const),
          withdrawn: fc.array(arb.prefix4, { maxLength: 6 }),
          attributes: arb.pathAttributes(as4),
          nlri: fc.array(arb.prefix4, { maxLength: 6 }),
        }),
        (m: UpdateMessage) => {
          // Decoding also checks mandatory attributes; a generated UPDATE may lack them, which is reported
          // but must not change what was decoded.
          const bytes = encodeMessage(m, { as4 });
          const decoded = decodeMessage(bytes, { as4 });
          expect(decoded.message).toEqual(m);
          expect(decoded.errors.every((e) => e.subcode === 3)).toBe(true);
          expect(encodeMessage(decoded.message, { as4 }).equals(bytes)).toBe(true);
        },
      ),
      RUNS,
    );
  });
});

describe('round trip: every NLRI family, reach and withdraw', () => {
  it.each(
    ALL_FAMILIES.flatMap(
      (f) =>
        [
          [f, false],
          [f, true],
        ] as Array<[Family, boolean]>,
    ),
  )('%s (withdraw = %s)', (family, withdraw) => {
    fc.assert(
      fc.property(fc.array(arb.nlriOf(family, withdraw), { minLength: 1, maxLength: 20 }), (list) => {
        const w = new ByteWriter(64);
        for (const n of list) encodeNlri(w, family, n, withdraw);
        const bytes = w.finish();
        const out: Nlri[] = [];
        decodeNlri(family, bytes, 0, bytes.length, withdraw, out);
        expect(out).toEqual(list);
        const again = new ByteWriter(64);
        for (const n of out) encodeNlri(again, family, n, withdraw);
        expect(again.finish().equals(bytes)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('extended communities', () => {
  it('any 8 octets decode and re-encode byte for byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), (b) => {
        const out = new Uint8Array(8);
        encodeExtCommunity(decodeExtCommunity(b, 0), out, 0);
        expect(Buffer.from(out).equals(Buffer.from(b))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('text form parses back to the same community (the form an operator types)', () => {
    const unambiguous = (ec: ExtCommunity) => !(ec.kind === 'encapsulation' && ec.tunnelType === 11);
    fc.assert(
      fc.property(arb.extCommunity.filter(unambiguous), (ec) => {
        expect(parseExtCommunity(formatExtCommunity(ec))).toEqual(ec);
      }),
      { numRuns: 1000 },
    );
  });
});
