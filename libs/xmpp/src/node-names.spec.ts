import fc from 'fast-check';
import {
  formatItemsNode,
  formatPublishNode,
  itemIdOf,
  parseItemId,
  parseItemsNode,
  parsePublishNode,
  type Nlri,
} from './node-names';
import { nlriArb, riArb } from '../test/arbitraries';

const RI = 'default-domain:p1:blue:blue';

describe('item ids', () => {
  test.each([
    ['inet', '10.1.1.3/32', { family: 'inet', prefix: '10.1.1.3/32' }],
    ['inet6', 'FD00::3/128', { family: 'inet6', prefix: 'fd00::3/128' }],
    [
      'evpn',
      '52:54:00:AA:BB:CC,10.1.1.3/32',
      { family: 'evpn', ethernetTag: 0, mac: '52:54:00:aa:bb:cc', address: '10.1.1.3/32' },
    ],
    [
      'evpn',
      '100-52:54:00:aa:bb:cc,fd00::3/128',
      { family: 'evpn', ethernetTag: 100, mac: '52:54:00:aa:bb:cc', address: 'fd00::3/128' },
    ],
    [
      'evpn',
      'ff:ff:ff:ff:ff:ff,0.0.0.0/32',
      { family: 'evpn', ethernetTag: 0, mac: 'ff:ff:ff:ff:ff:ff', address: '0.0.0.0/32' },
    ],
    // TF accepts "no IP" written as /0 for MAC routes; it is the same route as 0.0.0.0/32.
    [
      'evpn',
      '52:54:00:aa:bb:cc,0.0.0.0/0',
      { family: 'evpn', ethernetTag: 0, mac: '52:54:00:aa:bb:cc', address: '0.0.0.0/32' },
    ],
    // A zero MAC is an IP prefix (type-5) route of any length.
    [
      'evpn',
      '00:00:00:00:00:00,10.2.0.0/16',
      { family: 'evpn', ethernetTag: 0, mac: '00:00:00:00:00:00', address: '10.2.0.0/16' },
    ],
  ] as const)('%s %s', (family, id, nlri) => {
    expect(parseItemId(family, id)).toEqual({ ok: true, value: nlri });
  });

  test.each([
    ['inet', 'fd00::3/128', 'bad-prefix'],
    ['inet6', '10.1.1.3/32', 'bad-prefix'],
    ['inet', '10.1.1.3', 'bad-prefix'],
    ['evpn', '52:54:00:aa:bb:cc;10.1.1.3/32', 'bad-prefix'],
    ['evpn', '52:54:00:aa:bb,10.1.1.3/32', 'bad-mac'],
    ['evpn', '52:54:00:aa:bb:cc,10.1.1.3/24', 'bad-prefix'],
    ['evpn', '4294967296-52:54:00:aa:bb:cc,10.1.1.3/32', 'bad-field'],
  ] as const)('%s %s → %s', (family, id, code) => {
    expect(parseItemId(family, id)).toMatchObject({ ok: false, error: { code } });
  });

  test('the id of any NLRI parses back to it', () => {
    fc.assert(
      fc.property(nlriArb(), (nlri: Nlri) => {
        expect(parseItemId(nlri.family, itemIdOf(nlri))).toEqual({ ok: true, value: nlri });
      }),
      { numRuns: 300 },
    );
  });

  test('EVPN ids carry the tag only when it is non-zero (EvpnPrefix::ToXmppIdString)', () => {
    const base = { family: 'evpn', mac: '52:54:00:aa:bb:cc', address: '10.1.1.3/32' } as const;
    expect(itemIdOf({ ...base, ethernetTag: 0 })).toBe('52:54:00:aa:bb:cc,10.1.1.3/32');
    expect(itemIdOf({ ...base, ethernetTag: 7 })).toBe('7-52:54:00:aa:bb:cc,10.1.1.3/32');
  });
});

describe('publish nodes', () => {
  test('routing.md inet node: RI names full of colons are split at slashes only', () => {
    expect(parsePublishNode(`1/1/${RI}/10.1.1.3/32`)).toEqual({
      ok: true,
      value: { family: 'inet', ri: RI, nlri: { family: 'inet', prefix: '10.1.1.3/32' } },
    });
  });

  test('inet node with the primary instance-id suffix', () => {
    expect(parsePublishNode(`1/1/${RI}/10.1.1.3/32/7`)).toMatchObject({
      ok: true,
      value: { family: 'inet', ri: RI, primaryInstanceId: 7 },
    });
    expect(formatPublishNode(RI, { family: 'inet', prefix: '10.1.1.3/32' }, 7)).toBe(
      `1/1/${RI}/10.1.1.3/32/7`,
    );
  });

  test('inet6 and EVPN nodes in routing.md form', () => {
    expect(parsePublishNode(`2/1/${RI}/fd00::3/128`)).toMatchObject({
      ok: true,
      value: { family: 'inet6', ri: RI, nlri: { prefix: 'fd00::3/128' } },
    });
    expect(parsePublishNode(`25/242/${RI}/5-52:54:00:aa:bb:cc,10.1.1.3/32`)).toMatchObject({
      ok: true,
      value: { family: 'evpn', ri: RI, nlri: { ethernetTag: 5, mac: '52:54:00:aa:bb:cc' } },
    });
  });

  test('TF’s agent writes EVPN nodes without the RI: the family is still known', () => {
    expect(parsePublishNode('25/242/52:54:00:aa:bb:cc,10.1.1.3/32')).toEqual({
      ok: true,
      value: { family: 'evpn' },
    });
    expect(parsePublishNode('25/242/ff:ff:ff:ff:ff:ff,0.0.0.0/32,224.1.1.1,0.0.0.0')).toEqual({
      ok: true,
      value: { family: 'evpn' },
    });
  });

  test.each([
    ['1/241/ri/224.1.1.1', 'unsupported-family'],
    ['1/5/ri/x', 'unsupported-family'],
    ['25/70/ri/x', 'unsupported-family'],
    ['one/1/ri/10.1.1.3/32', 'bad-node'],
    ['1/1', 'bad-node'],
    ['', 'bad-node'],
    [`1/1/${RI}/10.1.1.3/32/seven`, 'bad-node'],
  ])('%j → %s', (node, code) => {
    expect(parsePublishNode(node)).toMatchObject({ ok: false, error: { code } });
  });

  test('format then parse gives back RI and NLRI for any RI name without a slash', () => {
    fc.assert(
      fc.property(riArb(), nlriArb(), (ri, nlri) => {
        expect(parsePublishNode(formatPublishNode(ri, nlri))).toEqual({
          ok: true,
          value: { family: nlri.family, ri, nlri },
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('items nodes', () => {
  test.each([
    ['1/1/' + RI, { kind: 'table', family: 'inet', ri: RI }],
    ['2/1/' + RI, { kind: 'table', family: 'inet6', ri: RI }],
    ['25/242/' + RI, { kind: 'table', family: 'evpn', ri: RI }],
    ['0/0/EndOfRib', { kind: 'end-of-rib' }],
  ])('%s', (node, value) => {
    expect(parseItemsNode(node)).toEqual({ ok: true, value });
  });

  test('format is the inverse of parse', () => {
    expect(formatItemsNode('evpn', RI)).toBe(`25/242/${RI}`);
  });

  test.each([
    ['1/241/' + RI, 'unsupported-family'],
    ['1/1/', 'bad-node'],
    ['1/1/a/b', 'bad-node'],
  ])('%s → %s', (node, code) => {
    expect(parseItemsNode(node)).toMatchObject({ ok: false, error: { code } });
  });
});
