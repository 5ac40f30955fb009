import { itemIdOf, type RouteEntry, type RouteUpdate } from '@skein/xmpp';
import type { RibChanges } from './changes';
import type { Rib } from './rib';
import { addAgent, agentUpdates, entry, newRib } from './rib.spec-helper';
import type { ServiceChainDef } from './service-chain';
import { describePath } from './views';

// What schema derives for `L <> R` with apply_service [si1] (routing.md A6): a left service RI under L,
// connected to L's primary RI, whose chain info names R's primary RI, R's subnet and the SI's left IP.
const L = 'default-domain:p1:left:left';
const R = 'default-domain:p1:right:right';
const SVC = 'default-domain:p1:left:service-c1-default-domain_p1_si1';
const L_RT = 'target:64512:8000001';
const R_RT = 'target:64512:8000002';
const SVC_RT = 'target:64512:8000003';
const CHAIN: ServiceChainDef = {
  family: 'inet',
  routingInstance: R,
  prefixes: ['10.2.1.0/24'],
  serviceChainAddress: '10.1.1.250',
  serviceInstance: 'default-domain:p1:si1',
  sourceRoutingInstance: L,
};

function primaries(rib: Rib): void {
  rib.upsertRoutingInstance({
    name: L,
    vn: 'default-domain:p1:left',
    vnIndex: 5,
    importTargets: [L_RT],
    exportTargets: [L_RT],
  });
  rib.upsertRoutingInstance({
    name: R,
    vn: 'default-domain:p1:right',
    vnIndex: 6,
    importTargets: [R_RT],
    exportTargets: [R_RT],
  });
}

function service(rib: Rib, chains: ServiceChainDef[] = [CHAIN]): void {
  rib.upsertRoutingInstance({
    name: SVC,
    vn: 'default-domain:p1:left',
    vnIndex: 5,
    importTargets: [SVC_RT],
    exportTargets: [SVC_RT],
    connections: [L],
    serviceChains: chains,
  });
}

const added = (c: RibChanges, agent: string, prefix: string): RouteEntry | undefined => {
  const u = agentUpdates(c, agent).filter((x): x is Extract<RouteUpdate, { op: 'add' }> => x.op === 'add');
  return u.find((x) => itemIdOf(x.entry.nlri) === prefix)?.entry;
};
const hops = (e: RouteEntry | undefined) => e?.nextHops.map((h) => `${h.address}/${h.label}`).sort();

describe('service chains (routing.md A6, check 22)', () => {
  it('copy the right VN routes into the service RI with the SI next hop; ECMP over SI instances; withdrawals', () => {
    const rib = newRib();
    primaries(rib);
    service(rib);
    addAgent(rib, 'l', '192.0.2.71', L, 1);
    addAgent(rib, 'r', '192.0.2.61', R, 1);
    addAgent(rib, 'si1', '192.0.2.51', L, 7);
    rib.agentPublish('r', R, entry('10.2.1.3/32', '192.0.2.61', 31, { vn: 'default-domain:p1:right' }));
    rib.takeChanges();
    expect(rib.serviceChains.views()[0]).toMatchObject({
      name: `${SVC}.inet.0`,
      state: 'down',
      reason: `service chain address 10.1.1.250 not resolved in ${L}.inet.0`,
      routes: [],
    });

    rib.agentPublish(
      'si1',
      L,
      entry('10.1.1.250/32', '192.0.2.51', 77, { encaps: ['udp'], vn: 'default-domain:p1:left' }),
    );
    let c = rib.takeChanges();
    const host = added(c, 'l', '10.2.1.3/32');
    expect(host?.nextHops).toEqual([
      expect.objectContaining({ address: '192.0.2.51', label: 77, tunnelEncapsulations: ['udp'] }),
    ]);
    expect(host?.virtualNetwork).toBe('default-domain:p1:right');
    expect(hops(added(c, 'l', '10.2.1.0/24'))).toEqual(['192.0.2.51/77']);
    // The SI's own vRouter needs them too, for the left VN's VMs it hosts.
    expect(hops(added(c, 'si1', '10.2.1.3/32'))).toEqual(['192.0.2.51/77']);
    // B3: the copies keep the connected path's RD; exported to VPN under it.
    const sc = rib.table(`${SVC}.inet.0`)!.find('10.2.1.3/32')!.head!;
    expect(describePath(sc)).toMatchObject({ source: 'service-chain', rd: '192.0.2.51:7' });
    expect(rib.vpnTableOf('inet').find('192.0.2.51:7:10.2.1.3/32')).toBeDefined();
    // Routes outside the chain's prefixes stay behind; the right VN learns nothing from the chain.
    rib.agentPublish('r', R, entry('10.3.0.1/32', '192.0.2.61', 32));
    c = rib.takeChanges();
    expect(added(c, 'l', '10.3.0.1/32')).toBeUndefined();
    expect(rib.table(`${R}.inet.0`)!.find('10.1.1.250/32')).toBeUndefined();
    expect(rib.serviceChains.views()[0]).toMatchObject({
      state: 'up',
      reason: null,
      routes: ['10.2.1.0/24', '10.2.1.3/32'],
    });

    // A second SI instance with the same address: two next hops.
    addAgent(rib, 'si2', '192.0.2.52', L, 8);
    rib.agentPublish('si2', L, entry('10.1.1.250/32', '192.0.2.52', 78, { vn: 'default-domain:p1:left' }));
    c = rib.takeChanges();
    expect(hops(added(c, 'l', '10.2.1.3/32'))).toEqual(['192.0.2.51/77', '192.0.2.52/78']);
    expect(hops(added(c, 'l', '10.2.1.0/24'))).toEqual(['192.0.2.51/77', '192.0.2.52/78']);

    // The destination route goes: so do its copy and (last contributor) the aggregate.
    rib.agentRetract('r', R, { family: 'inet', prefix: '10.2.1.3/32' });
    c = rib.takeChanges();
    expect(agentUpdates(c, 'l')).toEqual(
      expect.arrayContaining([
        { op: 'retract', nlri: { family: 'inet', prefix: '10.2.1.3/32' } },
        { op: 'retract', nlri: { family: 'inet', prefix: '10.2.1.0/24' } },
      ]),
    );
    rib.agentPublish('r', R, entry('10.2.1.4/32', '192.0.2.61', 33));
    c = rib.takeChanges();
    expect(hops(added(c, 'l', '10.2.1.4/32'))).toEqual(['192.0.2.51/77', '192.0.2.52/78']);

    // The connected route goes: everything the chain made goes, on both instances' withdrawal.
    rib.agentRetract('si1', L, { family: 'inet', prefix: '10.1.1.250/32' });
    c = rib.takeChanges();
    expect(hops(added(c, 'l', '10.2.1.4/32'))).toEqual(['192.0.2.52/78']);
    rib.agentRetract('si2', L, { family: 'inet', prefix: '10.1.1.250/32' });
    c = rib.takeChanges();
    expect(agentUpdates(c, 'l')).toContainEqual({
      op: 'retract',
      nlri: { family: 'inet', prefix: '10.2.1.4/32' },
    });
    expect(rib.table(`${SVC}.inet.0`)!.find('10.2.1.4/32')).toBeUndefined();
    expect(rib.serviceChains.views()[0]!.state).toBe('down');
  });

  it('wait for their RIs in any order and go with them', () => {
    const rib = newRib();
    service(rib);
    expect(rib.serviceChains.views()[0]!.reason).toBe(`destination routing instance ${R} not found`);
    primaries(rib);
    addAgent(rib, 'r', '192.0.2.61', R, 1);
    addAgent(rib, 'si1', '192.0.2.51', L, 7);
    rib.agentPublish('r', R, entry('10.2.1.3/32', '192.0.2.61', 31));
    rib.agentPublish('si1', L, entry('10.1.1.250/32', '192.0.2.51', 77));
    expect(rib.table(`${L}.inet.0`)!.find('10.2.1.3/32')?.head?.peer.kind).toBe('service-chain');

    rib.deleteRoutingInstance(R);
    expect(rib.table(`${SVC}.inet.0`)!.find('10.2.1.3/32')).toBeUndefined();
    expect(rib.table(`${L}.inet.0`)!.find('10.2.1.3/32')).toBeUndefined();
    expect(rib.serviceChains.views()[0]!.state).toBe('down');

    // Chain info removed from the service RI: the chain and its state go.
    service(rib, []);
    expect(rib.serviceChains.views()).toEqual([]);
    rib.deleteRoutingInstance(SVC);
    expect(rib.table(`${SVC}.inet.0`)).toBeUndefined();
  });
});

describe('IPv6 service chains (ipv6_service_chain_information)', () => {
  it('copy inet6 routes of the destination via the SI IPv6 host route', () => {
    const rib = newRib();
    primaries(rib);
    service(rib, [
      { ...CHAIN, family: 'inet6', prefixes: ['fd00:2::/64'], serviceChainAddress: 'fd00:1::fa' },
    ]);
    addAgent(rib, 'l', '192.0.2.71', L, 1);
    addAgent(rib, 'r', '192.0.2.61', R, 1);
    addAgent(rib, 'si1', '192.0.2.51', L, 7);
    rib.agentPublish('r', R, entry('fd00:2::3/128', '192.0.2.61', 31));
    rib.agentPublish('si1', L, entry('fd00:1::fa/128', '192.0.2.51', 77));
    const c = rib.takeChanges();
    expect(hops(added(c, 'l', 'fd00:2::3/128'))).toEqual(['192.0.2.51/77']);
    expect(hops(added(c, 'l', 'fd00:2::/64'))).toEqual(['192.0.2.51/77']);
    expect(rib.serviceChains.views()[0]).toMatchObject({ name: `${SVC}.inet6.0`, state: 'up' });
  });
});
