/**
 * Micro benchmark, not a test: N VPNv4 routes (default 1,000,000) from one iBGP peer into the Rib, in
 * UPDATE-sized announcements of 250 NLRI sharing one attribute set, the way a session would feed them.
 * Reports insert time, heap and RSS bytes per route, then withdraws everything.
 *
 *   node --expose-gc -r ./libs/bus/bin/ts-register.js services/control/src/rib/bench-rib.ts [routes] [scenario]
 *
 * Scenarios (one per process, so memory numbers do not mix):
 *   vpn     routes land in bgp.l3vpn.0 only (no RI imports their target)
 *   import  100 RIs, each importing one of the routes' 100 targets: every route is also copied into a VRF
 *   peers   as vpn, with two eBGP peers up (no route-target) that are sent every route; output is taken and
 *           grouped into UpdateBatches (not encoded) every 10,000 routes
 */
import { parseRouteTarget, type PathAttributes, type VpnPrefix } from '@skein/bgp';
import { Rib } from './rib';

const total = Number(process.argv[2] ?? 1_000_000);
const scenario = process.argv[3] ?? 'vpn';
const PER_UPDATE = 250;
const TARGETS = 100;
const DRAIN_EVERY = 10_000;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

function settle(): NodeJS.MemoryUsage {
  for (let i = 0; i < 3; i++) gc!();
  return process.memoryUsage();
}

function ipv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

const rib = new Rib({ routerId: '10.0.0.1', asn: 64512 });
rib.addBgpPeer({ name: 'src', address: '10.0.0.2', asn: 64512 });
rib.bgpPeerUp('src', ['inet-vpn', 'route-target']);
const rts = Array.from({ length: TARGETS }, (_, k) => `target:64512:${8_100_000 + k}`);
if (scenario === 'import') {
  for (let k = 0; k < TARGETS; k++) {
    rib.upsertRoutingInstance({
      name: `default-domain:bench:vn${k}:vn${k}`,
      vn: `default-domain:bench:vn${k}`,
      vnIndex: k + 1,
      importTargets: [rts[k]!],
    });
  }
}
if (scenario === 'peers') {
  // eBGP, so iBGP split horizon does not hide the routes from them.
  for (const [name, asn] of [
    ['gw1', 65001],
    ['gw2', 65002],
  ] as const) {
    rib.addBgpPeer({ name, address: name === 'gw1' ? '10.0.0.3' : '10.0.0.4', asn });
    rib.bgpPeerUp(name, ['inet-vpn']);
  }
}
// Attribute objects as the codec hands them over, one per target (an UPDATE carries one of them).
const attrs: PathAttributes[] = rts.map((rt, k) => ({
  origin: 2,
  asPath: [],
  localPref: 100,
  med: 200,
  extCommunities: [
    parseRouteTarget(rt),
    { kind: 'encapsulation', tunnelType: 2 },
    { kind: 'origin-vn', form: 'as2', asn: 64512, vnIndex: k + 1 },
  ],
}));

let sent = 0;
function drain(): void {
  const c = rib.takeChanges();
  for (const p of c.peers)
    for (const b of p.batches) sent += (b.announce?.length ?? 0) + (b.withdraw?.length ?? 0);
}

function batch(from: number, withdraw: boolean): void {
  // One UPDATE: consecutive routes of one remote vRouter (its RD) and one target.
  const k = Math.floor(from / PER_UPDATE) % TARGETS;
  const nlri: VpnPrefix[] = [];
  for (let i = from; i < Math.min(from + PER_UPDATE, total); i++) {
    nlri.push({
      rd: `192.0.2.${(i >>> 16) & 255}:${k + 1}`,
      prefix: `${ipv4(0x0a000000 + i)}/32`,
      label: 16 + (i & 0xfffff),
    });
  }
  if (withdraw) rib.bgpWithdraw('src', 'inet-vpn', nlri);
  else rib.bgpAnnounce('src', 'inet-vpn', nlri, attrs[k]!, `192.0.2.${(from >>> 16) & 255}`);
}

drain();
const before = settle();
let t0 = process.hrtime.bigint();
for (let i = 0; i < total; i += PER_UPDATE) {
  batch(i, false);
  if ((i + PER_UPDATE) % DRAIN_EVERY === 0) drain();
}
drain();
const insertMs = Number(process.hrtime.bigint() - t0) / 1e6;
const after = settle();

const vpnRoutes = rib.table('bgp.l3vpn.0')!.size;
let vrfRoutes = 0;
for (const ri of rib.routingInstances()) for (const t of ri.tables) if (t.kind === 'vrf') vrfRoutes += t.size;

t0 = process.hrtime.bigint();
for (let i = 0; i < total; i += PER_UPDATE) {
  batch(i, true);
  if ((i + PER_UPDATE) % DRAIN_EVERY === 0) drain();
}
drain();
const withdrawMs = Number(process.hrtime.bigint() - t0) / 1e6;
const empty = settle();

const perRoute = (bytes: number) => (bytes / total).toFixed(0);
console.log(
  JSON.stringify(
    {
      scenario,
      routes: total,
      vpn_routes: vpnRoutes,
      vrf_copies: vrfRoutes,
      insert_ms: Math.round(insertMs),
      insert_routes_per_s: Math.round(total / (insertMs / 1000)),
      heap_bytes_per_route: perRoute(after.heapUsed - before.heapUsed),
      rss_bytes_per_route: perRoute(after.rss - before.rss),
      heap_total_mb: Math.round(after.heapUsed / 2 ** 20),
      rss_total_mb: Math.round(after.rss / 2 ** 20),
      withdraw_ms: Math.round(withdrawMs),
      updates_to_peers: sent,
      attr_sets_after_withdraw: rib.pool.size,
      heap_after_withdraw_mb: Math.round(empty.heapUsed / 2 ** 20),
    },
    null,
    1,
  ),
);
