import type { BgpMessage, UpdateMessage } from '@skein/bgp';
import { GobgpPeer, type GobgpPath } from '@skein/testing';
import { FakePeer, vpnUpdate } from './fake-peer';
import { Lab, soon, type Vn } from './harness';

// routing.md Part F 36 (B9): with cluster_id on the own bgp-router the control node reflects between its
// iBGP peers (RFC 4456), here gobgpd and a hand-driven peer whose UPDATEs we write and read.
describe('route reflection with cluster_id (Part F 36)', () => {
  const OWN_ID = '198.51.100.254';
  const CLUSTER = '0.0.0.9';
  let lab: Lab;
  let gobgp: GobgpPeer;
  let fake: FakePeer;
  let blue: Vn;

  const gobgpPath = async (key: string): Promise<GobgpPath | undefined> =>
    (await gobgp.rib('vpnv4')).find((p) => p.key === key);
  const attr = (p: GobgpPath, type: number) => p.attrs.find((a) => a.type === type)?.value;

  /** A VPNv4 UPDATE from the fake peer with blue's RT. */
  function update(prefix: string, rd: string, extra: Partial<UpdateMessage['attributes']> = {}): BgpMessage {
    return vpnUpdate('192.0.2.36', [{ rd, prefix, label: 36 }], Number(blue.rt.split(':')[2]), extra);
  }

  beforeAll(async () => {
    gobgp = await GobgpPeer.start({
      address: '127.0.0.2',
      as: 64512,
      neighbors: [{ address: '127.0.0.1', as: 64512, passive: true, families: ['l3vpn-ipv4-unicast'] }],
    });
    lab = await Lab.start({
      router: {
        autonomous_system: 64512,
        identifier: OWN_ID,
        address: '127.0.0.1',
        hold_time: 9,
        cluster_id: 9,
      },
    });
    blue = await lab.createVn('blue');
    await lab.createRouter(
      'gobgp',
      {
        router_type: 'router',
        autonomous_system: 64512,
        identifier: '127.0.0.2',
        address: '127.0.0.2',
        port: gobgp.port,
        address_families: { family: ['inet-vpn'] },
      },
      [{ uuid: lab.ownRouterUuid! }],
    );
    await lab.createPassivePeer('fake', { as: 64512, id: '127.0.0.4', families: ['inet-vpn'] });
    await lab.sync();
    fake = await FakePeer.connect('127.0.0.4', lab.cn.ports.bgp);
    await fake.handshake(FakePeer.open({ as: 64512, id: '127.0.0.4', holdTime: 0, families: ['inet-vpn'] }));
    await soon(
      async () => (await lab.introspect('/neighbors/gobgp')).state === 'Established' || undefined,
      'gobgp Established',
      10_000,
    );
  });
  afterAll(async () => {
    fake?.destroy();
    await lab?.close();
    await gobgp?.stop();
  });

  it('gobgpd → fake: reflected with ORIGINATOR_ID = gobgpd and CLUSTER_LIST = [own cluster]', async () => {
    await gobgp.addVpnv4({
      prefix: '10.36.1.0/24',
      rd: '64512:361',
      rts: [blue.rt],
      label: 361,
      nextHop: '192.0.2.61',
    });
    const u = (await fake.waitFor(
      (m) => m.type === 'update' && m.attributes.mpReach?.nlri.some((n: any) => n.prefix === '10.36.1.0/24'),
    )) as UpdateMessage;
    expect(u.attributes.originatorId).toBe('127.0.0.2');
    expect(u.attributes.clusterList).toEqual([CLUSTER]);
    expect(u.attributes.mpReach?.nextHop).toBe('192.0.2.61');
    expect(u.attributes.localPref).toBe(100);
  });

  it('fake → gobgpd: ORIGINATOR_ID set when absent, kept when present; cluster id prepended', async () => {
    fake.send(update('10.36.2.0/24', '64512:362'));
    fake.send(update('10.36.3.0/24', '64512:363', { originatorId: '192.0.2.99', clusterList: ['0.0.0.1'] }));
    const p2 = await soon(() => gobgpPath('64512:362:10.36.2.0/24'), '10.36.2.0/24 at gobgpd');
    expect(attr(p2, 9)).toBe('127.0.0.4');
    expect(attr(p2, 10)).toEqual([CLUSTER]);
    const p3 = await soon(() => gobgpPath('64512:363:10.36.3.0/24'), '10.36.3.0/24 at gobgpd');
    expect(attr(p3, 9)).toBe('192.0.2.99');
    expect(attr(p3, 10)).toEqual([CLUSTER, '0.0.0.1']);
  });

  it('own cluster id in CLUSTER_LIST, or own router id as ORIGINATOR_ID → dropped (CLUSTER_LOOP)', async () => {
    fake.send(
      update('10.36.4.0/24', '64512:364', { originatorId: '192.0.2.98', clusterList: ['0.0.0.1', CLUSTER] }),
    );
    fake.send(update('10.36.5.0/24', '64512:365', { originatorId: OWN_ID }));
    // Sent after the two loops on the same session: once it is at gobgpd, they were processed.
    fake.send(update('10.36.6.0/24', '64512:366'));
    await soon(() => gobgpPath('64512:366:10.36.6.0/24'), 'the marker route at gobgpd');
    expect(await gobgpPath('64512:364:10.36.4.0/24')).toBeUndefined();
    expect(await gobgpPath('64512:365:10.36.5.0/24')).toBeUndefined();

    for (const key of ['64512:364:10.36.4.0/24', '64512:365:10.36.5.0/24']) {
      const q = `table=bgp.l3vpn.0&prefix=${encodeURIComponent(key)}`;
      const r = await lab.introspect(`/routes?${q}`);
      expect(r.routes[0].paths[0]).toMatchObject({
        peer: 'fake',
        best: false,
        infeasible_reason: 'cluster-loop',
      });
      const ex = await lab.introspect(`/explain?peer=gobgp&${q}`);
      expect(ex).toMatchObject({ advertised: false, reason: 'CLUSTER_LOOP' });
      // Nor imported into blue, though it carries blue's RT.
      const inBlue = await lab.introspect(
        `/routes?table=${encodeURIComponent(`${blue.ri}.inet.0`)}&prefix=${encodeURIComponent(key.split(':')[2]!)}`,
      );
      expect(inBlue.routes.flatMap((x: any) => x.paths).filter((p: any) => p.best)).toEqual([]);
    }
  });
});
