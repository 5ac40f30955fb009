import fc from 'fast-check';
import { agentEntryArb, riArb } from '../test/arbitraries';
import { compact, parseStanzas, PUBLISH_EXAMPLE_ENTRY, testdata } from '../test/helpers';
import type { Family } from './node-names';
import { PublishAssembler, type AgentRouteUpdate } from './publish-pairing';
import type { RouteEntry } from './route-item';
import {
  decodeStanza,
  encodeAgentEndOfRib,
  encodeCollection,
  encodePublish,
  encodeRouteAdd,
  encodeRouteDelete,
  type CollectionIq,
  type PublishIq,
} from './stanzas';
import { StreamParser } from './stream-parser';

const RI = 'default-domain:p1:blue:blue';

/** What a control-node session does with route iqs: decode each stanza, feed the assembler. */
function assemble(xml: string, assembler = new PublishAssembler()): AgentRouteUpdate[] {
  return parseStanzas(xml).flatMap((el) => {
    const s = decodeStanza(el);
    return s.kind === 'publish' || s.kind === 'collection'
      ? assembler.push(s as PublishIq | CollectionIq)
      : [];
  });
}

describe('round trips through publish + collection', () => {
  test.each(['inet', 'inet6', 'evpn'] as Family[])('an agent %s add comes out as it went in', (family) => {
    fc.assert(
      fc.property(riArb(), agentEntryArb(family), (ri, entry) => {
        const [u, ...rest] = assemble(encodeRouteAdd({ from: 'agent-a', ri, entry, idPrefix: 'r1' }));
        expect(rest).toEqual([]);
        expect(u).toMatchObject({ kind: 'route', op: 'add', ri, family, nlri: entry.nlri });
        expect(u?.kind === 'route' && u.op === 'add' && u.entry).toEqual(entry);
      }),
      { numRuns: 100 },
    );
  });

  test('a delete comes out with its NLRI', () => {
    fc.assert(
      fc.property(riArb(), agentEntryArb(), (ri, { nlri }) => {
        expect(assemble(encodeRouteDelete({ from: 'agent-a', ri, nlri }))).toEqual([
          expect.objectContaining({ kind: 'route', op: 'delete', ri, family: nlri.family, nlri }),
        ]);
      }),
      { numRuns: 100 },
    );
  });

  test('the inet primary instance-id travels in the node', () => {
    const entry: RouteEntry = {
      nlri: { family: 'inet', prefix: '10.1.1.3/32' },
      nextHops: [{ address: '192.0.2.11', label: 21, tunnelEncapsulations: [], tags: [] }],
      securityGroups: [],
      communityTags: [],
    };
    const xml = encodeRouteAdd({ from: 'a', ri: RI, entry, primaryInstanceId: 9 });
    expect(xml).toContain(`node='1/1/${RI}/10.1.1.3/32/9'`);
    expect(assemble(xml)).toEqual([expect.objectContaining({ op: 'add', primaryInstanceId: 9 })]);
  });

  test('the delete form is an item holding only the NLRI, then dissociate', () => {
    expect(encodeRouteDelete({ from: 'a', ri: RI, nlri: { family: 'inet', prefix: '10.1.1.9/32' } })).toBe(
      "<iq type='set' from='a' to='network-control@contrailsystems.com/bgp-peer'><pubsub xmlns='http://jabber.org/protocol/pubsub'>" +
        `<publish node='1/1/${RI}/10.1.1.9/32'><item><entry><nlri><af>1</af><safi>1</safi><address>10.1.1.9/32</address></nlri></entry></item></publish></pubsub></iq>` +
        "<iq type='set' from='a' to='network-control@contrailsystems.com/bgp-peer'><pubsub xmlns='http://jabber.org/protocol/pubsub'>" +
        `<collection node='${RI}'><dissociate node='1/1/${RI}/10.1.1.9/32'/></collection></pubsub></iq>`,
    );
  });
});

describe('end-of-RIB from the agent', () => {
  test('is an empty publish and an empty collection', () => {
    expect(encodeAgentEndOfRib({ from: 'agent-a', idPrefix: 'eor' })).toBe(
      "<iq type='set' from='agent-a' to='network-control@contrailsystems.com/bgp-peer' id='eor-pub'>" +
        "<pubsub xmlns='http://jabber.org/protocol/pubsub'><publish/></pubsub></iq>" +
        "<iq type='set' from='agent-a' to='network-control@contrailsystems.com/bgp-peer' id='eor-coll'>" +
        "<pubsub xmlns='http://jabber.org/protocol/pubsub'><collection/></pubsub></iq>",
    );
    expect(assemble(encodeAgentEndOfRib({ from: 'agent-a' }))).toEqual([{ kind: 'end-of-rib' }]);
  });
});

describe("routing.md's publish example, exact text", () => {
  test('assembles into the typed add', () => {
    const [publish, collection] = testdata('routing-md-publish-example.xml')
      .toString('utf8')
      .split('<!-- second iq: -->');
    const wrap = (body: string, id: string) =>
      `<iq type='set' from='agent-a' to='network-control@contrailsystems.com/bgp-peer' id='${id}'>${body}</iq>`;
    const updates = assemble(wrap(publish!, 'p1') + wrap(collection!.trim(), 'c1'));
    expect(updates).toEqual([
      {
        kind: 'route',
        op: 'add',
        ri: RI,
        family: 'inet',
        node: `1/1/${RI}/10.1.1.3/32`,
        nlri: { family: 'inet', prefix: '10.1.1.3/32' },
        entry: PUBLISH_EXAMPLE_ENTRY,
      },
    ]);
  });

  test('our encoder writes the example’s two pubsub bodies', () => {
    const [publish, collection] = testdata('routing-md-publish-example.xml')
      .toString('utf8')
      .split('<!-- second iq: -->');
    const [u] = assemble(
      `<iq type='set'>${publish}</iq><iq type='set'>${collection}</iq>`.replace(/\n/g, ' '),
    ) as Array<Extract<AgentRouteUpdate, { op: 'add' }>>;
    const ours = encodeRouteAdd({ from: 'agent-a', ri: RI, entry: u!.entry });
    const body = (iq: string) => iq.slice(iq.indexOf('<pubsub'), iq.lastIndexOf('</iq>'));
    const [ourPublish, ourCollection] = ours.split(/(?<=<\/iq>)/);
    expect(body(ourPublish!)).toBe(compact(publish!));
    expect(body(ourCollection!)).toBe(compact(collection!).replace(/\s+node=/, ' node='));
  });
});

describe('TF agent traffic (testdata/tf-agent-session.xml)', () => {
  test('assembles into the routes TF’s control node would accept', () => {
    const events = StreamParser.forControlNode().push(testdata('tf-agent-session.xml'));
    const assembler = new PublishAssembler();
    const updates: AgentRouteUpdate[] = [];
    for (const e of events) {
      if (e.type !== 'stanza') continue;
      const s = decodeStanza(e.element);
      if (s.kind === 'publish' || s.kind === 'collection') updates.push(...assembler.push(s));
    }
    expect(updates).toEqual([
      expect.objectContaining({
        op: 'add',
        ri: RI,
        family: 'inet',
        entry: expect.objectContaining({
          nextHops: [
            {
              address: '192.0.2.11',
              mac: '52:54:00:01:02:03',
              label: 21,
              tunnelEncapsulations: ['gre', 'udp'],
              virtualNetwork: 'default-domain:p1:blue',
              tags: [],
            },
          ],
          communityTags: [],
          loadBalance: { fields: [], decision: 'field-hash' },
          subProtocol: 'interface',
        }),
      }),
      // The EVPN node carries no RI; the collection's RI is used, as in TF.
      expect.objectContaining({
        op: 'add',
        ri: RI,
        family: 'evpn',
        node: '25/242/52:54:00:aa:bb:cc,10.1.1.3/32',
        nlri: { family: 'evpn', ethernetTag: 0, mac: '52:54:00:aa:bb:cc', address: '10.1.1.3/32' },
      }),
      // TF's agent deletes with next hop 0.0.0.0; only the NLRI counts.
      expect.objectContaining({ op: 'delete', ri: RI, family: 'evpn' }),
    ]);
  });
});

describe('pairing failures are item errors', () => {
  const entry: RouteEntry = {
    nlri: { family: 'inet', prefix: '10.1.1.3/32' },
    nextHops: [{ address: '192.0.2.11', label: 21, tunnelEncapsulations: ['gre'], tags: [] }],
    securityGroups: [],
    communityTags: [],
  };
  const node = `1/1/${RI}/10.1.1.3/32`;
  const publish = encodePublish({ from: 'a', node, entry });
  const collection = encodeCollection({ from: 'a', ri: RI, op: 'associate', itemNode: node });
  const code = (us: AgentRouteUpdate[]) => us.map((u) => (u.kind === 'item-error' ? u.error.code : u.kind));

  test('a collection without publish', () => {
    expect(code(assemble(collection))).toEqual(['orphan-collection']);
  });

  test('a publish superseded before its collection (TF overwrites it silently)', () => {
    expect(code(assemble(publish + publish + collection))).toEqual(['orphan-publish', 'route']);
  });

  test('a collection naming another node', () => {
    const other = encodeCollection({ from: 'a', ri: RI, op: 'associate', itemNode: `1/1/${RI}/10.1.1.4/32` });
    expect(code(assemble(publish + other))).toEqual(['node-mismatch']);
  });

  test('a family Skein does not carry (TF multicast 1/241)', () => {
    const mcast = encodePublish({ from: 'a', node: `1/241/${RI}/224.1.1.1`, entry }).replace(
      '<safi>1</safi>',
      '<safi>241</safi>',
    );
    const coll = encodeCollection({ from: 'a', ri: RI, op: 'associate', itemNode: `1/241/${RI}/224.1.1.1` });
    expect(assemble(mcast + coll)).toEqual([
      { kind: 'item-error', ri: RI, error: expect.objectContaining({ code: 'unsupported-family' }) },
    ]);
  });

  test('af/safi of the NLRI not matching the node', () => {
    const wrong = encodePublish({ from: 'a', node: `2/1/${RI}/fd00::3/128`, entry });
    const coll = encodeCollection({ from: 'a', ri: RI, op: 'associate', itemNode: `2/1/${RI}/fd00::3/128` });
    expect(code(assemble(wrong + coll))).toEqual(['family-mismatch']);
  });

  test('two next hops from TF’s agent (one per VN) are refused like TF does', () => {
    const two = publish.replace(
      '</next-hops>',
      '<next-hop><af>1</af><address>192.0.2.11</address><label>21</label></next-hop></next-hops>',
    );
    expect(code(assemble(two + collection))).toEqual(['too-many-next-hops']);
  });

  test('an item without entry, and a collection without associate/dissociate', () => {
    const noEntry = publish.replace(/<item>.*<\/item>/, '<item/>');
    expect(code(assemble(noEntry + collection))).toEqual(['malformed-item']);
    const unnamed = encodePublish({ from: 'a', entry });
    expect(code(assemble(unnamed + encodeCollection({ from: 'a', ri: RI })))).toEqual(['malformed-item']);
    const noRi = encodeCollection({ from: 'a', op: 'associate', itemNode: node });
    expect(code(assemble(publish + noRi))).toEqual(['bad-node']);
  });

  test('several items in one publish are each assembled (TF loops over them)', () => {
    const second = publish.replace(
      '<item>',
      `<item><entry><nlri><af>1</af><safi>1</safi><address>10.9.9.9/32</address></nlri><next-hops><next-hop><af>1</af><address>192.0.2.11</address><label>5</label></next-hop></next-hops></entry></item><item>`,
    );
    const us = assemble(second + collection);
    expect(us.map((u) => u.kind === 'route' && u.nlri)).toEqual([
      { family: 'inet', prefix: '10.9.9.9/32' },
      { family: 'inet', prefix: '10.1.1.3/32' },
    ]);
  });

  test('one bad item does not stop the stream of updates', () => {
    const bad = publish.replace('<label>21</label>', '<label>0</label>');
    expect(code(assemble(bad + collection + publish + collection))).toEqual(['bad-label', 'route']);
  });
});
