import { Lab, soon, type Vn } from './harness';

// routing.md Part F 26: graceful-restart helper for agents (restart 5 s in tests).
describe('XMPP graceful restart helper (Part F 26)', () => {
  let lab: Lab;
  let blue: Vn;

  beforeAll(async () => {
    lab = await Lab.start({
      global: {
        graceful_restart_parameters: {
          enable: true,
          xmpp_helper_enable: true,
          restart_time: 5,
          end_of_rib_timeout: 5,
        },
      },
    });
    blue = await lab.createVn('blue');
    await lab.sync();
  });
  afterAll(async () => lab?.close());

  it('a dropped agent’s paths stay (stale, advertised); back with half of them + EoR → the other half goes; gone for good → all go after restart_time', async () => {
    const b = await lab.agent('b26', '192.0.2.62');
    b.subscribe(blue.ri, 1);
    b.start();
    const a = await lab.agent('a26', '192.0.2.61', {
      reconnect: { initialMs: 300, maxMs: 300, jitter: false },
    });
    a.addInterface({ uuid: 'keep', ri: blue.ri, address: '10.1.1.61', label: 61, vn: blue.fq.join(':') });
    a.addInterface({ uuid: 'drop', ri: blue.ri, address: '10.1.1.62', label: 62, vn: blue.fq.join(':') });
    a.start();
    await b.waitForRoute(blue.ri, '10.1.1.61/32');
    await b.waitForRoute(blue.ri, '10.1.1.62/32');

    // Socket dropped, no stream close: stale but still advertised.
    a.crash(true);
    const stale = await soon(async () => {
      const v = await lab.introspect(`/routes?table=${encodeURIComponent(`${blue.ri}.inet.0`)}&peer=a26`);
      return v.routes.length === 2 && v.routes.every((r: any) => r.paths[0].stale) ? v : undefined;
    }, 'paths stale');
    expect(stale.routes).toHaveLength(2);
    expect(b.route(blue.ri, '10.1.1.61/32')).toBeDefined();
    expect(b.route(blue.ri, '10.1.1.62/32')).toBeDefined();

    // It comes back with only one interface: its end-of-RIB sweeps the other.
    a.removeInterface('drop');
    a.start();
    await b.waitForWithdraw(blue.ri, '10.1.1.62/32');
    expect(b.route(blue.ri, '10.1.1.61/32')).toBeDefined();
    const fresh = await lab.introspect(`/routes?table=${encodeURIComponent(`${blue.ri}.inet.0`)}&peer=a26`);
    expect(fresh.routes.map((r: any) => [r.prefix, r.paths[0].stale])).toEqual([['10.1.1.61/32', false]]);

    // Dropped again and never back: withdrawn after restart_time (5 s).
    const t0 = Date.now();
    a.crash(true);
    await b.waitForWithdraw(blue.ri, '10.1.1.61/32', 8000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(4500);
  });
});
