import { BirdPeer, GobgpPeer, type GobgpPath } from '@skein/testing';
import { Lab, never, soon, type Vn } from './harness';

// routing.md Part F, "Control node with BGP peers": real config API, control node, agent-sim agents,
// gobgpd (iBGP, inet-vpn + route-target) and BIRD (eBGP AS 65001, inet + inet-vpn + inet6-vpn).
describe('control node with BGP peers (Part F 28-34)', () => {
  let lab: Lab;
  let gobgp: GobgpPeer;
  let bird: BirdPeer;
  let blue: Vn;
  let red: Vn;
  let gobgpUuid: string;
  const BLUE_VN = () => blue.fq.join(':');

  const gobgpRouter = () => ({
    router_type: 'router',
    autonomous_system: 64512,
    identifier: '127.0.0.2',
    address: '127.0.0.2',
    port: gobgp.port,
    address_families: { family: ['inet-vpn', 'route-target'] },
  });
  const gobgpPath = async (key: string, pred: (p: GobgpPath) => boolean = () => true) =>
    (await gobgp.rib('vpnv4')).find((p) => p.key === key && pred(p));

  beforeAll(async () => {
    gobgp = await GobgpPeer.start({
      address: '127.0.0.2',
      as: 64512,
      neighbors: [
        { address: '127.0.0.1', as: 64512, passive: true, families: ['l3vpn-ipv4-unicast', 'rtc'] },
      ],
    });
    lab = await Lab.start({
      router: {
        autonomous_system: 64512,
        // Not a loopback: the identifier is the next hop of our RTC routes, and gobgpd drops loopback next
        // hops (infra.md §6.2 gotcha 2).
        identifier: '198.51.100.254',
        address: '127.0.0.1',
        hold_time: 9,
      },
    });
    blue = await lab.createVn('blue');
    red = await lab.createVn('red');
    gobgpUuid = await lab.createRouter('gobgp', gobgpRouter(), [{ uuid: lab.ownRouterUuid! }]);
    await lab.sync();
    bird = await BirdPeer.start({
      address: '127.0.0.3',
      as: 65001,
      neighbor: { address: '127.0.0.1', port: lab.cn.ports.bgp, as: 64512 },
      channels: ['ipv4', 'vpn4', 'vpn6'],
      staticRoutes: ['10.99.0.0/24'],
      nextHop: '198.51.100.3',
    });
    await lab.createRouter(
      'bird',
      {
        router_type: 'router',
        autonomous_system: 65001,
        identifier: '127.0.0.3',
        address: '127.0.0.3',
        port: bird.port,
        address_families: { family: ['inet', 'inet-vpn', 'inet6-vpn'] },
      },
      [{ uuid: lab.ownRouterUuid! }],
    );
    await lab.sync();
  });

  afterAll(async () => {
    await lab?.close();
    await gobgp?.stop();
    await bird?.stop();
  });

  it('28: sessions reach Established with the configured families', async () => {
    const n = await soon(async () => {
      const v = await lab.introspect('/neighbors/gobgp');
      return v.state === 'Established' ? v : undefined;
    }, 'gobgp Established');
    expect([...n.negotiated_families].sort()).toEqual(['inet-vpn', 'route-target']);
    expect(n).toMatchObject({ type: 'bgp', address: '127.0.0.2', local_asn: 64512, peer_asn: 64512 });
    await soon(async () => (await gobgp.neighborState('127.0.0.1')) === 'established', 'gobgpd sees it');
    const b = await soon(
      async () => {
        const v = await lab.introspect('/neighbors/bird');
        return v.state === 'Established' ? v : undefined;
      },
      'bird Established',
      10_000,
    );
    expect([...b.negotiated_families].sort()).toEqual(['inet', 'inet-vpn', 'inet6-vpn']);
    expect(await bird.state()).toBe('Established');
  });

  it('29/31: an agent route reaches gobgpd as VPNv4 (RD, RTs, label, next hop, LP, MED, origin); RTC limits it', async () => {
    await gobgp.addVrf('blue', '64512:1', [blue.rt]);
    const a = await lab.agent('a29', '192.0.2.11');
    a.subscribe(blue.ri, 3);
    a.addInterface({
      uuid: 'vmi-a29',
      ri: blue.ri,
      address: '10.1.1.3',
      label: 21,
      encapsulations: ['gre'],
      vn: BLUE_VN(),
    });
    a.start();
    const p = await soon(() => gobgpPath('192.0.2.11:3:10.1.1.3/32'), 'route at gobgpd');
    expect(p.labels).toEqual([21]);
    expect(p.nextHop).toBe('192.0.2.11');
    expect(p.routeTargets).toContain(blue.rt.replace('target:', ''));
    expect(p.localPref).toBe(100);
    expect(p.med).toBe(200);
    expect(p.origin).toBe(2);
    // origin-vn (0x80/0x71) and encapsulation (0x03/0x0c) travel as extended communities.
    const kinds = p.extCommunities.map((e: any) => `${e.type}/${e.subtype}`);
    expect(kinds).toEqual(expect.arrayContaining(['128/113', '3/12']));

    // 47: explain says ADVERTISED for it.
    const ex = await lab.introspect(
      `/explain?peer=gobgp&table=${encodeURIComponent(`${blue.ri}.inet.0`)}&prefix=${encodeURIComponent('10.1.1.3/32')}`,
    );
    expect(ex).toMatchObject({ advertised: true, reason: 'ADVERTISED' });

    // 31: gobgpd interested in red only → blue's route is withdrawn from it, red's arrives.
    const r = await lab.agent('r31', '192.0.2.12');
    r.addInterface({ uuid: 'vmi-r31', ri: red.ri, address: '10.2.2.31', label: 22, vn: red.fq.join(':') });
    r.start();
    await r.waitForEndOfRib();
    await gobgp.delVrf('blue');
    await gobgp.addVrf('red', '64512:2', [red.rt]);
    await soon(
      async () => (await gobgpPath('192.0.2.11:3:10.1.1.3/32')) === undefined,
      'blue route gone from gobgpd',
    );
    await soon(() => gobgpPath(`192.0.2.12:1:10.2.2.31/32`), 'red route at gobgpd');
    const ex2 = await lab.introspect(
      `/explain?peer=gobgp&table=bgp.l3vpn.0&prefix=${encodeURIComponent('192.0.2.11:3:10.1.1.3/32')}`,
    );
    expect(ex2.reason).toBe('RTC_NO_INTEREST');
    // The control node originates membership for blue (an agent subscribes to it).
    const rtc = (await gobgp.rib('rtc')).map((x) => x.key);
    expect(rtc).toContain(`64512:${blue.rt.replace('target:', '')}`);
    await gobgp.addVrf('blue', '64512:1', [blue.rt]);
    await soon(() => gobgpPath('192.0.2.11:3:10.1.1.3/32'), 'blue route back at gobgpd');
  });

  it('30: a route gobgpd injects with blue’s RT reaches blue agents only; its withdrawal follows', async () => {
    const b = await lab.agent('b30', '192.0.2.21');
    const r = await lab.agent('r30', '192.0.2.22');
    b.subscribe(blue.ri, 1);
    r.subscribe(red.ri, 1);
    b.start();
    r.start();
    await Promise.all([b.waitForEndOfRib(), r.waitForEndOfRib()]);
    await gobgp.addVpnv4({
      prefix: '10.9.9.0/24',
      rd: '64512:99',
      rts: [blue.rt.replace('target:', '')],
      label: 100,
      nextHop: '192.0.2.50',
    });
    const e = await b.waitForRoute(blue.ri, '10.9.9.0/24');
    expect(e.nextHops[0]).toMatchObject({ address: '192.0.2.50', label: 100, encapsulation: 'gre' });
    expect(await never(() => r.route(red.ri, '10.9.9.0/24'))).toBe(true);
    await gobgp.delVpnv4({ prefix: '10.9.9.0/24', rd: '64512:99', label: 100 });
    await b.waitForWithdraw(blue.ri, '10.9.9.0/24');
  });

  it('16/17: two agents with one prefix → two VPN paths at gobgpd; LP 200 vs 100 → only the better one, MED 100', async () => {
    const a = await lab.agent('a17', '192.0.2.31');
    const b = await lab.agent('b17', '192.0.2.32');
    a.addInterface({ uuid: 'vmi-a17', ri: blue.ri, address: '10.1.1.17', label: 61, vn: BLUE_VN() });
    b.addInterface({ uuid: 'vmi-b17', ri: blue.ri, address: '10.1.1.17', label: 62, vn: BLUE_VN() });
    a.start();
    b.start();
    await soon(() => gobgpPath('192.0.2.31:1:10.1.1.17/32'), 'a path');
    await soon(() => gobgpPath('192.0.2.32:1:10.1.1.17/32'), 'b path');

    a.addInterface({
      uuid: 'vmi-a17',
      ri: blue.ri,
      address: '10.1.1.17',
      label: 61,
      vn: BLUE_VN(),
      localPreference: 200,
    });
    await soon(
      () => gobgpPath('192.0.2.31:1:10.1.1.17/32', (p) => p.med === 100 && p.localPref === 200),
      'A with MED 100',
    );
    await soon(async () => (await gobgpPath('192.0.2.32:1:10.1.1.17/32')) === undefined, 'B withdrawn');
    const ex = await lab.introspect(
      `/explain?peer=gobgp&table=${encodeURIComponent(`${blue.ri}.inet.0`)}&prefix=${encodeURIComponent('10.1.1.17/32')}&path=b17`,
    );
    expect(ex.reason).toBe('NOT_BEST');

    a.removeInterface('vmi-a17');
    await soon(() => gobgpPath('192.0.2.32:1:10.1.1.17/32', (p) => p.med === 200), 'B back with MED 200');
    b.removeInterface('vmi-b17');
    await soon(
      async () => (await gobgpPath('192.0.2.32:1:10.1.1.17/32')) === undefined,
      'B withdrawn from gobgpd',
    );
  });

  it('32: BIRD (eBGP) sees the VPN routes with AS_PATH 64512, no LOCAL_PREF, next hop unchanged; its inet routes land in inet.0', async () => {
    const a = await lab.agent('a32', '192.0.2.41');
    a.addInterface({ uuid: 'vmi-a32', ri: blue.ri, address: '10.1.1.32', label: 71, vn: BLUE_VN() });
    a.start();
    const out = await soon(async () => {
      const t = await bird.routes('vpntab4');
      return t.includes('10.1.1.32/32') ? t : undefined;
    }, 'route in BIRD vpntab4');
    const block = out.slice(out.indexOf('192.0.2.41:1 10.1.1.32/32'));
    expect(block).toMatch(/BGP.as_path: 64512\n/);
    // BIRD fills in its own LOCAL_PREF for eBGP routes, so its absence on the wire shows in the Rib specs only.
    expect(block).toMatch(/BGP.next_hop: 192.0.2.41/);
    const inet = await soon(async () => {
      const v = await lab.introspect('/routes?table=inet.0&prefix=10.99.0.0/24');
      return v.routes.length > 0 ? v.routes[0] : undefined;
    }, 'BIRD route in inet.0');
    expect(inet.paths[0]).toMatchObject({
      peer: 'bird',
      source: 'bgp',
      next_hop: '198.51.100.3',
      as_path: '65001',
    });
  });

  it('34: ROUTE-REFRESH (birdc reload in) makes the control node re-send its routes; gobgp soft reset-in keeps them', async () => {
    // gobgpd re-runs its own Adj-RIB-In on soft reset-in; only BIRD asks us with a ROUTE-REFRESH.
    await gobgp.softResetIn('127.0.0.1');
    await soon(() => gobgpPath('192.0.2.41:1:10.1.1.32/32'), 'routes still at gobgpd');
    const bBefore = (await lab.introspect('/neighbors/bird')).counters.route_refresh;
    await bird.reloadIn();
    await soon(
      async () => (await lab.introspect('/neighbors/bird')).counters.route_refresh > bBefore,
      'bird refresh counted',
    );
    await soon(
      async () => (await bird.routes('vpntab4')).includes('10.1.1.32/32') || undefined,
      'routes still in BIRD',
    );
  });

  it('a BGP peer flap leaves the XMPP agents alone', async () => {
    const a = await lab.agent('a-flap', '192.0.2.51');
    const b = await lab.agent('b-flap', '192.0.2.52');
    a.addInterface({ uuid: 'vmi-flap', ri: blue.ri, address: '10.1.1.51', label: 81, vn: BLUE_VN() });
    b.subscribe(blue.ri, 1);
    a.start();
    b.start();
    await b.waitForRoute(blue.ri, '10.1.1.51/32');
    const flapsBefore = (await lab.introspect('/neighbors/b-flap')).flaps;
    // admin_down on gobgpd's router: Cease 6/2, session idle.
    await lab.update('bgp-router', gobgpUuid, {
      bgp_router_parameters: { ...gobgpRouter(), admin_down: true },
    });
    await soon(async () => (await lab.introspect('/neighbors/gobgp')).state === 'Idle', 'gobgp idle');
    const n = await lab.introspect('/neighbors/gobgp');
    expect(n.last_notification_out).toMatch(/^6\/2/);
    expect(b.route(blue.ri, '10.1.1.51/32')).toBeDefined();
    expect(b.state).toBe('established');
    expect((await lab.introspect('/neighbors/b-flap')).flaps).toBe(flapsBefore);
    await lab.update('bgp-router', gobgpUuid, {
      bgp_router_parameters: { ...gobgpRouter(), admin_down: false },
    });
    await soon(
      async () => (await lab.introspect('/neighbors/gobgp')).state === 'Established',
      'gobgp back',
      15_000,
    );
    await soon(() => gobgpPath('192.0.2.51:1:10.1.1.51/32'), 'routes re-sent after the flap');
  });
});
