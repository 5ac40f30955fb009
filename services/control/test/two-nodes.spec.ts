import { Agent } from '@skein/agent-sim';
import { freePort } from '@skein/testing';
import { startControlNode, type RunningControlNode } from '../src';
import { FakePeer } from './fake-peer';
import { Lab, never, soon, type Vn } from './harness';

// routing.md Part F 35 and 47 (IBGP_NOT_REFLECTED): two control nodes in iBGP, agents on each, and an iBGP
// peer of the first node that must not get what the second node sent (no cluster_id, full mesh).
describe('two control nodes in iBGP (Part F 35, 47)', () => {
  let lab: Lab;
  let cn2: RunningControlNode;
  let blue: Vn;
  let y: FakePeer;

  beforeAll(async () => {
    const p1 = await freePort('127.0.0.1');
    const p2 = await freePort('127.0.0.7');
    lab = await Lab.start({
      router: {
        autonomous_system: 64512,
        identifier: '198.51.100.1',
        address: '127.0.0.1',
        port: p1,
        hold_time: 9,
      },
      node: { bgp: { host: '127.0.0.1', port: p1, connectRetryTime: 1 } },
    });
    blue = await lab.createVn('blue');
    await lab.createRouter(
      'cn2',
      {
        router_type: 'control-node',
        autonomous_system: 64512,
        identifier: '198.51.100.2',
        address: '127.0.0.7',
        port: p2,
        hold_time: 9,
      },
      [{ uuid: lab.ownRouterUuid! }],
    );
    await lab.createPassivePeer('y', { as: 64512, id: '127.0.0.8', families: ['inet-vpn'] });
    await lab.sync();
    cn2 = await startControlNode({
      events: lab.api.events,
      name: 'cn2',
      bgp: { host: '127.0.0.7', port: p2, connectRetryTime: 1 },
      xmpp: { host: '127.0.0.1', port: 0 },
      introspect: { host: '127.0.0.1', port: 0 },
    });
    y = await FakePeer.connect('127.0.0.8', lab.cn.ports.bgp);
    await y.handshake(FakePeer.open({ as: 64512, id: '127.0.0.8', holdTime: 0, families: ['inet-vpn'] }));
  });
  afterAll(async () => {
    y?.destroy();
    await cn2?.close();
    await lab?.close();
  });

  it('agents on different nodes get each other’s routes; routes from iBGP peer cn2 are not reflected to iBGP peer y', async () => {
    await soon(
      async () => (await lab.introspect('/neighbors/cn2')).state === 'Established' || undefined,
      'cn1 ↔ cn2',
      10_000,
    );
    const a = await lab.agent('a35', '192.0.2.81');
    a.addInterface({ uuid: 'vmi-a35', ri: blue.ri, address: '10.1.1.81', label: 81, vn: blue.fq.join(':') });
    a.start();
    const b = new Agent({
      name: 'b35',
      address: '192.0.2.82',
      control: `127.0.0.1:${cn2.ports.xmpp}`,
      holdTimeMs: 3000,
    });
    lab.agents.push(b);
    await lab.createVirtualRouter('b35', '192.0.2.82');
    await cn2.waitForConfig(await lab.api.head());
    b.addInterface({ uuid: 'vmi-b35', ri: blue.ri, address: '10.1.1.82', label: 82, vn: blue.fq.join(':') });
    b.start();

    const atB = await b.waitForRoute(blue.ri, '10.1.1.81/32');
    expect(atB.nextHops[0]).toMatchObject({ address: '192.0.2.81', label: 81 });
    const atA = await a.waitForRoute(blue.ri, '10.1.1.82/32');
    expect(atA.nextHops[0]).toMatchObject({ address: '192.0.2.82', label: 82 });

    // y gets cn1's own agent route but not the one cn1 learned from its iBGP peer cn2.
    const nlriOf = (m: any) =>
      m.type === 'update' ? (m.attributes.mpReach?.nlri ?? []).map((n: any) => n.prefix) : [];
    await soon(() => y.messages.some((m) => nlriOf(m).includes('10.1.1.81/32')) || undefined, 'y has a35');
    expect(await never(() => y.messages.some((m) => nlriOf(m).includes('10.1.1.82/32')))).toBe(true);
    const ex = await lab.introspect(
      `/explain?peer=y&table=bgp.l3vpn.0&prefix=${encodeURIComponent('192.0.2.82:1:10.1.1.82/32')}`,
    );
    expect(ex.reason).toBe('IBGP_NOT_REFLECTED');
  });
});
