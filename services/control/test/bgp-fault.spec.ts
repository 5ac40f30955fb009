import type { BgpMessage } from '@skein/bgp';
import { FakePeer, vpnUpdate } from './fake-peer';
import { Lab, soon } from './harness';

// Issue 7 item 1, BGP side: a session whose handling throws is closed alone (Cease), the node lives and its
// other sessions stay up.

const OPEN = (id: string) => FakePeer.open({ as: 64512, id, holdTime: 0, families: ['inet-vpn'] });

const announce = (n: number): BgpMessage =>
  vpnUpdate(`192.0.2.${n}`, [{ rd: `192.0.2.${n}:1`, prefix: `10.${n}.0.1/32`, label: 100 }]);

describe('BGP last-resort guard (issue 7 item 1)', () => {
  let lab: Lab;
  const peers: FakePeer[] = [];

  const connect = async (id: string) => {
    const p = await FakePeer.connect(id, lab.cn.ports.bgp);
    peers.push(p);
    await p.handshake(OPEN(id));
    return p;
  };
  const state = async (peer: string) => (await lab.introspect(`/neighbors/${peer}`)).state;
  const routesOf = async (peer: string): Promise<number> =>
    (await lab.introspect(`/routes?table=bgp.l3vpn.0&peer=${peer}`)).routes.length;

  beforeAll(async () => {
    lab = await Lab.start({
      router: { autonomous_system: 64512, identifier: '198.51.100.254', address: '127.0.0.1', hold_time: 9 },
    });
    await lab.createPassivePeer('bad', { id: '127.0.0.21', families: ['inet-vpn'] });
    await lab.createPassivePeer('good', { id: '127.0.0.22', families: ['inet-vpn'] });
    await lab.sync();
  });
  afterAll(async () => {
    for (const p of peers) p.destroy();
    await lab?.close();
  });

  it('a throw while handling one peer: that peer gets Cease and is closed; the node and the other peer go on', async () => {
    const good = await connect('127.0.0.22');
    good.send(announce(22));
    await soon(async () => (await routesOf('good')) === 1 || undefined, "good's route");

    const rib = lab.cn.node.rib;
    const real = rib.bgpAnnounce.bind(rib);
    const spy = jest.spyOn(rib, 'bgpAnnounce').mockImplementation((peer, ...rest) => {
      if (peer === 'bad') throw new Error('injected fault');
      real(peer, ...rest);
    });
    try {
      const bad = await connect('127.0.0.21');
      bad.send(announce(21));
      expect(await bad.notification()).toBe('6/8');
      await bad.waitClosed();
      await soon(async () => (await state('bad')) !== 'Established' || undefined, 'bad down');
    } finally {
      spy.mockRestore();
    }
    expect((await lab.introspect('/health')).status).toBe('ok');
    expect(await state('good')).toBe('Established');
    expect(await routesOf('good')).toBe(1);
    expect(good.closed).toBe(false);

    // The faulted session is forgotten, not wedged: the peer comes back and is served.
    const again = await connect('127.0.0.21');
    again.send(announce(21));
    await soon(async () => (await routesOf('bad')) === 1 || undefined, "bad's route after reconnecting");
    expect(await state('bad')).toBe('Established');
  });
});
