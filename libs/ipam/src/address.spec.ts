import {
  broadcastAddress,
  canonicalAddress,
  familyOf,
  formatAddress,
  formatPrefix,
  hasHostBits,
  parseAddress,
  parsePrefix,
  prefixContains,
  prefixesOverlap,
} from './address';

describe('address parsing and text', () => {
  it('parses dotted-quad IPv4 strictly', () => {
    expect(parseAddress('11.1.1.252')).toEqual({ family: 'v4', value: 0x0b0101fcn });
    expect(parseAddress('0.0.0.0')?.value).toBe(0n);
    expect(parseAddress('255.255.255.255')?.value).toBe(0xffffffffn);
    for (const bad of [
      '256.1.1.1',
      '1.1.1',
      '010.1.1.1',
      '1.1.1.1 ',
      '0x0a.1.1.1',
      '',
      '1.1.1.1/24',
      'abc',
    ]) {
      expect(parseAddress(bad)).toBeNull();
    }
    expect(parseAddress(42)).toBeNull();
  });

  it('parses IPv6 without zones', () => {
    expect(parseAddress('fd14::1')).toEqual({ family: 'v6', value: (0xfd14n << 112n) | 1n });
    expect(parseAddress('FD14::')?.value).toBe(0xfd14n << 112n);
    expect(parseAddress('::ffff:1.2.3.4')?.value).toBe(0xffff01020304n);
    expect(parseAddress('fe80::1%eth0')).toBeNull();
    expect(parseAddress('1::2::3')).toBeNull();
  });

  it('formats RFC 5952 text', () => {
    const f = (s: string) => canonicalAddress(s);
    expect(f('FD14:0:0:0:0:0:0:1')).toBe('fd14::1');
    expect(f('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(f('2001:0db8:0000:0001:0001:0001:0001:0001')).toBe('2001:db8:0:1:1:1:1:1');
    expect(f('::')).toBe('::');
    expect(f('::1')).toBe('::1');
    expect(f('1::')).toBe('1::');
    expect(f('::ffff:0102:0304')).toBe('::ffff:1.2.3.4');
    expect(f('::ff:fffc')).toBe('::ff:fffc');
    expect(formatAddress('v4', 0x0a2ffffcn)).toBe('10.47.255.252');
    expect(familyOf('10.0.0.1')).toBe('v4');
    expect(familyOf('::1')).toBe('v6');
    expect(familyOf('x')).toBeNull();
  });
});

describe('prefixes', () => {
  it('computes network, last and broadcast; host bits are cleared', () => {
    const p = parsePrefix('11.1.1.5', 24)!;
    expect(formatPrefix(p)).toBe('11.1.1.0/24');
    expect(formatAddress('v4', p.last)).toBe('11.1.1.255');
    expect(broadcastAddress(p)).toBe(p.last);
    expect(hasHostBits(parseAddress('11.1.1.5')!, 24)).toBe(true);
    expect(hasHostBits(parseAddress('11.1.1.0')!, 24)).toBe(false);
    expect(broadcastAddress(parsePrefix('10.0.0.0/31')!)).toBeNull();
    expect(broadcastAddress(parsePrefix('fd14::/64')!)).toBeNull();
    expect(formatPrefix(parsePrefix('::ffff', 104)!)).toBe('::/104');
    expect(parsePrefix('10.0.0.0', 33)).toBeNull();
    expect(parsePrefix('10.0.0.0', '24')?.len).toBe(24);
    expect(parsePrefix('10.0.0.0/x')).toBeNull();
    expect(parsePrefix('fd14::', 129)).toBeNull();
  });

  it('tests containment and overlap', () => {
    const a = parsePrefix('10.1.0.0/16')!;
    const b = parsePrefix('10.1.1.0/24')!;
    const c = parsePrefix('10.2.0.0/16')!;
    expect(prefixContains(a, b)).toBe(true);
    expect(prefixContains(b, a)).toBe(false);
    expect(prefixContains(a, parseAddress('10.1.255.255')!)).toBe(true);
    expect(prefixContains(a, parseAddress('::1')!)).toBe(false);
    expect(prefixesOverlap(a, b)).toBe(true);
    expect(prefixesOverlap(b, a)).toBe(true);
    expect(prefixesOverlap(a, c)).toBe(false);
    expect(prefixesOverlap(parsePrefix('::/0')!, a)).toBe(false);
  });
});
