import { AttrPool, type AttrInput } from './attrs';
import {
  BEST_PATH_RULES,
  BestPathReason,
  ECMP_RULE_COUNT,
  comparePaths,
  decide,
  ecmpEqual,
  type CompareContext,
} from './best-path';
import { Path, PathFlag } from './path';
import { Peer, type PeerKind } from './peer';
import { RoutingInstance } from './routing-instance';

const pool = new AttrPool();
const ctx: CompareContext = { alwaysCompareMed: false };

function peer(
  name: string,
  kind: PeerKind,
  address: string,
  o: { asn?: number; localAs?: number; routerId?: string } = {},
): Peer {
  const p = new Peer(name, kind, address, o.routerId ?? address);
  p.asn = o.asn ?? 64512;
  p.localAs = o.localAs ?? 64512;
  return p;
}

const agentA = peer('a', 'xmpp', '192.0.2.11');
const agentB = peer('b', 'xmpp', '192.0.2.12');
const ibgp1 = peer('cn1', 'bgp', '10.0.0.2');
const ibgp2 = peer('cn2', 'bgp', '10.0.0.3');
const ebgp = peer('gw', 'bgp', '10.0.0.9', { asn: 65001 });
const staticSrc = peer('static', 'static', '10.0.0.1');
const chain1 = peer('sc1', 'service-chain', '10.0.0.1');
const chain2 = peer('sc2', 'service-chain', '10.0.0.1');

const base: AttrInput = { nextHop: '192.0.2.11', origin: 2, asPath: [] };

function path(from: Peer, a: Partial<AttrInput> = {}, flags = 0): Path {
  return new Path(from, pool.acquire({ ...base, ...a }), 16, flags, null);
}

/** `better` beats `worse` by exactly `reason`, and ECMP membership follows the rule's place in the ladder. */
function expectDecidedBy(better: Path, worse: Path, reason: BestPathReason): void {
  expect(decide(better, worse, ctx)).toEqual({ order: expect.any(Number), reason });
  expect(decide(better, worse, ctx).order).toBeLessThan(0);
  expect(decide(worse, better, ctx).order).toBeGreaterThan(0);
  expect(comparePaths(better, worse, ctx)).toBeLessThan(0);
  const rank = BEST_PATH_RULES.findIndex((r) => r.reason === reason);
  expect(ecmpEqual(better, worse, ctx)).toBe(rank >= ECMP_RULE_COUNT);
}

describe('best-path ladder (routing.md B6)', () => {
  it('keeps the spec order as data, rules 1-6 deciding ECMP', () => {
    expect(BEST_PATH_RULES.map((r) => r.reason)).toEqual([
      'FEASIBLE',
      'LOCAL_PREF',
      'MOBILITY',
      'AS_PATH',
      'ORIGIN',
      'MED',
      'NOT_ALIASED',
      'LOCALLY_GENERATED',
      'XMPP',
      'EBGP',
      'ROUTER_ID',
      'CLUSTER_LIST',
      'PEER_ADDRESS',
    ]);
    expect(ECMP_RULE_COUNT).toBe(6);
  });

  it('(1) a feasible path beats an infeasible one whatever else', () => {
    expectDecidedBy(
      path(agentB),
      path(agentA, { localPref: 300 }, PathFlag.NoTunnelEncap),
      BestPathReason.Feasible,
    );
    expectDecidedBy(path(ibgp1), path(ibgp2, {}, PathFlag.AsPathLoop), BestPathReason.Feasible);
  });

  it('(2) higher LOCAL_PREF; absent compares as 100', () => {
    expectDecidedBy(
      path(agentB, { localPref: 200 }),
      path(agentA, { localPref: 100, origin: 0 }),
      BestPathReason.LocalPref,
    );
    expectDecidedBy(path(agentB), path(agentA, { localPref: 99 }), BestPathReason.LocalPref);
    expect(decide(path(agentB), path(agentA, { localPref: 100 }), ctx).reason).not.toBe(
      BestPathReason.LocalPref,
    );
  });

  it('(3) E-Tree root before leaf, sticky first, then higher mobility sequence', () => {
    const leaf = { kind: 'opaque', hex: '0605010000000000' } as const;
    expectDecidedBy(path(agentB), path(agentA, { extCommunities: [leaf] }), BestPathReason.Mobility);
    const sticky = { kind: 'mac-mobility', sticky: true, sequence: 1 } as const;
    const newer = { kind: 'mac-mobility', sticky: false, sequence: 9 } as const;
    const older = { kind: 'mac-mobility', sticky: false, sequence: 3 } as const;
    expectDecidedBy(
      path(agentB, { extCommunities: [sticky] }),
      path(agentA, { extCommunities: [newer] }),
      BestPathReason.Mobility,
    );
    expectDecidedBy(
      path(agentB, { extCommunities: [newer] }),
      path(agentA, { extCommunities: [older], origin: 0 }),
      BestPathReason.Mobility,
    );
  });

  it('(4) shorter AS_PATH, except between two service-chain paths', () => {
    const one = [{ type: 'sequence' as const, asns: [65001] }];
    const two = [{ type: 'sequence' as const, asns: [65001, 65002] }];
    expectDecidedBy(
      path(ibgp2, { asPath: one }),
      path(ibgp1, { asPath: two, origin: 0 }),
      BestPathReason.AsPath,
    );
    const d = decide(path(chain2, { asPath: one, origin: 0 }), path(chain1, { asPath: two }), ctx);
    expect(d.reason).toBe(BestPathReason.Origin);
  });

  it('(5) lower ORIGIN', () => {
    expectDecidedBy(path(ibgp2, { origin: 0 }), path(ibgp1, { origin: 2, med: 0 }), BestPathReason.Origin);
  });

  it('(6) lower MED within one neighbour AS, or always with always_compare_med', () => {
    const as1 = [{ type: 'sequence' as const, asns: [65001] }];
    const as2 = [{ type: 'sequence' as const, asns: [65002] }];
    expectDecidedBy(
      path(ibgp2, { med: 100, asPath: as1 }),
      path(ibgp1, { med: 200, asPath: as1 }),
      BestPathReason.Med,
    );
    expectDecidedBy(path(agentB, { med: 100 }), path(agentA, { med: 200 }), BestPathReason.Med);
    const x = path(ibgp2, { med: 100, asPath: as1 });
    const y = path(ibgp1, { med: 200, asPath: as2 });
    expect(decide(x, y, ctx).reason).toBe(BestPathReason.RouterId);
    expect(decide(x, y, { alwaysCompareMed: true }).reason).toBe(BestPathReason.Med);
  });

  it('(7) non-aliased before aliased — still ECMP', () => {
    expectDecidedBy(path(agentB), path(agentA, {}, PathFlag.Aliased), BestPathReason.NotAliased);
  });

  it('(8) locally generated before learned', () => {
    expectDecidedBy(path(staticSrc), path(agentA), BestPathReason.LocallyGenerated);
  });

  it('(9) XMPP before BGP', () => {
    expectDecidedBy(path(agentB), path(ibgp1), BestPathReason.Xmpp);
  });

  it('(10) eBGP before iBGP', () => {
    const as1 = [{ type: 'sequence' as const, asns: [65001] }];
    expectDecidedBy(path(ebgp, { asPath: as1 }), path(ibgp1, { asPath: as1 }), BestPathReason.Ebgp);
  });

  it('(11) lower ORIGINATOR_ID, else router id', () => {
    expectDecidedBy(path(ibgp1), path(ibgp2), BestPathReason.RouterId);
    expectDecidedBy(path(ibgp2, { originatorId: '1.1.1.1' }), path(ibgp1), BestPathReason.RouterId);
  });

  it('(12) shorter CLUSTER_LIST', () => {
    const x = path(ibgp2, { originatorId: '1.1.1.1', clusterList: ['9.9.9.9'] });
    const y = path(ibgp1, { originatorId: '1.1.1.1', clusterList: ['9.9.9.9', '8.8.8.8'] });
    expectDecidedBy(x, y, BestPathReason.ClusterList);
  });

  it('(13) lower peer address', () => {
    const p1 = peer('p1', 'bgp', '10.0.0.5', { routerId: '1.1.1.1' });
    const p2 = peer('p2', 'bgp', '10.0.0.4', { routerId: '1.1.1.1' });
    expectDecidedBy(path(p2), path(p1), BestPathReason.PeerAddress);
  });

  it('reports EQUAL when nothing differs', () => {
    expect(decide(path(agentA), path(agentA), ctx)).toEqual({ order: 0, reason: BestPathReason.Equal });
  });
});

describe('destination ordering', () => {
  const ri = new RoutingInstance('default-domain:p1:blue:blue', false);
  const table = ri.byFamily.get('inet')!;

  it('orders best first, stable on ties, and counts the ECMP set through rule 6', () => {
    const dest = table.locate('10.1.1.3/32');
    const a = path(agentA, { localPref: 100 });
    const b = path(agentB, { localPref: 100 });
    const c = path(ibgp1, { localPref: 50 });
    table.insert(dest, c, ctx);
    table.insert(dest, a, ctx);
    table.insert(dest, b, ctx);
    expect([...dest.paths()]).toEqual([a, b, c]);
    expect(dest.usable).toBe(2);
    expect(dest.pathSet()).toEqual([a, b]);
    // A better path takes the head and leaves the ECMP set to itself.
    const top = path(agentB, { localPref: 200 });
    expect(table.insert(dest, top, ctx)).toBe(b);
    expect(dest.head).toBe(top);
    expect(dest.usable).toBe(1);
    table.remove(dest, top, ctx);
    expect(dest.pathSet()).toBe(a);
    table.remove(dest, a, ctx);
    table.remove(dest, c, ctx);
    expect(table.find('10.1.1.3/32')).toBeUndefined();
  });

  it('has no usable set when the best path is infeasible', () => {
    const dest = table.locate('10.9.9.9/32');
    table.insert(dest, path(agentA, {}, PathFlag.NoTunnelEncap), ctx);
    expect(dest.usable).toBe(0);
    expect(dest.pathSet()).toBeNull();
  });
});
