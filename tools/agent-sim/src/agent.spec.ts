import { CONTROL_NODE_JID, encodeControlNodeStreamHeader } from '@skein/xmpp';
import { Agent, type AgentOptions } from './agent';
import { FakeControlNode, waitUntil } from './testing/fake-control-node';

const BLUE = 'default-domain:p1:blue:blue';
const BLUE_VN = 'default-domain:p1:blue';
const BGP_PEER = `${CONTROL_NODE_JID}/bgp-peer`;
/** routing.md D's layout whitespace is not content. */
const compact = (xml: string) => xml.replace(/>\s+</g, '><').replace(/\n\s*/g, ' ').trim();
/** The `<pubsub>` payload of an iq, as sent. */
const pubsubOf = (iq: string) => /<pubsub[\s\S]*<\/pubsub>/.exec(iq)![0];

let server: FakeControlNode;
const agents: Agent[] = [];

function agent(o: Partial<AgentOptions> = {}): Agent {
  const a = new Agent({
    name: 'agent-a',
    address: '192.0.2.11',
    control: server.address,
    holdTimeMs: 3000,
    ...o,
  });
  agents.push(a);
  return a;
}

beforeEach(async () => {
  server = await FakeControlNode.start();
});

afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.stop()));
  await server.stop();
});

describe('stream setup', () => {
  test('the agent opens with its name and accepts the control node’s answer', async () => {
    const a = agent().start();
    await a.waitForEstablished();
    const s = await server.waitForSession('agent-a');
    // FakeControlNode parses with StreamParser.forControlNode(), which rejects a wrong `to` or missing `from`.
    expect(s.header).toMatchObject({ from: 'agent-a', to: CONTROL_NODE_JID, version: '1.0', lang: 'en' });
    expect(s.header!.attrs).toMatchObject({
      xmlns: 'jabber:client',
      'xmlns:stream': 'http://etherx.jabber.org/streams',
    });
    expect(a.peerHeader).toMatchObject({ from: CONTROL_NODE_JID, to: 'agent-a' });
    expect(s.streamError).toBeUndefined();
  });

  test('a header that is not the control node’s ends the stream with invalid-from', async () => {
    await server.stop();
    server = await FakeControlNode.start({
      answerHeader: (n) =>
        encodeControlNodeStreamHeader(n, 'x').replace(CONTROL_NODE_JID, 'impostor@example.com'),
    });
    const a = agent({ reconnect: false }).start();
    await a.waitForState('stopped');
    expect(a.lastDown).toMatchObject({ kind: 'stream-error-sent', condition: 'invalid-from' });
    const s = server.sessionsOf('agent-a')[0]!;
    await waitUntil(() => s.stanzas.length > 0);
    expect(s.stanzas[0]).toMatchObject({ kind: 'stream-error', condition: 'invalid-from' });
    expect(a.counters.established).toBe(0);
  });

  test('a second agent of the same name wins; the first gets conflict and stays down', async () => {
    const first = agent().start();
    await first.waitForEstablished();
    const second = agent({ address: '192.0.2.12' }).start();
    await second.waitForEstablished();
    await first.waitForState('stopped');
    expect(first.lastDown).toEqual({ kind: 'stream-error-received', condition: 'conflict' });
    expect(second.state).toBe('established');
  });
});

describe('subscribe and publish', () => {
  test('subscribe, publish and end-of-RIB are routing.md’s stanzas', async () => {
    const a = agent();
    a.subscribe(BLUE, 3);
    a.addInterface({
      uuid: 'vmi-1',
      ri: BLUE,
      address: '10.1.1.3',
      label: 21,
      vn: BLUE_VN,
      securityGroups: [8000002],
      tags: [5],
      communityTags: ['64512:10'],
    });
    a.start();
    const s = await server.waitForSession('agent-a');
    await waitUntil(() => s.updates.some((u) => u.kind === 'end-of-rib'));

    expect(s.stanzas[0]).toEqual({
      kind: 'subscribe',
      from: 'agent-a',
      to: BGP_PEER,
      id: expect.any(String),
      node: BLUE,
      instanceId: 3,
      noRibout: false,
    });
    expect(s.updates).toEqual([
      {
        kind: 'route',
        op: 'add',
        ri: BLUE,
        family: 'inet',
        node: `1/1/${BLUE}/10.1.1.3/32`,
        nlri: { family: 'inet', prefix: '10.1.1.3/32' },
        entry: {
          nlri: { family: 'inet', prefix: '10.1.1.3/32' },
          nextHops: [{ address: '192.0.2.11', label: 21, tunnelEncapsulations: ['gre', 'udp'], tags: [5] }],
          version: 1,
          virtualNetwork: BLUE_VN,
          sequenceNumber: 0,
          securityGroups: [8000002],
          communityTags: ['64512:10'],
          localPreference: 100,
          med: 0,
          subProtocol: 'interface',
        },
      },
      { kind: 'end-of-rib' },
    ]);

    // Byte for byte the example of routing.md D (both iqs addressed to the control node's /bgp-peer).
    const [, publish, collection, eorPublish, eorCollection] = s.raw;
    expect(pubsubOf(publish!)).toBe(
      compact(`<pubsub xmlns='http://jabber.org/protocol/pubsub'>
 <publish node='1/1/default-domain:p1:blue:blue/10.1.1.3/32'><item><entry>
  <nlri><af>1</af><safi>1</safi><address>10.1.1.3/32</address></nlri>
  <next-hops><next-hop><af>1</af><address>192.0.2.11</address><label>21</label>
   <tunnel-encapsulation-list><tunnel-encapsulation>gre</tunnel-encapsulation>
    <tunnel-encapsulation>udp</tunnel-encapsulation></tunnel-encapsulation-list>
   <tag-list><tag>5</tag></tag-list></next-hop></next-hops>
  <version>1</version><virtual-network>default-domain:p1:blue</virtual-network>
  <sequence-number>0</sequence-number>
  <security-group-list><security-group>8000002</security-group></security-group-list>
  <community-tag-list><community-tag>64512:10</community-tag></community-tag-list>
  <local-preference>100</local-preference><med>0</med><sub-protocol>interface</sub-protocol>
 </entry></item></publish></pubsub>`),
    );
    expect(pubsubOf(collection!)).toBe(
      compact(`<pubsub xmlns='http://jabber.org/protocol/pubsub'><collection
 node='default-domain:p1:blue:blue'><associate node='1/1/default-domain:p1:blue:blue/10.1.1.3/32'/></collection></pubsub>`),
    );
    expect(publish).toMatch(
      /^<iq type='set' from='agent-a' to='network-control@contrailsystems.com\/bgp-peer' id='pubsub\d+'>/,
    );
    expect(pubsubOf(eorPublish!)).toBe(
      "<pubsub xmlns='http://jabber.org/protocol/pubsub'><publish/></pubsub>",
    );
    expect(pubsubOf(eorCollection!)).toBe(
      "<pubsub xmlns='http://jabber.org/protocol/pubsub'><collection/></pubsub>",
    );
    expect(a.counters).toMatchObject({ subscribesSent: 1, reachSent: 1, endOfRibSent: 1 });
  });

  test('changes after establishment go out at once; removal is an nlri-only item with dissociate', async () => {
    const a = agent().start();
    await a.waitForEstablished();
    const s = await server.waitForSession('agent-a');
    a.subscribe(BLUE, 3, { noRibout: true });
    a.addInterface({ uuid: 'vmi-6', ri: BLUE, address: 'FD00::3', label: 22, vn: BLUE_VN });
    a.removeInterface('vmi-6');
    a.unsubscribe(BLUE);
    await waitUntil(() => s.stanzas.some((x) => x.kind === 'unsubscribe'));

    const kinds = s.stanzas.map((x) => x.kind);
    expect(kinds).toEqual([
      'publish',
      'collection',
      'subscribe',
      'publish',
      'collection',
      'publish',
      'collection',
      'unsubscribe',
    ]);
    expect(s.stanzas[2]).toMatchObject({ kind: 'subscribe', node: BLUE, instanceId: 3, noRibout: true });
    const nlri = { family: 'inet6', prefix: 'fd00::3/128' };
    expect(s.updates.slice(1)).toEqual([
      expect.objectContaining({
        kind: 'route',
        op: 'add',
        family: 'inet6',
        node: `2/1/${BLUE}/fd00::3/128`,
        nlri,
      }),
      { kind: 'route', op: 'delete', ri: BLUE, family: 'inet6', node: `2/1/${BLUE}/fd00::3/128`, nlri },
    ]);
    const del = s.raw[5]!;
    expect(pubsubOf(del)).toBe(
      `<pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='2/1/${BLUE}/fd00::3/128'><item><entry>` +
        '<nlri><af>2</af><safi>1</safi><address>fd00::3/128</address></nlri></entry></item></publish></pubsub>',
    );
    expect(s.stanzas[6]).toMatchObject({
      kind: 'collection',
      node: BLUE,
      op: 'dissociate',
      itemNode: `2/1/${BLUE}/fd00::3/128`,
    });
    expect(s.stanzas[7]).toMatchObject({ kind: 'unsubscribe', node: BLUE });
  });

  test('adding a uuid again is a change: same prefix re-associated, a moved prefix withdrawn', async () => {
    const a = agent();
    a.addInterface({ uuid: 'vmi-1', ri: BLUE, address: '10.1.1.3', label: 21 });
    a.start();
    const s = await server.waitForSession('agent-a');
    await waitUntil(() => s.updates.some((u) => u.kind === 'end-of-rib'));
    a.addInterface({ uuid: 'vmi-1', ri: BLUE, address: '10.1.1.3', label: 23 });
    a.addInterface({ uuid: 'vmi-1', ri: BLUE, address: '10.1.1.4', label: 23 });
    await waitUntil(() => s.updates.length === 5);
    expect(s.updates.slice(2).map((u) => (u.kind === 'route' ? `${u.op} ${u.node}` : u.kind))).toEqual([
      `add 1/1/${BLUE}/10.1.1.3/32`,
      `delete 1/1/${BLUE}/10.1.1.3/32`,
      `add 1/1/${BLUE}/10.1.1.4/32`,
    ]);
    expect(s.updates[2]).toMatchObject({ entry: { nextHops: [{ label: 23 }] } });
    expect(a.route(BLUE, '10.1.1.3')).toBeUndefined();
    expect(a.route(BLUE, '10.1.1.4')?.nextHops).toEqual([
      expect.objectContaining({ interface: 'vmi-1', label: 23 }),
    ]);
  });

  test('an interface in an RI not subscribed yet subscribes it first, with the lowest free instance-id', async () => {
    const a = agent();
    a.subscribe('default-domain:p1:red:red', 1);
    a.addInterface({ uuid: 'vmi-1', ri: BLUE, address: '10.1.1.3/32', label: 21 });
    a.start();
    const s = await server.waitForSession('agent-a');
    await waitUntil(() => s.updates.some((u) => u.kind === 'end-of-rib'));
    const subs = s.stanzas.filter((x) => x.kind === 'subscribe');
    expect(subs).toEqual([
      expect.objectContaining({ node: 'default-domain:p1:red:red', instanceId: 1 }),
      expect.objectContaining({ node: BLUE, instanceId: 2 }),
    ]);
    // The publish follows its RI's subscribe: TF closes a session that publishes into an unsubscribed RI.
    expect(s.stanzas.map((x) => x.kind)).toEqual([
      'subscribe',
      'subscribe',
      'publish',
      'collection',
      'publish',
      'collection',
    ]);
  });

  test('with EVPN: the BUM membership per RI and a MAC/IP route per interface', async () => {
    const a = agent({ evpn: true });
    a.subscribe(BLUE, 3, { vn: BLUE_VN });
    a.addInterface({
      uuid: 'vmi-1',
      ri: BLUE,
      address: '10.1.1.3',
      mac: '02:AA:00:00:00:03',
      label: 21,
      vn: BLUE_VN,
    });
    a.start();
    const s = await server.waitForSession('agent-a');
    await waitUntil(() => s.updates.some((u) => u.kind === 'end-of-rib'));
    expect(s.updates.map((u) => (u.kind === 'route' ? u.node : u.kind))).toEqual([
      `25/242/${BLUE}/ff:ff:ff:ff:ff:ff,0.0.0.0/32`,
      `1/1/${BLUE}/10.1.1.3/32`,
      `25/242/${BLUE}/02:aa:00:00:00:03,10.1.1.3/32`,
      'end-of-rib',
    ]);
    expect(s.updates[0]).toMatchObject({
      op: 'add',
      family: 'evpn',
      entry: {
        nlri: { family: 'evpn', ethernetTag: 0, mac: 'ff:ff:ff:ff:ff:ff', address: '0.0.0.0/32' },
        nextHops: [{ address: '192.0.2.11', label: 1003, tunnelEncapsulations: ['gre', 'udp'] }],
        virtualNetwork: BLUE_VN,
      },
    });
    expect(s.updates[2]).toMatchObject({
      op: 'add',
      entry: {
        nlri: { mac: '02:aa:00:00:00:03', address: '10.1.1.3/32' },
        nextHops: [{ address: '192.0.2.11', label: 21 }],
      },
    });
    a.removeInterface('vmi-1');
    await waitUntil(() => s.updates.length === 6);
    expect(s.updates.slice(4).map((u) => (u.kind === 'route' ? `${u.op} ${u.family}` : u.kind))).toEqual([
      'delete inet',
      'delete evpn',
    ]);
  });

  test('malformed interfaces are refused before anything is sent', () => {
    const a = agent();
    expect(() => a.addInterface({ uuid: 'v', ri: BLUE, address: '10.1.1.300', label: 21 })).toThrow(
      /bad address/,
    );
    expect(() => a.addInterface({ uuid: 'v', ri: BLUE, address: '10.1.1.3', label: 0 })).toThrow(/label 0/);
    expect(() => a.addInterface({ uuid: 'v', ri: BLUE, address: '10.1.1.3', label: 1 << 20 })).toThrow(
      /label/,
    );
    expect(() => a.addInterface({ uuid: 'v', ri: BLUE, address: '10.1.1.3', label: 5, mac: 'zz' })).toThrow(
      /bad MAC/,
    );
    expect(() => new Agent({ name: 'x', address: 'fd00::1', control: server.address })).toThrow(/not IPv4/);
    expect(a.interfaceCount).toBe(0);
  });
});
