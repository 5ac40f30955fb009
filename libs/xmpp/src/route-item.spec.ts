import fc from 'fast-check';
import { entryArb } from '../test/arbitraries';
import { compact, parseElement, PUBLISH_EXAMPLE_ENTRY, testdata } from '../test/helpers';
import type { Family } from './node-names';
import {
  decodeEntry,
  decodeEntryNlri,
  encodeEntry,
  hasUsableEncapsulation,
  type RouteEntry,
} from './route-item';
import { serialize } from './xml';

const roundTrip = (e: RouteEntry) => decodeEntry(parseElement(serialize(encodeEntry(e))), e.nlri.family);

describe('round trip', () => {
  test.each(['inet', 'inet6', 'evpn'] as Family[])('decode(encode(entry)) equals the %s entry', (family) => {
    fc.assert(
      fc.property(entryArb(family), (e) => {
        expect(roundTrip(e)).toEqual({ ok: true, value: e });
      }),
      { numRuns: 200 },
    );
  });

  test('a delete entry is the NLRI alone', () => {
    const e: RouteEntry = {
      nlri: { family: 'inet', prefix: '10.1.1.9/32' },
      nextHops: [],
      securityGroups: [],
      communityTags: [],
    };
    expect(serialize(encodeEntry(e))).toBe(
      '<entry><nlri><af>1</af><safi>1</safi><address>10.1.1.9/32</address></nlri></entry>',
    );
  });
});

describe("routing.md's publish example", () => {
  const example = testdata('routing-md-publish-example.xml').toString('utf8');
  const entryXml = example.slice(example.indexOf('<entry>'), example.indexOf('</entry>') + '</entry>'.length);
  const expected = PUBLISH_EXAMPLE_ENTRY;

  test('decodes to the expected entry', () => {
    expect(decodeEntry(parseElement(entryXml), 'inet')).toEqual({ ok: true, value: expected });
  });

  test('encoding the entry writes the example back, element for element', () => {
    expect(serialize(encodeEntry(expected))).toBe(compact(entryXml));
  });
});

/** A valid inet entry in which one fragment is replaced to produce one defect. */
const BASE =
  '<entry><nlri><af>1</af><safi>1</safi><address>10.1.1.3/32</address></nlri>' +
  '<next-hops><next-hop><af>1</af><address>192.0.2.11</address><label>21</label>' +
  '<tunnel-encapsulation-list><tunnel-encapsulation>gre</tunnel-encapsulation></tunnel-encapsulation-list>' +
  '</next-hop></next-hops><security-group-list><security-group>1</security-group></security-group-list>' +
  "<mobility seqno='1' sticky='false'/>" +
  '<load-balance><load-balance-fields><load-balance-field-list>l4-protocol</load-balance-field-list>' +
  '</load-balance-fields><load-balance-decision>field-hash</load-balance-decision></load-balance></entry>';

const decodeBase = (from: string, to: string, family: Family = 'inet') => {
  if (!BASE.includes(from)) throw new Error(`fragment ${from} not in BASE`);
  return decodeEntry(parseElement(BASE.replace(from, to)), family, 'the-node');
};

describe('item-level errors are values, not exceptions', () => {
  test('the base entry is valid', () => {
    expect(decodeEntry(parseElement(BASE), 'inet')).toMatchObject({ ok: true });
  });

  test.each([
    [
      'nlri af 2 under an inet node',
      '<af>1</af><safi>1</safi>',
      '<af>2</af><safi>1</safi>',
      'family-mismatch',
    ],
    ['nlri safi 128', '<af>1</af><safi>1</safi>', '<af>1</af><safi>128</safi>', 'family-mismatch'],
    ['no nlri', '<nlri><af>1</af><safi>1</safi><address>10.1.1.3/32</address></nlri>', '', 'malformed-item'],
    ['a bad prefix', '10.1.1.3/32', '10.1.1.300/32', 'bad-prefix'],
    ['a prefix without length', '10.1.1.3/32', '10.1.1.3', 'bad-prefix'],
    ['a next hop that is not an address', '192.0.2.11', 'vrouter-1', 'bad-next-hop'],
    ['next hop 0.0.0.0', '192.0.2.11', '0.0.0.0', 'bad-next-hop'],
    ['an IPv6 next hop with af 1', '192.0.2.11', 'fd00::11', 'bad-next-hop'],
    ['next-hop af 25', '<next-hop><af>1</af>', '<next-hop><af>25</af>', 'bad-next-hop'],
    ['MPLS label above 0xFFFFF', '<label>21</label>', '<label>1048576</label>', 'bad-label'],
    ['label above 32 bits', '<label>21</label>', '<label>4294967296</label>', 'bad-field'],
    ['a label that is not a number', '<label>21</label>', '<label>twenty</label>', 'bad-field'],
    ['a negative label', '<label>21</label>', '<label>-1</label>', 'bad-field'],
    ['VNI above 0xFFFFFF', '<label>21</label>', '<label>21</label><vni>16777216</vni>', 'bad-label'],
    [
      'l3-label above 0xFFFFFF',
      '<label>21</label>',
      '<label>21</label><l3-label>16777216</l3-label>',
      'bad-label',
    ],
    ['a bad next-hop MAC', '<label>21</label>', '<label>21</label><mac>52:54:00:zz:00:01</mac>', 'bad-mac'],
    ['an encapsulation that is not a token', '>gre<', '>g r e<', 'bad-encapsulation'],
    ['an empty encapsulation', '>gre<', '><', 'bad-encapsulation'],
    ['a security group that is not a number', '<security-group>1<', '<security-group>x<', 'bad-field'],
    ['a mobility flag that is not boolean', "sticky='false'", "sticky='maybe'", 'bad-field'],
    ['an unknown load-balance field', '>l4-protocol<', '>l5-app<', 'bad-field'],
    ['an unknown load-balance decision', '>field-hash<', '>random<', 'bad-field'],
  ])('%s → %s', (_what, from, to, code) => {
    expect(decodeBase(from, to)).toEqual({
      ok: false,
      error: { code, message: expect.any(String), node: 'the-node' },
    });
  });

  test('VXLAN lets the label be a 24-bit VNI; MPLS encapsulations do not', () => {
    const withLabel = (encap: string, label: number) =>
      decodeEntry(
        parseElement(
          BASE.replace('>gre<', `>${encap}<`).replace('<label>21</label>', `<label>${label}</label>`),
        ),
        'inet',
      );
    expect(withLabel('vxlan', 0xffffff)).toMatchObject({
      ok: true,
      value: { nextHops: [{ label: 0xffffff }] },
    });
    expect(withLabel('gre', 0xffffff)).toMatchObject({ ok: false, error: { code: 'bad-label' } });
    expect(withLabel('vxlan', 0x1000000)).toMatchObject({ ok: false, error: { code: 'bad-label' } });
  });

  test('unknown encapsulation names are kept; all-unknown makes the path unusable, as in TF', () => {
    const one = decodeBase('>gre<', '>nvgre<');
    expect(one).toMatchObject({ ok: true, value: { nextHops: [{ tunnelEncapsulations: ['nvgre'] }] } });
    expect(one.ok && hasUsableEncapsulation(one.value.nextHops[0]!)).toBe(false);
    const mixed = decodeBase(
      '<tunnel-encapsulation>gre</tunnel-encapsulation>',
      '<tunnel-encapsulation>nvgre</tunnel-encapsulation><tunnel-encapsulation>udp</tunnel-encapsulation>',
    );
    expect(mixed.ok && hasUsableEncapsulation(mixed.value.nextHops[0]!)).toBe(true);
  });

  test('EVPN: a MAC route needs a host address, a bad MAC is bad-mac', () => {
    const evpn = (mac: string, address: string) =>
      decodeEntry(
        parseElement(
          `<entry><nlri><af>25</af><safi>242</safi><mac>${mac}</mac><address>${address}</address></nlri></entry>`,
        ),
        'evpn',
      );
    expect(evpn('52:54:00:aa:bb:cc', '10.1.1.3/32')).toMatchObject({ ok: true });
    expect(evpn('52:54:00:aa:bb:cc', '10.1.1.0/24')).toMatchObject({
      ok: false,
      error: { code: 'bad-prefix' },
    });
    expect(evpn('00:00:00:00:00:00', '10.1.1.0/24')).toMatchObject({ ok: true });
    expect(evpn('52:54:00:aa:bb', '10.1.1.3/32')).toMatchObject({ ok: false, error: { code: 'bad-mac' } });
  });

  test('EVPN without <address> means no IP', () => {
    const e = decodeEntry(
      parseElement('<entry><nlri><af>25</af><safi>242</safi><mac>52:54:00:aa:bb:cc</mac></nlri></entry>'),
      'evpn',
    );
    expect(e).toMatchObject({ ok: true, value: { nlri: { address: '0.0.0.0/32', ethernetTag: 0 } } });
  });

  test('decodeEntryNlri reads a delete even when its next hops are junk', () => {
    const el = parseElement(BASE.replace('192.0.2.11', '0.0.0.0'));
    expect(decodeEntry(el, 'inet')).toMatchObject({ ok: false });
    expect(decodeEntryNlri(el, 'inet')).toEqual({
      ok: true,
      value: { family: 'inet', prefix: '10.1.1.3/32' },
    });
  });
});
