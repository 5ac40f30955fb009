import { Lab, soon, type Vn } from './harness';

// routing.md Part F 22 and 23 through the real config API, control node and agent-sim agents.
//
// services/schema does not exist yet, so the test writes what it will derive (A6, A7) itself, as an
// admin/controller may: `static_route_entries` on a VN's primary RI (from a route table), and a left service
// RI `<L fq>:service-<chain uuid>-<si fq with _>` with `service_chain_information` and a
// routing_instance_refs connection to L's primary RI. The control node cannot tell the difference.
describe('static routes and service chains (Part F 22, 23)', () => {
  let lab: Lab;
  let left: Vn;
  let right: Vn;

  beforeAll(async () => {
    lab = await Lab.start();
    left = await lab.createVn('left');
    right = await lab.createVn('right');
    await lab.sync();
  });
  afterAll(async () => lab?.close());

  const vmi = (uuid: string, ri: string, address: string, label: number, vn: Vn) => ({
    uuid,
    ri,
    address,
    label,
    encapsulations: ['gre'],
    vn: vn.fq.join(':'),
  });
  const hops = (e: { nextHops: { address: string; label: number }[] }) =>
    e.nextHops.map((h) => `${h.address}/${h.label}`).sort();

  it('23: a static route appears with its next hop published, follows it, and goes with it', async () => {
    await lab.update('routing-instance', left.riUuid, {
      static_route_entries: {
        route: [{ prefix: '10.9.0.0/16', next_hop: '10.1.1.5', route_target: [], community: ['64512:10'] }],
      },
    });
    await lab.sync();
    const [st] = (await lab.introspect('/static-routes')).static_routes;
    expect(st).toMatchObject({ routing_instance: left.ri, prefix: '10.9.0.0/16', state: 'down' });
    expect(st.reason).toMatch(/not resolved/);

    const a = await lab.agent('a23', '192.0.2.81');
    const b = await lab.agent('b23', '192.0.2.82');
    b.subscribe(left.ri, 2);
    b.start();
    a.addInterface(vmi('vmi-a23', left.ri, '10.1.1.5', 23, left));
    a.start();
    const e = await b.waitForRoute(left.ri, '10.9.0.0/16');
    expect(e.nextHops[0]).toMatchObject({ address: '192.0.2.81', label: 23, encapsulation: 'gre' });
    expect(e.learned?.communityTags).toEqual(['64512:10']);
    const ri = await lab.introspect(`/routing-instances/${encodeURIComponent(left.ri)}`);
    const r = await lab.introspect(
      `/routes?table=${encodeURIComponent(`${left.ri}.inet.0`)}&prefix=10.9.0.0/16&source=static`,
    );
    expect(r.routes[0].paths[0]).toMatchObject({
      source: 'static',
      rd: `${lab.cn.node.routerId}:${ri.index}`,
    });
    expect(ri.static_routes[0]).toMatchObject({
      state: 'up',
      next_hops: [{ next_hop: '192.0.2.81', label: 23 }],
    });

    a.removeInterface('vmi-a23');
    await b.waitForWithdraw(left.ri, '10.9.0.0/16');
    await soon(
      async () => (await lab.introspect('/static-routes')).static_routes[0].state === 'down',
      'static route down',
    );
    await Promise.all([a.stop(), b.stop()]);
  });

  it('22: agents in L get R’s host routes via the SI (next hop, label, RD kept); two SI instances → ECMP', async () => {
    const si = 'default-domain:default-project:si1';
    const svcFq = [...left.fq, `service-c0ffee00-0000-4000-8000-000000000022-${si.replace(/:/g, '_')}`];
    await lab.create('routing-instance', {
      fq_name: svcFq,
      parent_type: 'virtual-network',
      routing_instance_refs: [{ uuid: left.riUuid, attr: {} }],
      service_chain_information: {
        routing_instance: right.ri,
        prefix: ['10.2.1.0/24'],
        service_chain_address: '10.1.1.250',
        service_instance: si,
        source_routing_instance: left.ri,
        service_chain_id: 'c0ffee00-0000-4000-8000-000000000022',
        sc_head: true,
      },
    });
    const r = await lab.agent('r22', '192.0.2.91');
    const l = await lab.agent('l22', '192.0.2.92');
    const si1 = await lab.agent('si1-22', '192.0.2.93');
    const si2 = await lab.agent('si2-22', '192.0.2.94');
    r.addInterface(vmi('vmi-r22', right.ri, '10.2.1.3', 61, right));
    l.subscribe(left.ri, 1);
    si1.addInterface(vmi('vmi-si1', left.ri, '10.1.1.250', 71, left));
    for (const x of [r, l, si1]) x.start();

    const one = await l.waitForRoute(left.ri, '10.2.1.3/32');
    expect(one.nextHops).toEqual([
      expect.objectContaining({ address: '192.0.2.93', label: 71, vn: right.fq.join(':') }),
    ]);
    await l.waitForRoute(left.ri, '10.2.1.0/24');
    const [chain] = (await lab.introspect('/service-chains')).service_chains;
    expect(chain).toMatchObject({
      routing_instance: svcFq.join(':'),
      destination_routing_instance: right.ri,
      service_instance: si,
      state: 'up',
      routes: ['10.2.1.0/24', '10.2.1.3/32'],
    });
    // B3: the copy keeps the RD of the SI's path (its vRouter address and instance-id).
    const svcRoutes = await lab.introspect(
      `/routes?table=${encodeURIComponent(`${svcFq.join(':')}.inet.0`)}&prefix=10.2.1.3/32`,
    );
    expect(svcRoutes.routes[0].paths[0]).toMatchObject({
      source: 'service-chain',
      rd: chain.connected[0].rd,
    });
    expect(chain.connected[0].rd).toMatch(/^192\.0\.2\.93:/);

    si2.addInterface(vmi('vmi-si2', left.ri, '10.1.1.250', 72, left));
    si2.start();
    const ecmp = await l.waitForRoute(left.ri, '10.2.1.3/32', (x) => x.nextHops.length === 2);
    expect(hops(ecmp)).toEqual(['192.0.2.93/71', '192.0.2.94/72']);

    r.removeInterface('vmi-r22');
    await l.waitForWithdraw(left.ri, '10.2.1.3/32');
    await l.waitForWithdraw(left.ri, '10.2.1.0/24');
    await Promise.all([r.stop(), l.stop(), si1.stop(), si2.stop()]);
  });
});
