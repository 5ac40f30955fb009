/**
 * Bounded fuzzing: mutated valid streams, cut at random places, through the whole decode path a session
 * runs (stream parser → decodeStanza → PublishAssembler). Nothing may throw; stream errors must be the
 * library's own `XmppStreamError` with an RFC 6120 condition. Each property stops after a few seconds.
 */
import fc from 'fast-check';
import { agentEntryArb } from '../test/arbitraries';
import { testdata } from '../test/helpers';
import { STREAM_ERROR_CONDITIONS, XmppStreamError } from './errors';
import { PublishAssembler } from './publish-pairing';
import { encodeEndOfRibMessage, encodeRouteMessages } from './route-message';
import {
  decodeStanza,
  encodeAgentEndOfRib,
  encodeRouteAdd,
  encodeRouteDelete,
  encodeSubscribe,
  encodeUnsubscribe,
} from './stanzas';
import { encodeAgentStreamHeader, encodeControlNodeStreamHeader, STREAM_CLOSE } from './stream';
import { StreamParser } from './stream-parser';
import { encodeUveMessage } from './uve';
import type { XmlElement } from './xml';

const RI = 'default-domain:p1:blue:blue';

function agentSession(): Buffer {
  const [inet, inet6, evpn] = (['inet', 'inet6', 'evpn'] as const).map(
    (f) => fc.sample(agentEntryArb(f), { numRuns: 1, seed: 7 })[0]!,
  );
  return Buffer.from(
    encodeAgentStreamHeader('agent-a') +
      encodeSubscribe({ from: 'agent-a', id: 's', node: RI, instanceId: 3 }) +
      ' ' +
      encodeRouteAdd({ from: 'agent-a', ri: RI, entry: inet!, primaryInstanceId: 2 }) +
      encodeRouteAdd({ from: 'agent-a', ri: RI, entry: inet6! }) +
      '\u0200' +
      encodeRouteAdd({ from: 'agent-a', ri: RI, entry: evpn! }) +
      encodeRouteDelete({ from: 'agent-a', ri: RI, nlri: inet!.nlri }) +
      encodeAgentEndOfRib({ from: 'agent-a' }) +
      encodeUveMessage({
        from: 'agent-a',
        uves: [{ type: 'vrouter', name: 'agent-a', struct: 'S', seq: 1, json: '{}' }],
      }) +
      encodeUnsubscribe({ from: 'agent-a', node: RI }) +
      STREAM_CLOSE,
    'utf8',
  );
}

function controlNodeSession(): Buffer {
  const entry = fc.sample(agentEntryArb('evpn'), { numRuns: 1, seed: 11 })[0]!;
  return Buffer.from(
    encodeControlNodeStreamHeader('agent-a', 'id1') +
      encodeRouteMessages({
        agent: 'agent-a',
        family: 'evpn',
        ri: RI,
        updates: [
          { op: 'add', entry },
          { op: 'retract', nlri: entry.nlri },
        ],
      }).join('\n') +
      encodeEndOfRibMessage('agent-a'),
    'utf8',
  );
}

const SEEDS: Array<{ name: string; bytes: Buffer; parser: () => StreamParser }> = [
  { name: 'skein agent', bytes: agentSession(), parser: () => StreamParser.forControlNode() },
  { name: 'tf agent', bytes: testdata('tf-agent-session.xml'), parser: () => StreamParser.forControlNode() },
  { name: 'skein control node', bytes: controlNodeSession(), parser: () => StreamParser.forAgent() },
  {
    name: 'tf control node',
    bytes: testdata('tf-control-node-messages.xml'),
    parser: () => StreamParser.forAgent(),
  },
];

/** Bytes that matter to XML, XMPP and UTF-8, plus anything. */
const byteArb = fc.oneof(
  fc.constantFrom(...Buffer.from('<>/&;\'"=! \t\r\n?-[]:#x').values(), 0x00, 0x80, 0xc8, 0xe2, 0xf0, 0xff),
  fc.integer({ min: 0, max: 255 }),
);

type Mutation =
  | { op: 'set'; at: number; byte: number }
  | { op: 'insert'; at: number; bytes: number[] }
  | { op: 'delete'; at: number; len: number }
  | { op: 'duplicate'; at: number; len: number }
  | { op: 'truncate'; at: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), byte: byteArb }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.array(byteArb, { minLength: 1, maxLength: 8 }),
  }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(input: Buffer, ms: Mutation[]): Buffer {
  let b = input;
  for (const m of ms) {
    const at = b.length === 0 ? 0 : m.at % b.length;
    switch (m.op) {
      case 'set':
        b = Buffer.from(b);
        if (b.length > 0) b[at] = m.byte;
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.len)]);
        break;
      case 'duplicate':
        b = Buffer.concat([b.subarray(0, at + m.len), b.subarray(at)]);
        break;
      case 'truncate':
        b = b.subarray(0, at);
        break;
    }
  }
  return b;
}

/** Runs bytes through what a session does; returns the stream error conditions seen. */
function runSession(bytes: Buffer, cuts: number[], parser: StreamParser): string[] {
  const assembler = new PublishAssembler();
  const conditions: string[] = [];
  let prev = 0;
  for (const c of [...cuts.map((x) => (bytes.length === 0 ? 0 : x % bytes.length)), bytes.length].sort(
    (a, b) => a - b,
  )) {
    const events = parser.push(bytes.subarray(prev, c));
    prev = c;
    for (const e of events) {
      if (conditions.length > 0) throw new Error(`event ${e.type} after a stream error`);
      if (e.type === 'error') {
        expect(e.error).toBeInstanceOf(XmppStreamError);
        expect(STREAM_ERROR_CONDITIONS).toContain(e.error.condition);
        conditions.push(e.error.condition);
      } else if (e.type === 'stanza') {
        const s = decodeStanza(e.element);
        if (s.kind === 'publish' || s.kind === 'collection') assembler.push(s);
      }
    }
  }
  return conditions;
}

const LIMIT = { interruptAfterTimeLimit: 1500, numRuns: 100_000 };

describe.each(SEEDS)('mutated $name stream', ({ bytes, parser }) => {
  test('the unmutated stream has no stream error', () => {
    expect(runSession(bytes, [], parser())).toEqual([]);
  });

  test('never throws, reports at most one error of the library’s own type', () => {
    fc.assert(
      fc.property(
        fc.array(mutationArb, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (ms, cuts) => {
          runSession(mutate(bytes, ms), cuts, parser());
        },
      ),
      LIMIT,
    );
  });
});

/** Well-formed trees of TF's element names: what byte mutations rarely reach, decoders must survive too. */
const NAMES = [
  'iq',
  'message',
  'pubsub',
  'publish',
  'collection',
  'associate',
  'dissociate',
  'subscribe',
  'unsubscribe',
  'options',
  'instance-id',
  'no-ribout',
  'item',
  'entry',
  'nlri',
  'af',
  'safi',
  'address',
  'mac',
  'ethernet-tag',
  'next-hops',
  'next-hop',
  'label',
  'vni',
  'l3-label',
  'tunnel-encapsulation-list',
  'tunnel-encapsulation',
  'tag-list',
  'tag',
  'olist',
  'version',
  'virtual-network',
  'sequence-number',
  'mobility',
  'security-group-list',
  'security-group',
  'community-tag-list',
  'community-tag',
  'local-preference',
  'med',
  'sub-protocol',
  'load-balance',
  'load-balance-fields',
  'load-balance-field-list',
  'load-balance-decision',
  'event',
  'items',
  'retract',
  'error',
  'text',
  'config',
  'update',
  'delete',
  'node',
  'link',
  'metadata',
  'name',
  'uve',
];
const TEXTS = [
  '',
  '1',
  '2',
  '25',
  '242',
  '0',
  '4294967296',
  '-1',
  '10.1.1.3/32',
  'fd00::3/128',
  '192.0.2.1',
  '0.0.0.0',
  '52:54:00:aa:bb:cc',
  'gre',
  'vxlan',
  'true',
  'x',
  ' 7 ',
  '16777216',
  'l3-source-address',
];
const ATTR_VALUES = [
  ...TEXTS,
  '1/1/r/10.1.1.3/32',
  '25/242/r/1-52:54:00:aa:bb:cc,10.1.1.3/32',
  'set',
  'result',
  'error',
  'r',
  '0/0/EndOfRib',
  '1/1/r',
  '2/1/r',
  '25/242/r',
  '1/241/r',
];

const treeArb = (depth: number): fc.Arbitrary<XmlElement> =>
  fc.record({
    name: fc.constantFrom(...NAMES),
    attrs: fc.dictionary(
      fc.constantFrom('type', 'node', 'id', 'from', 'to', 'seqno', 'sticky', 'name', 'struct', 'seq'),
      fc.constantFrom(...ATTR_VALUES),
      { maxKeys: 3 },
    ),
    children: depth === 0 ? fc.constant([]) : fc.array(treeArb(depth - 1), { maxLength: 3 }),
    text: fc.constantFrom(...TEXTS),
  });

const el = (name: string, attrs: Record<string, string>, children: XmlElement[]): XmlElement => ({
  name,
  attrs,
  children,
  text: '',
});
const leaf = (name: string, text: string): XmlElement => ({ name, attrs: {}, children: [], text });
/** Valid and invalid values side by side, so that decoding gets past one field and trips on the next. */
const pool = (...vs: string[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...vs) },
    { weight: 1, arbitrary: fc.constantFrom(...TEXTS) },
  );
const optLeaf = (name: string, values: fc.Arbitrary<string>) =>
  fc.option(
    values.map((t) => leaf(name, t)),
    { nil: undefined },
  );
const present = (xs: Array<XmlElement | undefined>) => xs.filter((x): x is XmlElement => x !== undefined);

const nextHopLikeArb = fc
  .tuple(
    optLeaf('af', pool('1', '2', '3')),
    optLeaf('address', pool('192.0.2.1', 'fd00::1', '0.0.0.0', '::', '1.2.3')),
    optLeaf('label', pool('7', '1048575', '1048576', '16777215', '16777216', 'x')),
    optLeaf('mac', pool('52:54:00:aa:bb:cc', 'zz')),
    optLeaf('vni', pool('5001', '16777216')),
    optLeaf('l3-label', pool('5001', '16777216')),
    fc.option(
      fc.array(pool('gre', 'udp', 'vxlan', 'mpls', 'native', 'nvgre', 'g r e'), { maxLength: 3 }).map((ts) =>
        el(
          'tunnel-encapsulation-list',
          {},
          ts.map((t) => leaf('tunnel-encapsulation', t)),
        ),
      ),
      { nil: undefined },
    ),
    fc.option(
      fc.array(pool('5', '-5'), { maxLength: 2 }).map((ts) =>
        el(
          'tag-list',
          {},
          ts.map((t) => leaf('tag', t)),
        ),
      ),
      { nil: undefined },
    ),
  )
  .map((cs) => el('next-hop', {}, present(cs)));

const entryTreeArb = fc
  .tuple(
    fc
      .tuple(
        optLeaf('af', pool('1', '2', '25')),
        optLeaf('safi', pool('1', '242')),
        optLeaf('ethernet-tag', pool('0', '5')),
        optLeaf('mac', pool('52:54:00:aa:bb:cc', '00:00:00:00:00:00', 'ff:ff:ff:ff:ff:ff')),
        optLeaf('address', pool('10.1.1.3/32', '10.1.0.0/16', 'fd00::3/128', '0.0.0.0/0')),
      )
      .map((cs) => el('nlri', {}, present(cs))),
    fc.array(nextHopLikeArb, { maxLength: 2 }).map((nhs) => el('next-hops', {}, nhs)),
    fc.option(
      fc.array(nextHopLikeArb, { maxLength: 2 }).map((nhs) => el('olist', {}, nhs)),
      { nil: undefined },
    ),
    optLeaf('local-preference', pool('100', '-1')),
    optLeaf('med', pool('200', 'x')),
    fc.option(
      fc
        .tuple(pool('1', 'x'), pool('true', 'maybe'))
        .map(([seqno, sticky]) => el('mobility', { seqno, sticky }, [])),
      { nil: undefined },
    ),
    fc.option(
      fc
        .tuple(fc.array(pool('l4-protocol', 'l9'), { maxLength: 2 }), pool('field-hash', 'coin'))
        .map(([fs, d]) =>
          el('load-balance', {}, [
            el(
              'load-balance-fields',
              {},
              fs.map((f) => leaf('load-balance-field-list', f)),
            ),
            leaf('load-balance-decision', d),
          ]),
        ),
      { nil: undefined },
    ),
    fc.array(treeArb(2), { maxLength: 2 }),
  )
  .map(([nlri, nhs, olist, lp, med, mob, lb, extra]) =>
    el('entry', {}, present([nlri, nhs, olist, lp, med, mob, lb, ...extra])),
  );

test('decodeStanza and the assembler never throw on arbitrary well-formed trees', () => {
  const assembler = new PublishAssembler();
  fc.assert(
    fc.property(
      fc.constantFrom('iq', 'message'),
      fc.array(treeArb(6), { maxLength: 3 }),
      fc.constantFrom('set', 'result', 'error'),
      (name, children, type) => {
        const s = decodeStanza({ name, attrs: { type }, children, text: '' });
        if (s.kind === 'publish' || s.kind === 'collection') assembler.push(s);
      },
    ),
    LIMIT,
  );
});

test('…nor on route stanzas whose entries are arbitrary trees', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        {
          weight: 6,
          arbitrary: fc.constantFrom(
            '1/1/r/10.1.1.3/32',
            '1/1/r/10.1.1.3/32/4',
            '2/1/r/fd00::3/128',
            '25/242/52:54:00:aa:bb:cc,10.1.1.3/32',
          ),
        },
        { weight: 1, arbitrary: fc.constantFrom(...ATTR_VALUES) },
      ),
      fc.array(entryTreeArb, { maxLength: 2 }),
      fc.constantFrom('associate', 'dissociate'),
      pool('1/1/r', '2/1/r', '25/242/r', '0/0/EndOfRib'),
      fc.array(
        fc.tuple(
          fc.constantFrom('item', 'retract'),
          pool(
            '10.1.1.3/32',
            'fd00::3/128',
            '52:54:00:aa:bb:cc,10.1.1.3/32',
            '5-52:54:00:aa:bb:cc,10.1.1.3/32',
          ),
          entryTreeArb,
        ),
        { maxLength: 3 },
      ),
      (node, entries, op, itemsNode, items) => {
        const assembler = new PublishAssembler();
        const publish = el('iq', { type: 'set' }, [
          el('pubsub', {}, [
            el(
              'publish',
              { node },
              entries.map((e) => el('item', {}, [e])),
            ),
          ]),
        ]);
        const collection = el('iq', { type: 'set' }, [
          el('pubsub', {}, [el('collection', { node: 'r' }, [el(op, { node }, [])])]),
        ]);
        for (const stanza of [publish, collection]) {
          const s = decodeStanza(stanza);
          if (s.kind === 'publish' || s.kind === 'collection') assembler.push(s);
        }
        decodeStanza(
          el('message', {}, [
            el('event', {}, [
              el(
                'items',
                { node: itemsNode },
                items.map(([n, id, e]) => el(n, { id }, [e])),
              ),
            ]),
          ]),
        );
      },
    ),
    LIMIT,
  );
});
