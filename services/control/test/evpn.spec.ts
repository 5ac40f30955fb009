import { Lab, type Vn } from './harness';

// routing.md Part F 24: EVPN MAC/IP and broadcast (BUM) entries between agents.
describe('EVPN between agents (Part F 24)', () => {
  let lab: Lab;
  let blue: Vn;

  beforeAll(async () => {
    lab = await Lab.start();
    blue = await lab.createVn('blue');
    await lab.sync();
  });
  afterAll(async () => lab?.close());

  it('a MAC/IP item from A reaches B; broadcast entries from A and B give each an olist with the other', async () => {
    const a = await lab.agent('a24', '192.0.2.71', { evpn: true });
    const b = await lab.agent('b24', '192.0.2.72', { evpn: true });
    a.subscribe(blue.ri, 1, { bumLabel: 1001 });
    b.subscribe(blue.ri, 2, { bumLabel: 1002 });
    a.addInterface({
      uuid: 'vmi-a24',
      ri: blue.ri,
      address: '10.1.1.71',
      mac: '02:00:00:00:00:71',
      label: 71,
      vn: blue.fq.join(':'),
    });
    a.start();
    b.start();
    const mac = await b.waitForEvpnRoute(blue.ri, '02:00:00:00:00:71,10.1.1.71/32');
    expect(mac.nextHops[0]).toMatchObject({ address: '192.0.2.71' });
    const bumAtB = await b.waitForEvpnRoute(
      blue.ri,
      'ff:ff:ff:ff:ff:ff,0.0.0.0/32',
      (e) => (e.olist ?? []).length > 0,
    );
    expect(bumAtB.olist!.map((h) => h.address)).toEqual(['192.0.2.71']);
    const bumAtA = await a.waitForEvpnRoute(
      blue.ri,
      'ff:ff:ff:ff:ff:ff,0.0.0.0/32',
      (e) => (e.olist ?? []).length > 0,
    );
    expect(bumAtA.olist!.map((h) => h.address)).toEqual(['192.0.2.72']);
  });
});
