/** The text an operator reads in introspect and types in config must match TF's and the RFCs'. */
import { formatExtCommunity, parseExtCommunity, parseRouteTarget } from './ext-community';
import { canonicalIpv6, formatIpv6, isIpv4, isIpv6 } from './ip';
import { nlriKey } from './nlri';
import { canonicalPrefix } from './prefix';
import { canonicalRd, readRd } from './rd';

describe('route distinguishers (RFC 4364 §4.2)', () => {
  it.each([
    ['64512:1', '64512:1'],
    ['192.0.2.1:3', '192.0.2.1:3'],
    ['4200000000:7', '4200000000:7'],
    ['0.100:7', '0.100:7'],
    ['1.10:7', '65546:7'], // asdot input, asplain output
    ['type3:0102030405ff', 'type3:0102030405ff'],
  ])('%s -> %s', (text, canonical) => {
    expect(canonicalRd(text)).toBe(canonical);
  });

  it.each(['64512', '64512:4294967296', '192.0.2.1:65536', '4200000000:65536', '300.1.1.1:1', ':5', '01:5'])(
    'rejects %s',
    (text) => {
      expect(() => canonicalRd(text)).toThrow(RangeError);
    },
  );
});

describe('extended community text (TF forms, routing.md B8)', () => {
  it.each([
    ['target:64512:8000001', { kind: 'route-target', form: 'as2', asn: 64512, value: 8000001 }],
    ['target:192.0.2.1:5', { kind: 'route-target', form: 'ipv4', ip: '192.0.2.1', value: 5 }],
    ['target:4200000000:5', { kind: 'route-target', form: 'as4', asn: 4200000000, value: 5 }],
    ['encapsulation:udp', { kind: 'encapsulation', tunnelType: 13 }],
    ['encapsulation:gre', { kind: 'encapsulation', tunnelType: 2 }],
    ['encapsulation:vxlan', { kind: 'encapsulation', tunnelType: 8 }],
    ['encapsulation:mpls', { kind: 'encapsulation', tunnelType: 10 }],
    ['encapsulation:native', { kind: 'encapsulation', tunnelType: 16 }],
    ['originvn:64512:5', { kind: 'origin-vn', form: 'as2', asn: 64512, vnIndex: 5 }],
    ['originvn:4200000000:5', { kind: 'origin-vn', form: 'as4', asn: 4200000000, vnIndex: 5 }],
    ['secgroup:64512:8000002', { kind: 'security-group', form: 'as2', asn: 64512, id: 8000002 }],
    ['tag:64512:10', { kind: 'tag', form: 'as2', asn: 64512, tag: 10 }],
    ['mobility:7', { kind: 'mac-mobility', sticky: false, sequence: 7 }],
    ['mobility:sticky:7', { kind: 'mac-mobility', sticky: true, sequence: 7 }],
    ['router-mac:02:00:00:00:00:01', { kind: 'router-mac', mac: '02:00:00:00:00:01' }],
    [
      'load-balance:field-hash',
      {
        kind: 'load-balance',
        sourceBias: false,
        fields: [
          'l3-source-address',
          'l3-destination-address',
          'l4-protocol',
          'l4-source-port',
          'l4-destination-port',
        ],
      },
    ],
    ['load-balance:source-bias', { kind: 'load-balance', sourceBias: true, fields: [] }],
    [
      'load-balance:field-hash:l3-source-address,l4-protocol',
      { kind: 'load-balance', sourceBias: false, fields: ['l3-source-address', 'l4-protocol'] },
    ],
  ])('%s', (text, value) => {
    expect(parseExtCommunity(text)).toEqual(value);
    expect(formatExtCommunity(parseExtCommunity(text))).toBe(text);
  });

  it('TF reads MPLS-in-GRE (11) as gre; 11 stays 11 on the wire', () => {
    expect(formatExtCommunity({ kind: 'encapsulation', tunnelType: 11 })).toBe('encapsulation:gre');
  });

  it('accepts the non-sticky spelling TF uses and canonicalises MAC case', () => {
    expect(parseExtCommunity('mobility:non-sticky:9')).toEqual({
      kind: 'mac-mobility',
      sticky: false,
      sequence: 9,
    });
    expect(formatExtCommunity(parseExtCommunity('router-mac:AA:BB:CC:00:11:22'))).toBe(
      'router-mac:aa:bb:cc:00:11:22',
    );
  });

  it.each([
    'target:64512',
    'target:70000:70000',
    'target:64512:4294967296',
    'originvn:192.0.2.1:5',
    'encapsulation:carrier-pigeon',
    'mobility:x',
    'colour:1',
  ])('rejects %s', (text) => {
    expect(() => parseExtCommunity(text)).toThrow(RangeError);
  });

  it('parseRouteTarget insists on a route target', () => {
    expect(() => parseRouteTarget('originvn:64512:5')).toThrow(/not a route target/);
  });
});

describe('addresses and prefixes', () => {
  it.each([
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8:0000:0000:0001:0000:0000:0000', '2001:db8:0:0:1::'],
    ['fd00:0:0:1::', 'fd00:0:0:1::'],
    ['::ffff:c000:020b', '::ffff:192.0.2.11'],
    ['::', '::'],
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
  ])('IPv6 %s is shown as %s (RFC 5952)', (text, canonical) => {
    expect(canonicalIpv6(text)).toBe(canonical);
  });

  it.each(['1::2::3', '12345::', ':1::', '1:2:3:4:5:6:7:8:9', '::ffff:300.1.1.1', 'g::'])(
    'rejects IPv6 %s',
    (text) => {
      expect(isIpv6(text)).toBe(false);
    },
  );

  it.each(['1.2.3', '1.2.3.4.5', '01.2.3.4', '256.1.1.1', ' 1.2.3.4'])('rejects IPv4 %s', (text) => {
    expect(isIpv4(text)).toBe(false);
  });

  it('prefix keys clear host bits, so equal routes have equal keys', () => {
    expect(canonicalPrefix('10.1.1.5/24')).toBe('10.1.1.0/24');
    expect(canonicalPrefix('fd00::1/64')).toBe('fd00::/64');
    expect(() => canonicalPrefix('10.1.1.0/33')).toThrow(RangeError);
  });

  it('formats a zero run of one group without compressing it', () => {
    expect(formatIpv6(Buffer.from('20010db8000000010001000100010001', 'hex'), 0)).toBe(
      '2001:db8:0:1:1:1:1:1',
    );
  });
});

describe('route keys', () => {
  it('ignore labels and ESI, which are attributes of the path, not the route', () => {
    expect(nlriKey('inet-vpn', { rd: '192.0.2.11:3', prefix: '10.1.1.3/32', label: 21 })).toBe(
      '192.0.2.11:3:10.1.1.3/32',
    );
    const mac = {
      kind: 'mac-ip' as const,
      rd: '192.0.2.11:3',
      esi: '00:00:00:00:00:00:00:00:00:01',
      ethernetTag: 0,
      mac: '02:00:00:00:00:01',
      label1: 5,
    };
    expect(nlriKey('e-vpn', mac)).toBe('2-192.0.2.11:3-0-02:00:00:00:00:01,0.0.0.0');
    expect(nlriKey('e-vpn', { ...mac, label1: 6, esi: '00:00:00:00:00:00:00:00:00:00' })).toBe(
      nlriKey('e-vpn', mac),
    );
    expect(nlriKey('route-target', { prefixLength: 0, originAs: 0 })).toBe('default');
    expect(
      nlriKey('route-target', {
        prefixLength: 96,
        originAs: 64512,
        routeTarget: { kind: 'route-target', form: 'as2', asn: 64512, value: 8000001 },
      }),
    ).toBe('64512:target:64512:8000001/96');
  });
});

describe('decoded RD strings are shared', () => {
  it('the same RD decodes to the same string, and stays right after the cache is cleared', () => {
    const first = Buffer.from('0001c00002030300', 'hex');
    expect(readRd(first, 0)).toBe('192.0.2.3:768');
    // More distinct RDs than the cache holds, then the first one again.
    for (let i = 0; i < 70_000; i++) {
      const b = Buffer.from([0, 0, 0, 1, 0, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff]);
      if (readRd(b, 0) !== `1:${i}`) throw new Error(`RD ${i} decoded wrongly`);
    }
    expect(readRd(first, 0)).toBe('192.0.2.3:768');
  });
});
