import { SkeinError } from '@skein/model';
import { formatAddress, parseAddress } from './address';
import {
  allocationOrder,
  checkSubnetOverlap,
  classifyRequested,
  normalizeIpamSubnet,
  normalizeIpamSubnets,
  reservedValues,
} from './subnet';
import { sn } from './testing/subnets';

function first(s: ReturnType<typeof normalizeIpamSubnet>, n: number): string[] {
  const out: string[] = [];
  for (const v of allocationOrder(s)) {
    out.push(formatAddress(s.family, v));
    if (out.length === n) break;
  }
  return out;
}

function thrown(fn: () => unknown): SkeinError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SkeinError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('normalizeIpamSubnet', () => {
  it('fills what the server fills', () => {
    const s = normalizeIpamSubnet(sn('11.1.1.0', 24), {
      newUuid: () => 'b5f1c1f2-0000-4000-8000-000000000001',
    });
    expect(s.ipamSubnet).toEqual({
      subnet: { ip_prefix: '11.1.1.0', ip_prefix_len: 24 },
      subnet_uuid: 'b5f1c1f2-0000-4000-8000-000000000001',
      default_gateway: '11.1.1.254',
      dns_server_address: '11.1.1.253',
      enable_dhcp: true,
      addr_from_start: false,
    });
    expect(s.name).toBe('11.1.1.0/24');
    expect(s.pools).toEqual([{ lo: 0x0b010100n, hi: 0x0b0101fen }]);
    expect(s.explicitPools).toBe(false);
    const random = normalizeIpamSubnet(sn('11.1.1.0', 24)).subnetUuid;
    expect(random).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('keeps what the user gave, canonicalising addresses', () => {
    const s = normalizeIpamSubnet(
      sn('FD14::', 64, {
        subnet_uuid: 'B5F1C1F2-0000-4000-8000-000000000001',
        default_gateway: 'FD14::0:1',
        enable_dhcp: false,
        host_routes: { route: [] },
      }),
    );
    expect(s.ipamSubnet.subnet_uuid).toBe('b5f1c1f2-0000-4000-8000-000000000001');
    expect(s.ipamSubnet.default_gateway).toBe('fd14::1');
    expect(s.ipamSubnet.dns_server_address).toBe('fd14::ffff:ffff:ffff:fffd');
    expect(s.ipamSubnet.enable_dhcp).toBe(false);
    expect(s.ipamSubnet.host_routes).toEqual({ route: [] });
  });

  it('addr_from_start: gateway .1, DNS .2, first .3; fd14::/64 gets gateway fd14::1', () => {
    const s = normalizeIpamSubnet(sn('11.1.1.0', 24, { addr_from_start: true }));
    expect(s.ipamSubnet.default_gateway).toBe('11.1.1.1');
    expect(s.ipamSubnet.dns_server_address).toBe('11.1.1.2');
    expect(first(s, 3)).toEqual(['11.1.1.3', '11.1.1.4', '11.1.1.5']);
    const v6 = normalizeIpamSubnet(sn('fd14::', 64, { addr_from_start: true }));
    expect(v6.ipamSubnet.default_gateway).toBe('fd14::1');
    expect(v6.ipamSubnet.dns_server_address).toBe('fd14::2');
    expect(first(v6, 2)).toEqual(['fd14::3', 'fd14::4']);
  });

  it('hands out the highest free address first: .252, .251, ...', () => {
    const s = normalizeIpamSubnet(sn('11.1.1.0', 24));
    expect(first(s, 3)).toEqual(['11.1.1.252', '11.1.1.251', '11.1.1.250']);
    expect([...allocationOrder(s)]).toHaveLength(256 - 4);
    expect(reservedValues(s).map((v) => formatAddress('v4', v))).toEqual([
      '11.1.1.0',
      '11.1.1.253',
      '11.1.1.254',
    ]);
    const v6 = normalizeIpamSubnet(sn('fd14::', 64));
    expect(first(v6, 1)).toEqual(['fd14::ffff:ffff:ffff:fffc']);
  });

  it('walks pools in order: .34 down to .21, or .21 up with addr_from_start', () => {
    const pools = [
      { start: '11.1.1.31', end: '11.1.1.34' },
      { start: '11.1.1.21', end: '11.1.1.24' },
    ];
    const down = normalizeIpamSubnet(sn('11.1.1.0', 24, { allocation_pools: pools }));
    expect([...allocationOrder(down)].map((v) => formatAddress('v4', v).split('.')[3])).toEqual([
      '34',
      '33',
      '32',
      '31',
      '24',
      '23',
      '22',
      '21',
    ]);
    // neither gateway .254 nor DNS .253 nor the network address is in a pool: nothing reserved
    expect(reservedValues(down)).toEqual([]);
    const up = normalizeIpamSubnet(sn('11.1.1.0', 24, { allocation_pools: pools, addr_from_start: true }));
    expect([...allocationOrder(up)].map((v) => formatAddress('v4', v).split('.')[3])).toEqual([
      '21',
      '22',
      '23',
      '24',
      '31',
      '32',
      '33',
      '34',
    ]);
  });

  it('reserves the broadcast, gateway and DNS only inside a pool', () => {
    const s = normalizeIpamSubnet(
      sn('11.1.1.0', 24, { allocation_pools: [{ start: '11.1.1.250', end: '11.1.1.255' }] }),
    );
    expect(reservedValues(s).map((v) => formatAddress('v4', v))).toEqual([
      '11.1.1.253',
      '11.1.1.254',
      '11.1.1.255',
    ]);
    expect(first(s, 5)).toEqual(['11.1.1.252', '11.1.1.251', '11.1.1.250']);
  });

  it('keeps a prefix with host bits as written and computes with its network, as TF does', () => {
    const s = normalizeIpamSubnet(sn('11.1.1.5', 24));
    expect(s.name).toBe('11.1.1.5/24');
    expect(s.ipamSubnet.subnet).toEqual({ ip_prefix: '11.1.1.5', ip_prefix_len: 24 });
    expect(s.ipamSubnet.default_gateway).toBe('11.1.1.254');
    expect(first(s, 1)).toEqual(['11.1.1.252']);
    // TF's own service-chain-flat-ipam v6 subnet is written this way
    const sc = normalizeIpamSubnet(sn('::ffff', 104));
    expect(sc.ipamSubnet.default_gateway).toBe('::ff:fffe');
    expect(first(sc, 1)).toEqual(['::ff:fffc']);
    const sc4 = normalizeIpamSubnet(sn('0.0.0.0', 8));
    expect(first(sc4, 1)).toEqual(['0.255.255.252']);
  });

  it('carries over uuid, gateway, DNS and addr_from_start of the stored subnet with the same prefix', () => {
    const stored = normalizeIpamSubnet(
      sn('11.1.1.0', 24, { addr_from_start: true, default_gateway: '11.1.1.9' }),
    );
    const again = normalizeIpamSubnet(sn('11.1.1.0', 24), { previous: [stored.ipamSubnet] });
    expect(again.subnetUuid).toBe(stored.subnetUuid);
    expect(again.ipamSubnet.default_gateway).toBe('11.1.1.9');
    expect(again.ipamSubnet.dns_server_address).toBe('11.1.1.2');
    expect(again.addrFromStart).toBe(true);
  });

  it('treats 0.0.0.0 as "no gateway"', () => {
    const s = normalizeIpamSubnet(sn('11.1.1.0', 24, { default_gateway: '0.0.0.0' }));
    expect(s.gateway).toBeNull();
    expect(s.ipamSubnet.default_gateway).toBe('0.0.0.0');
    expect(reservedValues(s).map((v) => formatAddress('v4', v))).toEqual(['11.1.1.0', '11.1.1.253']);
  });

  it.each([
    [sn('11.1.1.0', 24, { alloc_unit: 4 }), 'alloc_unit', /alloc_unit 4 is not supported/],
    [sn('11.1.1.0', 33), 'subnet.ip_prefix_len', /Invalid ip_prefix_len/],
    [sn('11.1.1', 24), 'subnet.ip_prefix', /Invalid ip_prefix/],
    [{ subnet_uuid: 'x' }, 'subnet.ip_prefix', /required/],
    [
      sn('11.1.1.0', 24, { subnet_uuid: 'nope' }),
      'subnet_uuid',
      /Invalid subnet-uuid nope in subnet:11.1.1.0\/24/,
    ],
    [
      sn('11.1.1.0', 24, { allocation_pools: [{ start: '11.1.2.1', end: '11.1.2.9' }] }),
      'allocation_pools[0]',
      /out of cidr:11.1.1.0\/24/,
    ],
    [
      sn('11.1.1.0', 24, { allocation_pools: [{ start: '11.1.1.9', end: '11.1.1.1' }] }),
      'allocation_pools[0]',
      /end ip is less than start ip/,
    ],
    [
      sn('11.1.1.0', 24, { allocation_pools: [{ start: 'x', end: '11.1.1.1' }] }),
      'allocation_pools[0]',
      /Invalid allocation Pool/,
    ],
    [
      sn('11.1.1.0', 24, {
        allocation_pools: [
          { start: '11.1.1.1', end: '11.1.1.9' },
          { start: '11.1.1.9', end: '11.1.1.20' },
        ],
      }),
      'allocation_pools',
      /overlapping alloc-pools/,
    ],
    [
      sn('11.1.1.0', 24, { default_gateway: '11.1.2.1' }),
      'default_gateway',
      /gateway Ip 11.1.2.1 out of cidr/,
    ],
    [sn('11.1.1.0', 24, { default_gateway: '11.1.1.255' }), 'default_gateway', /out of cidr/],
    [sn('11.1.1.0', 24, { default_gateway: 'gw' }), 'default_gateway', /Invalid gateway Ip address:gw/],
    [
      sn('11.1.1.0', 24, { dns_server_address: 'dns' }),
      'dns_server_address',
      /Invalid Dns Server Ip address/,
    ],
    [
      sn('11.1.1.0', 24, { dns_nameservers: ['8.8.8.8', 'x'] }),
      'dns_nameservers[1]',
      /Invalid DNS Nameserver\(x\)/,
    ],
  ])('rejects %j with 400 on %s', (input, field, message) => {
    const e = thrown(() => normalizeIpamSubnet(input, { path: 'ipam_subnets[0]' }));
    expect(e.status).toBe(400);
    expect(e.details.field).toBe(`ipam_subnets[0].${field}`);
    expect(e.message).toMatch(message);
  });
});

describe('sets of subnets', () => {
  it("rejects overlapping subnets with TF's message", () => {
    const e = thrown(() =>
      normalizeIpamSubnets([sn('10.1.1.0', 24), sn('10.2.0.0', 16), sn('10.1.0.0', 16)]),
    );
    expect(e.status).toBe(400);
    expect(e.message).toBe("Overlapping addresses: [IPNetwork('10.1.1.0/24'), IPNetwork('10.1.0.0/16')]");
    expect(() =>
      checkSubnetOverlap(normalizeIpamSubnets([sn('10.1.1.0', 24), sn('fd14::', 64)])),
    ).not.toThrow();
    expect(thrown(() => normalizeIpamSubnets([sn('10.1.1.0', 24), sn('10.1.1.7', 24)])).message).toMatch(
      /^Overlapping addresses/,
    );
  });

  it('rejects a subnet_uuid used twice', () => {
    const u = 'b5f1c1f2-0000-4000-8000-000000000001';
    const e = thrown(() =>
      normalizeIpamSubnets([sn('10.1.1.0', 24, { subnet_uuid: u }), sn('10.2.1.0', 24, { subnet_uuid: u })]),
    );
    expect(e.status).toBe(400);
  });
});

describe('classifyRequested', () => {
  const s = normalizeIpamSubnet(sn('11.1.1.0', 24));
  const v = (a: string) => parseAddress(a)!.value;
  it('knows the gateway, the reserved addresses and the outside', () => {
    expect(classifyRequested(s, v('11.1.1.254'))).toBe('gateway');
    expect(classifyRequested(s, v('11.1.1.253'))).toBe('reserved');
    expect(classifyRequested(s, v('11.1.1.0'))).toBe('reserved');
    expect(classifyRequested(s, v('11.1.1.255'))).toBe('reserved');
    expect(classifyRequested(s, v('11.1.1.10'))).toBe('free-to-try');
    expect(classifyRequested(s, v('11.1.2.10'))).toBe('outside');
  });
});
