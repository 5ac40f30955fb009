import fc from 'fast-check';
import { canonicalIp, canonicalMac, canonicalPrefix, formatIPv6, parseIPv4, parseIPv6 } from './addresses';

describe('IPv6 canonical text (RFC 5952)', () => {
  test.each([
    ['2001:DB8:0:0:0:0:2:1', '2001:db8::2:1'],
    ['2001:0db8:0000:0000:0000:0000:0002:0001', '2001:db8::2:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['0:2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['::1', '::1'],
    ['FD00::3', 'fd00::3'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['::FFFF:c000:0201', '::ffff:192.0.2.1'],
    ['::1.2.3.4', '::102:304'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
  ])('%s → %s', (input, canonical) => {
    expect(canonicalIp(input, 6)).toBe(canonical);
  });

  test.each([
    '',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::',
    '12345::',
    ':::',
    '1::2::3',
    ':1::',
    '1::2:',
    'g::1',
    '::ffff:1.2.3',
    '::ffff:1.2.3.04',
    '1:2:3:4:5:6:7:1.2.3.4',
    '1.2.3.4',
    ' ::1',
    '::1%eth0',
  ])('%j is not an IPv6 address', (input) => {
    expect(parseIPv6(input)).toBeUndefined();
  });

  test('any IPv6 text parses, and its canonical form is a fixed point with the same bytes', () => {
    fc.assert(
      fc.property(fc.ipV6(), (s) => {
        const bytes = parseIPv6(s);
        expect(bytes).toBeDefined();
        const c = formatIPv6(bytes!);
        expect(parseIPv6(c)).toEqual(bytes);
        expect(canonicalIp(c, 6)).toBe(c);
      }),
      { numRuns: 300 },
    );
  });
});

describe('IPv4', () => {
  test('dotted decimal round-trips', () => {
    fc.assert(
      fc.property(fc.ipV4(), (s) => expect(canonicalIp(s, 4)).toBe(s)),
      { numRuns: 200 },
    );
  });

  test.each([
    '010.1.1.1',
    '256.1.1.1',
    '1.2.3',
    '1.2.3.4.5',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '0x0a.1.1.1',
    '1..2.3',
    '-1.2.3.4',
  ])('%j is refused (inet_pton would refuse it too)', (s) => {
    expect(parseIPv4(s)).toBeUndefined();
  });
});

describe('prefixes', () => {
  test.each([
    ['10.1.1.3/32', 4, '10.1.1.3/32'],
    ['10.1.1.3/24', 4, '10.1.1.0/24'],
    ['0.0.0.0/0', 4, '0.0.0.0/0'],
    ['255.255.255.255/1', 4, '128.0.0.0/1'],
    ['FD00::3/128', 6, 'fd00::3/128'],
    ['fd00::3/64', 6, 'fd00::/64'],
    ['2001:db8::ff/121', 6, '2001:db8::80/121'],
  ] as const)('%s → %s (host bits cleared)', (input, v, canonical) => {
    expect(canonicalPrefix(input, v)).toBe(canonical);
  });

  test.each([
    ['10.1.1.3', 4],
    ['10.1.1.3/33', 4],
    ['10.1.1.3/032', 4],
    ['10.1.1.3/', 4],
    ['10.1.1.3/3a', 4],
    ['fd00::3/129', 6],
    ['fd00::3/32', 4],
    ['10.1.1.3/32', 6],
  ] as const)('%s is not an IPv%d prefix', (input, v) => {
    expect(canonicalPrefix(input, v)).toBeUndefined();
  });
});

describe('MAC addresses', () => {
  test.each([
    ['52:54:00:AA:bb:Cc', '52:54:00:aa:bb:cc'],
    ['0:1:2:a:b:c', '00:01:02:0a:0b:0c'],
    ['ff:ff:ff:ff:ff:ff', 'ff:ff:ff:ff:ff:ff'],
  ])('%s → %s', (input, canonical) => {
    expect(canonicalMac(input)).toBe(canonical);
  });

  test.each([
    '52-54-00-aa-bb-cc',
    '52:54:00:aa:bb',
    '52:54:00:aa:bb:cc:dd',
    '052:54:00:aa:bb:cc',
    '52:54:00:aa:bb:gg',
    '',
  ])('%j is refused', (s) => {
    expect(canonicalMac(s)).toBeUndefined();
  });
});
