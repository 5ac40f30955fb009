import fc from 'fast-check';
import { entryArb, nlriArb, riArb } from '../test/arbitraries';
import { parseStanzas, testdata } from '../test/helpers';
import type { Family } from './node-names';
import { itemIdOf } from './node-names';
import { encodeEndOfRibMessage, encodeRouteMessages, type RouteUpdate } from './route-message';
import { decodeStanza, type Stanza } from './stanzas';
import { StreamParser } from './stream-parser';

const RI = 'default-domain:p1:blue:blue';
const decodeAll = (xml: string): Stanza[] => parseStanzas(xml).map(decodeStanza);

const updateArb = (family: Family): fc.Arbitrary<RouteUpdate> =>
  fc.oneof(
    entryArb(family)
      .filter((e) => e.nextHops.length > 0 || (e.olist?.length ?? 0) > 0)
      .map((entry) => ({ op: 'add' as const, entry })),
    nlriArb(family).map((nlri) => ({ op: 'retract' as const, nlri })),
  );

describe('control node → agent route messages', () => {
  test('the shape is routing.md’s', () => {
    const [msg] = encodeRouteMessages({
      agent: 'agent-a',
      family: 'inet',
      ri: RI,
      updates: [
        {
          op: 'add',
          entry: {
            nlri: { family: 'inet', prefix: '10.1.1.3/32' },
            nextHops: [{ address: '192.0.2.11', label: 21, tunnelEncapsulations: ['gre'], tags: [] }],
            securityGroups: [],
            communityTags: [],
          },
        },
        { op: 'retract', nlri: { family: 'inet', prefix: '10.1.1.9/32' } },
      ],
    });
    expect(msg).toBe(
      "<message from='network-control@contrailsystems.com' to='agent-a/bgp-peer'>" +
        `<event xmlns='http://jabber.org/protocol/pubsub'><items node='1/1/${RI}'>` +
        "<item id='10.1.1.3/32'><entry><nlri><af>1</af><safi>1</safi><address>10.1.1.3/32</address></nlri>" +
        '<next-hops><next-hop><af>1</af><address>192.0.2.11</address><label>21</label>' +
        '<tunnel-encapsulation-list><tunnel-encapsulation>gre</tunnel-encapsulation></tunnel-encapsulation-list>' +
        "</next-hop></next-hops></entry></item><retract id='10.1.1.9/32'/></items></event></message>",
    );
  });

  test.each(['inet', 'inet6', 'evpn'] as Family[])('%s updates decode back, in order', (family) => {
    fc.assert(
      fc.property(riArb(), fc.array(updateArb(family), { minLength: 1, maxLength: 8 }), (ri, updates) => {
        const decoded = decodeAll(encodeRouteMessages({ agent: 'agent-a', family, ri, updates }).join(''));
        expect(decoded).toEqual([
          {
            kind: 'route-event',
            from: 'network-control@contrailsystems.com',
            to: 'agent-a/bgp-peer',
            family,
            ri,
            items: updates.map((u) =>
              u.op === 'add'
                ? { op: 'add', id: itemIdOf(u.entry.nlri), entry: u.entry }
                : { op: 'retract', id: itemIdOf(u.nlri), nlri: u.nlri },
            ),
          },
        ]);
      }),
      { numRuns: 60 },
    );
  });

  test('at most 256 items per message, nothing lost or reordered', () => {
    const updates: RouteUpdate[] = Array.from({ length: 600 }, (_, i) => ({
      op: 'retract',
      nlri: { family: 'inet', prefix: `10.${i >> 8}.${i & 255}.0/24` },
    }));
    const msgs = encodeRouteMessages({ agent: 'agent-a', family: 'inet', ri: RI, updates });
    expect(msgs).toHaveLength(3);
    const decoded = decodeAll(msgs.join(''));
    expect(decoded.map((m) => (m.kind === 'route-event' ? m.items.length : -1))).toEqual([256, 256, 88]);
    const ids = decoded.flatMap((m) =>
      m.kind === 'route-event' ? m.items.map((it) => ('id' in it ? it.id : '')) : [],
    );
    expect(ids).toEqual(updates.map((u) => (u.op === 'retract' ? u.nlri : u.entry.nlri)).map(itemIdOf));
  });

  test('a smaller limit splits accordingly; no updates, no message', () => {
    const updates: RouteUpdate[] = [1, 2, 3].map((i) => ({
      op: 'retract',
      nlri: { family: 'inet', prefix: `10.0.0.${i}/32` },
    }));
    expect(
      encodeRouteMessages({ agent: 'a', family: 'inet', ri: RI, updates, maxItemsPerMessage: 2 }),
    ).toHaveLength(2);
    expect(encodeRouteMessages({ agent: 'a', family: 'inet', ri: RI, updates: [] })).toEqual([]);
  });

  test('the end-of-RIB marker is written out as routing.md shows and decodes as such', () => {
    const eor = encodeEndOfRibMessage('agent-a');
    expect(eor).toBe(
      "<message from='network-control@contrailsystems.com' to='agent-a/bgp-peer'>" +
        "<event xmlns='http://jabber.org/protocol/pubsub'><items node='0/0/EndOfRib'></items></event></message>",
    );
    expect(decodeAll(eor)).toEqual([
      { kind: 'end-of-rib', from: 'network-control@contrailsystems.com', to: 'agent-a/bgp-peer' },
    ]);
  });
});

describe('TF control-node traffic (testdata/tf-control-node-messages.xml)', () => {
  test('ECMP next hops, a retract and the end-of-RIB marker', () => {
    const events = StreamParser.forAgent().push(testdata('tf-control-node-messages.xml'));
    expect(events.find((e) => e.type === 'error')).toBeUndefined();
    const stanzas = events.flatMap((e) => (e.type === 'stanza' ? [decodeStanza(e.element)] : []));
    expect(stanzas.map((s) => s.kind)).toEqual(['route-event', 'route-event', 'end-of-rib']);
    const [add, retract] = stanzas;
    expect(add).toMatchObject({
      family: 'inet',
      ri: RI,
      items: [
        {
          op: 'add',
          id: '10.1.1.4/32',
          entry: {
            nextHops: [
              { address: '192.0.2.12', label: 37, tunnelEncapsulations: ['gre', 'udp'], tags: [] },
              { address: '192.0.2.13', label: 41, tunnelEncapsulations: ['gre'] },
            ],
            mobility: { seqno: 0, sticky: false },
            localPreference: 100,
            med: 200,
            loadBalance: { fields: [] },
          },
        },
      ],
    });
    expect(retract).toMatchObject({ items: [{ op: 'retract', id: '10.1.1.9/32' }] });
    expect(events[events.length - 1]).toEqual({ type: 'close' });
  });
});

describe('bad items in a message are item errors; the rest of the message is used', () => {
  const msg = (items: string, node = `1/1/${RI}`) =>
    `<message from='network-control@contrailsystems.com' to='a/bgp-peer'><event xmlns='http://jabber.org/protocol/pubsub'>` +
    `<items node='${node}'>${items}</items></event></message>`;
  const good =
    "<item id='10.0.0.1/32'><entry><nlri><af>1</af><safi>1</safi><address>10.0.0.1/32</address></nlri><next-hops><next-hop><af>1</af><address>192.0.2.1</address><label>5</label></next-hop></next-hops></entry></item>";

  test.each([
    ['an id that is no prefix', "<retract id='banana'/>", 'bad-prefix'],
    ['an item without entry', "<item id='10.0.0.2/32'/>", 'malformed-item'],
    [
      'an id that disagrees with the NLRI',
      good.replace("id='10.0.0.1/32'", "id='10.0.0.2/32'"),
      'node-mismatch',
    ],
    [
      'an entry with no next hop and no olist',
      good.replace(/<next-hops>.*<\/next-hops>/, ''),
      'missing-next-hop',
    ],
  ])('%s → %s', (_what, bad, code) => {
    const [m] = decodeAll(msg(bad + good));
    expect(m).toMatchObject({
      kind: 'route-event',
      items: [
        { op: 'error', error: { code } },
        { op: 'add', id: '10.0.0.1/32' },
      ],
    });
  });

  test('a table Skein does not carry makes the whole message unusable', () => {
    expect(decodeAll(msg(good, `1/241/${RI}`))).toEqual([
      expect.objectContaining({
        kind: 'bad-stanza',
        condition: 'feature-not-implemented',
        itemError: expect.objectContaining({ code: 'unsupported-family' }),
      }),
    ]);
  });
});
