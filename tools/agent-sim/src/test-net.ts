/**
 * Next-hop addresses for generated agents, only from ranges that can never be real networks: the three
 * TEST-NETs of RFC 5737 (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24; 762 hosts), then the RFC 2544
 * benchmarking range 198.18.0.0/15 for fleets larger than that.
 */
const TEST_NETS = ['192.0.2', '198.51.100', '203.0.113'];
const HOSTS_PER_NET = 254;
const BENCH_HOSTS = 2 * 65536 - 2;

/** The `i`-th address (from 0): 192.0.2.1 … 192.0.2.254, 198.51.100.1 …, 203.0.113.1 …, 198.18.0.1 … */
export function testNetAddress(i: number): string {
  if (!Number.isInteger(i) || i < 0) throw new RangeError(`address index ${i}`);
  if (i < TEST_NETS.length * HOSTS_PER_NET) {
    return `${TEST_NETS[Math.floor(i / HOSTS_PER_NET)]}.${(i % HOSTS_PER_NET) + 1}`;
  }
  const j = i - TEST_NETS.length * HOSTS_PER_NET + 1;
  if (j > BENCH_HOSTS)
    throw new RangeError(`more than ${TEST_NETS.length * HOSTS_PER_NET + BENCH_HOSTS} generated agents`);
  return `198.${18 + (j >> 16)}.${(j >> 8) & 255}.${j & 255}`;
}
