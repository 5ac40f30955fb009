import type { OpenMessage } from '@skein/bgp';
import { FakePeer } from './fake-peer';
import { Lab, soon } from './harness';

// routing.md Part F 33, second half: a 4-byte global ASN makes the control node's OPEN carry AS_TRANS in
// My AS and the real AS in capability 65 (RFC 6793 §4.1).
describe('4-byte global ASN (Part F 33)', () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await Lab.start({
      router: { autonomous_system: 64512, identifier: '198.51.100.254', address: '127.0.0.1', hold_time: 9 },
    });
    // No autonomous_system on the peer: it follows the global ASN, so the session stays iBGP.
    await lab.createPassivePeer('fake', { id: '127.0.0.4', families: ['inet-vpn'] });
    await lab.sync();
  });
  afterAll(async () => lab?.close());

  const ourOpen = async (p: FakePeer) => (await p.waitFor((m) => m.type === 'open')) as OpenMessage;
  const as4Cap = (o: OpenMessage) => o.capabilities.find((c) => c.kind === 'four-octet-as');

  it('global ASN 4200000000 → sessions reset (Cease 6/6), then My AS 23456 + capability 65 with 4200000000', async () => {
    const before = await FakePeer.connect('127.0.0.4', lab.cn.ports.bgp);
    await before.handshake(
      FakePeer.open({ as: 64512, id: '127.0.0.4', holdTime: 0, families: ['inet-vpn'] }),
    );
    const o1 = await ourOpen(before);
    expect(o1.myAs).toBe(64512);
    expect(as4Cap(o1)).toMatchObject({ asn: 64512 });

    await lab.updateGlobal({ autonomous_system: 4200000000, enable_4byte_as: true });
    await lab.sync();
    expect(await before.notification()).toBe('6/6');
    await soon(
      async () => (await lab.introspect('/neighbors/fake')).state !== 'Established' || undefined,
      'old session gone',
    );

    const after = await FakePeer.connect('127.0.0.4', lab.cn.ports.bgp);
    await after.handshake(
      FakePeer.open({ as: 4200000000, id: '127.0.0.4', holdTime: 0, families: ['inet-vpn'] }),
    );
    const o2 = await ourOpen(after);
    expect(o2.myAs).toBe(23456);
    expect(as4Cap(o2)).toMatchObject({ asn: 4200000000 });
    expect(o2.bgpId).toBe('198.51.100.254');
    const n = await lab.introspect('/neighbors/fake');
    expect(n).toMatchObject({ state: 'Established', local_asn: 4200000000, peer_asn: 4200000000 });
    expect((await lab.introspect('/health')).asn).toBe(4200000000);
    after.destroy();
    before.destroy();
  });
});
