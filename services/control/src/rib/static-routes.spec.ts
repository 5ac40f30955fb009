import { itemIdOf, type RouteEntry } from '@skein/xmpp';
import type { Rib } from './rib';
import {
  BLUE,
  BLUE_DEF,
  BLUE_RT,
  RED,
  addAgent,
  agentUpdates,
  blueRed,
  entry,
  newRib,
} from './rib.spec-helper';
import { describePath } from './views';

const hops = (e: RouteEntry) => e.nextHops.map((h) => `${h.address}/${h.label}`).sort();
const EXTRA_RT = 'target:64512:77';

function withStatic(
  rib: Rib,
  routes: { prefix: string; nextHop: string; routeTargets?: string[]; communities?: string[] }[],
) {
  rib.upsertRoutingInstance({ ...BLUE_DEF, staticRoutes: routes });
}

describe('static routes (routing.md A7, check 23)', () => {
  it('follow the next hop host route: its ECMP paths, originated RD, extra RTs and communities', () => {
    const rib = newRib();
    blueRed(rib);
    withStatic(rib, [
      { prefix: '10.9.0.0/16', nextHop: '10.1.1.5', routeTargets: [EXTRA_RT], communities: ['64512:10'] },
    ]);
    // RED imports the entry's extra target only: the route reaches it, the next hop's host route does not.
    rib.upsertRoutingInstance({
      name: RED,
      vn: 'default-domain:p1:red',
      vnIndex: 6,
      importTargets: [EXTRA_RT],
    });
    addAgent(rib, 'c', '192.0.2.13', BLUE, 5);
    rib.takeChanges();
    expect(rib.staticRoutes.views()[0]).toMatchObject({
      state: 'down',
      reason: `next hop 10.1.1.5 not resolved in ${BLUE}.inet.0`,
    });

    addAgent(rib, 'a', '192.0.2.11', BLUE, 3);
    rib.agentPublish('a', BLUE, entry('10.1.1.5/32', '192.0.2.11', 21, { encaps: ['udp'] }));
    let c = rib.takeChanges();
    const toC = agentUpdates(c, 'c').find((u) => u.op === 'add' && itemIdOf(u.entry.nlri) === '10.9.0.0/16');
    expect(toC?.op === 'add' && toC.entry.nextHops[0]).toMatchObject({
      address: '192.0.2.11',
      label: 21,
      tunnelEncapsulations: ['udp'],
    });
    const dest = rib.table(`${BLUE}.inet.0`)!.find('10.9.0.0/16')!;
    const view = describePath(dest.head!);
    expect(view).toMatchObject({
      source: 'static',
      rd: `10.0.0.1:${rib.instance(BLUE)!.index}`,
      next_hop: '192.0.2.11',
    });
    expect(view.communities).toEqual(['64512:10']);
    const vpn = rib.vpnTableOf('inet').find(`10.0.0.1:${rib.instance(BLUE)!.index}:10.9.0.0/16`)!;
    expect(describePath(vpn.head!).ext_communities).toEqual(expect.arrayContaining([EXTRA_RT, BLUE_RT]));
    expect(rib.table(`${RED}.inet.0`)!.find('10.9.0.0/16')).toBeDefined();
    expect(rib.table(`${RED}.inet.0`)!.find('10.1.1.5/32')).toBeUndefined();
    expect(rib.staticRoutes.views()[0]).toMatchObject({
      state: 'up',
      reason: null,
      next_hops: [{ next_hop: '192.0.2.11', label: 21 }],
    });

    // A second agent with the same host route: two next hops for the static route too.
    addAgent(rib, 'b', '192.0.2.12', BLUE, 4);
    rib.agentPublish('b', BLUE, entry('10.1.1.5/32', '192.0.2.12', 22));
    c = rib.takeChanges();
    const two = agentUpdates(c, 'c').find((u) => u.op === 'add' && itemIdOf(u.entry.nlri) === '10.9.0.0/16');
    expect(two?.op === 'add' && hops(two.entry)).toEqual(['192.0.2.11/21', '192.0.2.12/22']);

    rib.agentRetract('a', BLUE, { family: 'inet', prefix: '10.1.1.5/32' });
    rib.agentRetract('b', BLUE, { family: 'inet', prefix: '10.1.1.5/32' });
    c = rib.takeChanges();
    expect(agentUpdates(c, 'c')).toContainEqual({
      op: 'retract',
      nlri: { family: 'inet', prefix: '10.9.0.0/16' },
    });
    expect(rib.table(`${BLUE}.inet.0`)!.find('10.9.0.0/16')).toBeUndefined();
    expect(rib.table(`${RED}.inet.0`)!.find('10.9.0.0/16')).toBeUndefined();
    expect(rib.staticRoutes.views()[0]!.state).toBe('down');
  });

  it('are replaced on reconfiguration, removed with their RI, and invalid entries say why', () => {
    const rib = newRib();
    blueRed(rib);
    addAgent(rib, 'a', '192.0.2.11', BLUE, 3);
    rib.agentPublish('a', BLUE, entry('10.1.1.5/32', '192.0.2.11', 21));
    withStatic(rib, [{ prefix: '10.9.0.0/16', nextHop: '10.1.1.5' }]);
    expect(rib.table(`${BLUE}.inet.0`)!.find('10.9.0.0/16')).toBeDefined();

    withStatic(rib, [
      { prefix: '10.8.0.0/16', nextHop: '10.1.1.5' },
      { prefix: '10.7.0.0/33', nextHop: '10.1.1.5' },
      { prefix: '10.6.0.0/16', nextHop: 'si-left' },
    ]);
    const t = rib.table(`${BLUE}.inet.0`)!;
    expect(t.find('10.9.0.0/16')).toBeUndefined();
    expect(t.find('10.8.0.0/16')).toBeDefined();
    expect(rib.staticRoutes.views().map((v) => [v.prefix, v.state, v.reason])).toEqual([
      ['10.6.0.0/16', 'down', 'next hop si-left is not an IP address'],
      ['10.7.0.0/33', 'down', 'invalid prefix 10.7.0.0/33'],
      ['10.8.0.0/16', 'up', null],
    ]);

    rib.deleteRoutingInstance(BLUE);
    expect(rib.staticRoutes.views()).toEqual([]);
    expect(rib.vpnTableOf('inet').find(`10.0.0.1:1:10.8.0.0/16`)).toBeUndefined();
  });
});
