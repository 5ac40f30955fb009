import { Lab, never, soon, type Vn } from './harness';

// routing.md Part F, "Control node with agents": real config API, control node, agent-sim agents.
describe('control node with agents (Part F 15-21)', () => {
  let lab: Lab;
  let blue: Vn;
  let red: Vn;

  beforeAll(async () => {
    lab = await Lab.start();
    blue = await lab.createVn('blue');
    red = await lab.createVn('red');
    await lab.sync();
  });
  afterAll(async () => lab?.close());

  it('15/18/20: a published route reaches another subscribed agent with B7 attributes; dissociate retracts it', async () => {
    const a = await lab.agent('a15', '192.0.2.11');
    const b = await lab.agent('b15', '192.0.2.12');
    a.subscribe(blue.ri, 3);
    b.subscribe(blue.ri, 4);
    a.addInterface({
      uuid: 'vmi-a15',
      ri: blue.ri,
      address: '10.1.1.3',
      label: 21,
      encapsulations: ['gre'],
      vn: blue.fq.join(':'),
    });
    a.start();
    b.start();
    const e = await b.waitForRoute(blue.ri, '10.1.1.3/32', (x) => x.nextHops.length === 1);
    expect(e.nextHops[0]).toMatchObject({
      address: '192.0.2.11',
      label: 21,
      encapsulation: 'gre',
      vn: blue.fq.join(':'),
    });
    expect(e.learned).toMatchObject({ localPreference: 100, med: 200, virtualNetwork: blue.fq.join(':') });
    await b.waitForEndOfRib();

    // 20: a later subscriber gets the existing routes, then the end-of-RIB marker.
    const c = await lab.agent('c15', '192.0.2.13');
    const order: string[] = [];
    c.on('route', (r) => order.push(`route ${r.key}`));
    c.on('end-of-rib', () => order.push('eor'));
    c.subscribe(blue.ri, 5);
    c.start();
    await c.waitForEndOfRib();
    expect(order).toEqual(['route 10.1.1.3/32', 'eor']);

    // 18: dissociate → retract at the others soon.
    a.removeInterface('vmi-a15');
    await b.waitForWithdraw(blue.ri, '10.1.1.3/32');
    await c.waitForWithdraw(blue.ri, '10.1.1.3/32');
    await Promise.all([a.stop(), b.stop(), c.stop()]);
  });

  it('16/21: the same prefix from two agents is one item with two next hops; unsubscribe removes a path', async () => {
    const a = await lab.agent('a16', '192.0.2.21');
    const b = await lab.agent('b16', '192.0.2.22');
    const c = await lab.agent('c16', '192.0.2.23');
    for (const [x, label] of [
      [a, 31],
      [b, 32],
    ] as const) {
      x.addInterface({
        uuid: `vmi-${x.name}`,
        ri: blue.ri,
        address: '10.1.1.16',
        label,
        vn: blue.fq.join(':'),
      });
      x.start();
    }
    c.subscribe(blue.ri, 9);
    c.start();
    const e = await c.waitForRoute(blue.ri, '10.1.1.16/32', (x) => x.nextHops.length === 2);
    expect(e.nextHops.map((h) => [h.address, h.label]).sort()).toEqual([
      ['192.0.2.21', 31],
      ['192.0.2.22', 32],
    ]);
    // Two agents, two VPN routes (RD <next hop>:<instance-id>).
    const vpn = await lab.introspect(
      `/routes?table=bgp.l3vpn.0&prefix=${encodeURIComponent('192.0.2.21:1:10.1.1.16/32')}`,
    );
    expect(vpn.routes).toHaveLength(1);

    a.unsubscribe(blue.ri);
    await c.waitForRoute(
      blue.ri,
      '10.1.1.16/32',
      (x) => x.nextHops.length === 1 && x.nextHops[0]!.address === '192.0.2.22',
    );
    await Promise.all([a.stop(), b.stop(), c.stop()]);
  });

  it('19: unconnected RIs exchange nothing; connected ones do (origin VN kept); disconnecting retracts', async () => {
    const b = await lab.agent('b19', '192.0.2.31');
    const r = await lab.agent('r19', '192.0.2.32');
    b.addInterface({ uuid: 'vmi-b19', ri: blue.ri, address: '10.1.1.19', label: 41, vn: blue.fq.join(':') });
    r.addInterface({ uuid: 'vmi-r19', ri: red.ri, address: '10.2.2.19', label: 42, vn: red.fq.join(':') });
    b.start();
    r.start();
    await r.waitForEndOfRib();
    await b.waitForEndOfRib();
    expect(await never(() => r.route(red.ri, '10.1.1.19/32') || b.route(blue.ri, '10.2.2.19/32'))).toBe(true);

    // What schema does for a policy on both VNs (routing.md A4): RI ↔ RI refs.
    await lab.refUpdate('ADD', 'routing-instance', red.riUuid, 'routing-instance', blue.riUuid, {});
    const e = await r.waitForRoute(red.ri, '10.1.1.19/32');
    expect(e.nextHops[0]).toMatchObject({ address: '192.0.2.31', label: 41, vn: blue.fq.join(':') });
    await b.waitForRoute(blue.ri, '10.2.2.19/32', (x) => x.nextHops[0]!.vn === red.fq.join(':'));

    await lab.refUpdate('DELETE', 'routing-instance', red.riUuid, 'routing-instance', blue.riUuid);
    await r.waitForWithdraw(red.ri, '10.1.1.19/32');
    await b.waitForWithdraw(blue.ri, '10.2.2.19/32');
    await Promise.all([b.stop(), r.stop()]);
  });

  it('routes changes go to control.routes keyed by RI, sessions up/down too', async () => {
    const a = await lab.agent('a-ev', '192.0.2.41');
    a.addInterface({ uuid: 'vmi-ev', ri: red.ri, address: '10.2.2.41', label: 51, vn: red.fq.join(':') });
    a.start();
    await soon(
      () =>
        lab.routes.records.find((r) => r.value['kind'] === 'route' && r.value['prefix'] === '10.2.2.41/32'),
      'route add record',
    );
    const add = lab.routes.records.find((r) => r.value['prefix'] === '10.2.2.41/32')!;
    expect(add.key).toBe(red.ri);
    expect(add.value).toMatchObject({ op: 'add', table: `${red.ri}.inet.0`, peer: 'a-ev', source: 'xmpp' });
    expect(
      lab.routes.records.some(
        (r) => r.value['kind'] === 'session' && r.value['name'] === 'a-ev' && r.value['state'] === 'up',
      ),
    ).toBe(true);
    await a.stop();
    await soon(
      () =>
        lab.routes.records.find(
          (r) => r.value['kind'] === 'session' && r.value['name'] === 'a-ev' && r.value['state'] === 'down',
        ),
      'session down record',
    );
  });
});
