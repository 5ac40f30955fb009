import fc from 'fast-check';
import { agentEntryArb } from '../test/arbitraries';
import { MASTER_INSTANCE } from './constants';
import type { NextHop, RouteEntry } from './route-item';
import { validateAgentRoute, validateEventEntry } from './validate';

const VRF = 'default-domain:p1:blue:blue';
const nh = (over: Partial<NextHop> = {}): NextHop => ({
  address: '192.0.2.11',
  label: 21,
  tunnelEncapsulations: ['gre'],
  tags: [],
  ...over,
});
const inet = (nextHops: NextHop[]): RouteEntry => ({
  nlri: { family: 'inet', prefix: '10.1.1.3/32' },
  nextHops,
  securityGroups: [],
  communityTags: [],
});
const evpn = (nextHops: NextHop[]): RouteEntry => ({
  ...inet(nextHops),
  nlri: { family: 'evpn', ethernetTag: 0, mac: '52:54:00:aa:bb:cc', address: '10.1.1.3/32' },
});

test('agent-valid routes of every family pass', () => {
  fc.assert(
    fc.property(agentEntryArb(), (e) => {
      expect(validateAgentRoute(e, 'add', VRF)).toBeUndefined();
    }),
    { numRuns: 200 },
  );
  fc.assert(
    fc.property(agentEntryArb('inet', true), (e) => {
      expect(validateAgentRoute(e, 'add', MASTER_INSTANCE)).toBeUndefined();
    }),
    { numRuns: 50 },
  );
});

test.each([
  ['no next hop', inet([]), VRF, 'missing-next-hop'],
  [
    'two next hops (TF: "Agents should send only one next-hop")',
    inet([nh(), nh({ address: '192.0.2.12' })]),
    VRF,
    'too-many-next-hops',
  ],
  ['an IPv6 next hop (the RD needs an IPv4 one)', inet([nh({ address: 'fd00::11' })]), VRF, 'bad-next-hop'],
  ['label 0 in a VRF', inet([nh({ label: 0 })]), VRF, 'bad-label'],
  ['a label in the master instance', inet([nh()]), MASTER_INSTANCE, 'bad-label'],
  [
    'inet label above 0xFFFFF even with vxlan',
    inet([nh({ label: 0x100000, tunnelEncapsulations: ['vxlan'] })]),
    VRF,
    'bad-label',
  ],
  ['EVPN MPLS label above 0xFFFFF', evpn([nh({ label: 0x100000 })]), VRF, 'bad-label'],
])('an add with %s → %s', (_what, entry, ri, code) => {
  expect(validateAgentRoute(entry, 'add', ri, 'n')).toEqual({ code, message: expect.any(String), node: 'n' });
});

test('EVPN with VXLAN takes a 24-bit VNI as label; label 0 is allowed (TF checks no EVPN label)', () => {
  expect(
    validateAgentRoute(evpn([nh({ label: 0xffffff, tunnelEncapsulations: ['vxlan'] })]), 'add', VRF),
  ).toBeUndefined();
  expect(validateAgentRoute(evpn([nh({ label: 0 })]), 'add', VRF)).toBeUndefined();
});

test('a delete needs nothing beyond its NLRI', () => {
  expect(validateAgentRoute(inet([]), 'delete', VRF)).toBeUndefined();
});

test('a control-node entry needs next hops or an olist', () => {
  expect(validateEventEntry(inet([]))).toMatchObject({ code: 'missing-next-hop' });
  expect(validateEventEntry({ ...evpn([]), olist: [nh()] })).toBeUndefined();
  expect(validateEventEntry(inet([nh(), nh({ address: '192.0.2.12' })]))).toBeUndefined();
});
