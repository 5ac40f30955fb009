import fc from 'fast-check';
import { MAX_MESSAGE_LENGTH } from '../constants';
import { ALL_FAMILIES, Family } from '../families';
import { mergeAs4Attributes, toTwoOctetAttributes } from './attributes/as4';
import { PathAttributes } from './attributes/types';
import { decodeMessage, encodeMessage } from './message';
import { Nlri, nlriKey } from './nlri';
import { UpdateMessage, endOfRib, endOfRibFamily, packUpdates, routesOf } from './update';
import * as arb from './arbitraries.spec-helper';

const ATTRS: PathAttributes = {
  origin: 2,
  asPath: [{ type: 'sequence', asns: [64512] }],
  localPref: 100,
  med: 200,
  extCommunities: [
    { kind: 'route-target', form: 'as2', asn: 64512, value: 8000001 },
    { kind: 'encapsulation', tunnelType: 13 },
  ],
};

const nextHopFor = (f: Family) => (f === 'inet6' || f === 'inet6-vpn' ? '::ffff:192.0.2.11' : '192.0.2.11');

function decodeAll(messages: Buffer[]) {
  return messages.map((m) => {
    const r = decodeMessage(m, { as4: true });
    expect(r.errors).toEqual([]);
    return routesOf(r.message as UpdateMessage, r.treatAsWithdraw);
  });
}

describe('packUpdates', () => {
  it.each(ALL_FAMILIES)(
    '%s: thousands of routes split into full messages of at most 4096 octets',
    (family) => {
      const [nlri] = fc.sample(fc.array(arb.nlriOf(family), { minLength: 3000, maxLength: 3000 }), {
        numRuns: 1,
        seed: 1,
      });
      const attributes = family === 'inet' ? { ...ATTRS, nextHop: '192.0.2.11' } : ATTRS;
      const messages = packUpdates(
        { family, attributes, nextHop: nextHopFor(family), announce: nlri } as never,
        { as4: true },
      );
      expect(messages.every((m) => m.length <= MAX_MESSAGE_LENGTH)).toBe(true);
      // Packed tight: every message but the last is close to full (no NLRI is larger than 60 octets).
      expect(messages.slice(0, -1).every((m) => m.length > MAX_MESSAGE_LENGTH - 60)).toBe(true);
      const decoded = decodeAll(messages);
      expect(decoded.flatMap((d) => d.announce.flatMap((a) => a.nlri))).toEqual(nlri);
      expect(
        decoded.every((d) =>
          d.announce.every((a) => a.family === family && a.nextHop === nextHopFor(family)),
        ),
      ).toBe(true);
      const first = decodeMessage(messages[0]).message as UpdateMessage;
      expect(first.attributes.extCommunities).toEqual(ATTRS.extCommunities);
    },
  );

  it.each(ALL_FAMILIES)('%s: withdrawals go in their own messages, without path attributes', (family) => {
    const [nlri] = fc.sample(fc.array(arb.nlriOf(family, true), { minLength: 1500, maxLength: 1500 }), {
      numRuns: 1,
      seed: 2,
    });
    const messages = packUpdates({ family, attributes: ATTRS, withdraw: nlri } as never, { as4: true });
    const keys = (list: Nlri[]) => list.map((n) => nlriKey(family, n));
    const decoded = decodeAll(messages);
    expect(decoded.every((d) => d.announce.length === 0)).toBe(true);
    expect(keys(decoded.flatMap((d) => d.withdraw.flatMap((w) => w.nlri)))).toEqual(keys(nlri));
    for (const m of messages) {
      const attrs = (decodeMessage(m).message as UpdateMessage).attributes;
      expect(Object.keys(attrs).filter((k) => k !== 'mpUnreach')).toEqual([]);
    }
  });

  it('honours a smaller maximum (e.g. to leave room for a peer with a lower limit)', () => {
    const nlri = Array.from({ length: 400 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);
    const messages = packUpdates(
      { family: 'inet', attributes: { ...ATTRS, nextHop: '192.0.2.11' }, announce: nlri },
      { as4: true },
      512,
    );
    expect(messages.every((m) => m.length <= 512)).toBe(true);
    expect(decodeAll(messages).flatMap((d) => d.announce.flatMap((a) => a.nlri))).toEqual(nlri);
  });

  it('refuses to announce without a next hop rather than sending a route nobody can use', () => {
    expect(() =>
      packUpdates(
        { family: 'inet-vpn', attributes: ATTRS, announce: [{ rd: '1:1', prefix: '10.0.0.0/8', label: 1 }] },
        { as4: true },
      ),
    ).toThrow(RangeError);
    expect(() =>
      packUpdates({ family: 'inet', attributes: ATTRS, announce: ['10.0.0.0/8'] }, { as4: true }),
    ).toThrow(RangeError);
  });

  it('a single UPDATE over 4096 octets is refused by encodeUpdate', () => {
    const nlri = Array.from({ length: 1100 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);
    expect(() =>
      encodeMessage({ type: 'update', withdrawn: [], attributes: { ...ATTRS, nextHop: '192.0.2.1' }, nlri }),
    ).toThrow(/exceeds 4096/);
  });
});

describe('End-of-RIB (RFC 4724 §2)', () => {
  it.each(ALL_FAMILIES)('%s marker round-trips and is recognised', (family) => {
    const bytes = encodeMessage(endOfRib(family));
    expect(endOfRibFamily(decodeMessage(bytes).message as UpdateMessage)).toBe(family);
  });

  it('inet End-of-RIB is the empty 23-octet UPDATE', () => {
    expect(encodeMessage(endOfRib('inet')).toString('hex')).toBe('ff'.repeat(16) + '0017020000' + '0000');
  });

  it('an UPDATE with routes is not an End-of-RIB', () => {
    const m: UpdateMessage = {
      type: 'update',
      withdrawn: [],
      attributes: {
        mpUnreach: { family: 'inet-vpn', nlri: [{ rd: '1:1', prefix: '10.0.0.0/8', label: 0x80000 }] },
      },
      nlri: [],
    };
    expect(endOfRibFamily(m)).toBeUndefined();
    expect(endOfRibFamily({ ...m, attributes: { origin: 0 } })).toBeUndefined();
  });
});

describe('4-octet AS towards and from 2-octet speakers (RFC 6793 §4.2)', () => {
  const path: PathAttributes = {
    origin: 0,
    asPath: [{ type: 'sequence', asns: [4200000000, 65001, 4200000001] }],
    aggregator: { asn: 4200000001, address: '192.0.2.7' },
  };

  it('sending: AS_TRANS in AS_PATH/AGGREGATOR, the real numbers in AS4_PATH/AS4_AGGREGATOR', () => {
    const old = toTwoOctetAttributes(path);
    expect(old.asPath).toEqual([{ type: 'sequence', asns: [23456, 65001, 23456] }]);
    expect(old.as4Path).toEqual(path.asPath);
    expect(old.aggregator).toEqual({ asn: 23456, address: '192.0.2.7' });
    expect(old.as4Aggregator).toEqual(path.aggregator);
  });

  it('a path that fits 2 octets gets no AS4 attributes', () => {
    expect(toTwoOctetAttributes({ asPath: [{ type: 'sequence', asns: [65001] }] })).toEqual({
      asPath: [{ type: 'sequence', asns: [65001] }],
    });
  });

  it('round trip over a 2-octet session restores the true path', () => {
    const bytes = encodeMessage(
      {
        type: 'update',
        withdrawn: [],
        attributes: { ...toTwoOctetAttributes(path), nextHop: '192.0.2.1' },
        nlri: ['10.0.0.0/8'],
      },
      { as4: false },
    );
    const received = decodeMessage(bytes, { as4: false }).message as UpdateMessage;
    expect(mergeAs4Attributes(received.attributes)).toEqual({ ...path, nextHop: '192.0.2.1' });
  });

  it('an OLD speaker that prepended after the AS4_PATH was made keeps its ASes in front', () => {
    const merged = mergeAs4Attributes({
      asPath: [{ type: 'sequence', asns: [65010, 65011, 23456, 65001] }],
      as4Path: [{ type: 'sequence', asns: [4200000000, 65001] }],
    });
    expect(merged.asPath).toEqual([
      { type: 'sequence', asns: [65010, 65011] },
      { type: 'sequence', asns: [4200000000, 65001] },
    ]);
  });

  it('AS4_PATH longer than AS_PATH, or AGGREGATOR without AS_TRANS, is ignored', () => {
    const longer = mergeAs4Attributes({
      asPath: [{ type: 'sequence', asns: [65001] }],
      as4Path: [{ type: 'sequence', asns: [1, 2] }],
    });
    expect(longer).toEqual({ asPath: [{ type: 'sequence', asns: [65001] }] });
    const aggregated = mergeAs4Attributes({
      asPath: [{ type: 'sequence', asns: [23456] }],
      aggregator: { asn: 65001, address: '192.0.2.1' },
      as4Path: [{ type: 'sequence', asns: [4200000000] }],
    });
    expect(aggregated.asPath).toEqual([{ type: 'sequence', asns: [23456] }]);
  });

  it('encoding a 4-octet AS on a 2-octet session without conversion is a programming error', () => {
    expect(() =>
      encodeMessage({ type: 'update', withdrawn: [], attributes: path, nlri: [] }, { as4: false }),
    ).toThrow(/toTwoOctetAttributes/);
  });
});
