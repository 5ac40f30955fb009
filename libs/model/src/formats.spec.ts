import { formats, isDatetime, isIPv4, isIPv6, isIpPrefix, isMac, isRouteTarget, isUuid } from './formats';

describe('formats', () => {
  it.each(['0.0.0.0', '10.1.1.254', '255.255.255.255'])('ipv4 accepts %s', (s) =>
    expect(isIPv4(s)).toBe(true),
  );
  it.each(['10.1.1.256', '10.1.1', '10.01.1.1', '1.2.3.4.5', ' 1.2.3.4', 'a.b.c.d', ''])(
    'ipv4 rejects %j',
    (s) => expect(isIPv4(s)).toBe(false),
  );

  it.each([
    '::',
    '::1',
    'fd14::1',
    'fe80::a:b:c:d',
    '1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7::',
    '::ffff:1.2.3.4',
    '2001:db8::',
  ])('ipv6 accepts %s', (s) => expect(isIPv6(s)).toBe(true));
  it.each([
    ':::',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    'fd14::g',
    '12345::',
    '1.2.3.4',
    '::ffff:1.2.3.256',
    'fe80::1%eth0',
  ])('ipv6 rejects %j', (s) => expect(isIPv6(s)).toBe(false));

  it('ip-prefix needs a length in the family range', () => {
    expect(isIpPrefix('10.1.1.0/24')).toBe(true);
    expect(isIpPrefix('0.0.0.0/0')).toBe(true);
    expect(isIpPrefix('fd14::/64')).toBe(true);
    expect(isIpPrefix('fd14::/128')).toBe(true);
    expect(isIpPrefix('10.1.1.0/33')).toBe(false);
    expect(isIpPrefix('fd14::/129')).toBe(false);
    expect(isIpPrefix('10.1.1.0')).toBe(false);
    expect(isIpPrefix('10.1.1.0/024')).toBe(false);
  });

  it('mac is six hex octets with one separator', () => {
    expect(isMac('02:ab:cd:ef:00:11')).toBe(true);
    expect(isMac('02-AB-CD-EF-00-11')).toBe(true);
    expect(isMac('02:ab-cd:ef:00:11')).toBe(false);
    expect(isMac('02:ab:cd:ef:00')).toBe(false);
    expect(isMac('zz:ab:cd:ef:00:11')).toBe(false);
  });

  it('uuid is 8-4-4-4-12 hex', () => {
    expect(isUuid('6d1f4a7e-2b3c-4d5e-8f90-a1b2c3d4e5f6')).toBe(true);
    expect(isUuid('6D1F4A7E-2B3C-4D5E-8F90-A1B2C3D4E5F6')).toBe(true);
    expect(isUuid('6d1f4a7e2b3c4d5e8f90a1b2c3d4e5f6')).toBe(false);
    expect(isUuid('ABC')).toBe(false);
  });

  it('datetime is ISO 8601 as TF writes it', () => {
    expect(isDatetime('2024-02-29T23:59:59.123456')).toBe(true);
    expect(isDatetime('2024-01-01T00:00:00')).toBe(true);
    expect(isDatetime('2024-01-01T00:00:00Z')).toBe(true);
    expect(isDatetime('2024-01-01T00:00:00.5+05:30')).toBe(true);
    expect(isDatetime('2023-02-29T00:00:00')).toBe(false);
    expect(isDatetime('2024-13-01T00:00:00')).toBe(false);
    expect(isDatetime('2024-01-01 00:00:00')).toBe(false);
    expect(isDatetime('yesterday')).toBe(false);
  });

  it('route-target is target:<asn|ipv4>:<n>', () => {
    expect(isRouteTarget('target:64512:8000005')).toBe(true);
    expect(isRouteTarget('target:64513:1')).toBe(true);
    expect(isRouteTarget('target:10.0.0.1:65535')).toBe(true);
    expect(isRouteTarget('target:4200000000:65535')).toBe(true);
    expect(isRouteTarget('target:4200000000:65536')).toBe(false);
    expect(isRouteTarget('target:10.0.0.1:65536')).toBe(false);
    expect(isRouteTarget('target:64512:4294967296')).toBe(false);
    expect(isRouteTarget('target:x')).toBe(false);
    expect(isRouteTarget('target:x:1')).toBe(false);
    expect(isRouteTarget('64512:1')).toBe(false);
  });

  it('has a checker for every StringFormat', () => {
    expect(Object.keys(formats).sort()).toEqual(
      ['datetime', 'hex', 'ip', 'ip-prefix', 'ipv4', 'ipv6', 'mac', 'route-target', 'uuid'].sort(),
    );
    expect(formats.hex('0x00ff0001')).toBe(true);
    expect(formats.hex('00ff')).toBe(false);
  });
});
