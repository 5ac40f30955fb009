import fc from 'fast-check';
import { riArb, textArb } from '../test/arbitraries';
import { parseStanzas } from '../test/helpers';
import { splitJid } from './constants';
import { STANZA_ERROR_CONDITIONS } from './errors';
import { encodeStreamError } from './stream';
import {
  decodeStanza,
  encodeIqError,
  encodeIqResult,
  encodeSubscribe,
  encodeUnsubscribe,
  TLS_FEATURES_REQUIRED,
  TLS_PROCEED,
  type Stanza,
} from './stanzas';
import { element } from './xml';

const BGP_PEER = 'network-control@contrailsystems.com/bgp-peer';
const RI = 'default-domain:p1:blue:blue';

const decodeOne = (xml: string): Stanza => {
  const els = parseStanzas(xml);
  expect(els).toHaveLength(1);
  return decodeStanza(els[0]!);
};

describe('subscribe / unsubscribe', () => {
  test('the subscribe iq is routing.md’s', () => {
    expect(encodeSubscribe({ from: 'agent-a', id: 's1', node: RI, instanceId: 3 })).toBe(
      `<iq type='set' from='agent-a' to='${BGP_PEER}' id='s1'><pubsub xmlns='http://jabber.org/protocol/pubsub'>` +
        `<subscribe node='${RI}'/><options><instance-id>3</instance-id></options></pubsub></iq>`,
    );
  });

  test('no-ribout goes into <options>, where TF reads it', () => {
    expect(encodeSubscribe({ from: 'a', node: RI, instanceId: 3, noRibout: true })).toContain(
      '<options><instance-id>3</instance-id><no-ribout>true</no-ribout></options>',
    );
  });

  test('decode(encode(subscribe)) for any RI, instance-id and no-ribout', () => {
    fc.assert(
      fc.property(
        riArb(),
        fc.option(fc.nat(), { nil: undefined }),
        fc.boolean(),
        textArb(),
        (node, instanceId, noRibout, id) => {
          const expected: Stanza = { kind: 'subscribe', id, from: 'agent-a', to: BGP_PEER, node, noRibout };
          if (instanceId !== undefined) expected.instanceId = instanceId;
          expect(decodeOne(encodeSubscribe({ from: 'agent-a', id, node, instanceId, noRibout }))).toEqual(
            expected,
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  test('TF’s agent nests <options> inside <subscribe>; the instance-id is still read', () => {
    const tf =
      `<iq type="set" from="agent-a" to="${BGP_PEER}" id="subscribe0">\n<pubsub xmlns="http://jabber.org/protocol/pubsub">\n` +
      `<subscribe node="${RI}">\n<options>\n<instance-id>3</instance-id>\n</options>\n</subscribe>\n</pubsub>\n</iq>`;
    expect(decodeOne(tf)).toEqual({
      kind: 'subscribe',
      id: 'subscribe0',
      from: 'agent-a',
      to: BGP_PEER,
      node: RI,
      instanceId: 3,
      noRibout: false,
    });
  });

  test('decode(encode(unsubscribe))', () => {
    expect(decodeOne(encodeUnsubscribe({ from: 'agent-a', id: 'u1', node: RI }))).toEqual({
      kind: 'unsubscribe',
      id: 'u1',
      from: 'agent-a',
      to: BGP_PEER,
      node: RI,
    });
  });

  test('a config subscribe without id (TF’s ControllerSendCfgSubscribe) decodes', () => {
    const s = decodeOne(
      "<iq type='set' from='agent-a' to='network-control@contrailsystems.com/config'><pubsub xmlns='http://jabber.org/protocol/pubsub'>" +
        "<subscribe node='virtual-router:default-global-system-config:agent-a'/></pubsub></iq>",
    );
    expect(s).toEqual({
      kind: 'subscribe',
      from: 'agent-a',
      to: 'network-control@contrailsystems.com/config',
      node: 'virtual-router:default-global-system-config:agent-a',
      noRibout: false,
    });
  });
});

describe('iq replies', () => {
  const req = { id: 'p7', from: 'agent-a', to: BGP_PEER };

  test('result swaps from/to and keeps the id', () => {
    expect(encodeIqResult(req)).toBe(`<iq type='result' from='${BGP_PEER}' to='agent-a' id='p7'/>`);
    expect(decodeOne(encodeIqResult(req))).toEqual({
      kind: 'iq-result',
      id: 'p7',
      from: BGP_PEER,
      to: 'agent-a',
    });
  });

  test('error carries an RFC 6120 condition', () => {
    expect(encodeIqError(req, 'bad-request')).toBe(
      `<iq type='error' from='${BGP_PEER}' to='agent-a' id='p7'><error type='modify'>` +
        "<bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
    );
  });

  test.each(STANZA_ERROR_CONDITIONS)('decode(encode(iq error %s))', (condition) => {
    const d = decodeOne(encodeIqError(req, condition, 'why', 'cancel'));
    expect(d).toEqual({
      kind: 'iq-error',
      id: 'p7',
      from: BGP_PEER,
      to: 'agent-a',
      errorType: 'cancel',
      condition,
      text: 'why',
    });
  });
});

describe('stanzas that cannot be acted on are values, with the condition to answer', () => {
  test.each([
    ['an iq without type', "<iq id='1'/>", 'bad-request'],
    ['an iq get', "<iq type='get' id='1'><pubsub xmlns='x'/></iq>", 'feature-not-implemented'],
    [
      'a set that is not pubsub',
      "<iq type='set' id='1'><query xmlns='jabber:iq:roster'/></iq>",
      'feature-not-implemented',
    ],
    ['an empty set', "<iq type='set' id='1'/>", 'feature-not-implemented'],
    [
      'an unknown pubsub action',
      "<iq type='set' id='1'><pubsub><purge node='x'/></pubsub></iq>",
      'feature-not-implemented',
    ],
    ['a subscribe without node', "<iq type='set' id='1'><pubsub><subscribe/></pubsub></iq>", 'bad-request'],
    [
      'an unsubscribe without node',
      "<iq type='set' id='1'><pubsub><unsubscribe/></pubsub></iq>",
      'bad-request',
    ],
    [
      'a non-numeric instance-id',
      "<iq type='set' id='1'><pubsub><subscribe node='r'/><options><instance-id>x</instance-id></options></pubsub></iq>",
      'bad-request',
    ],
    [
      'a non-boolean no-ribout',
      "<iq type='set' id='1'><pubsub><subscribe node='r'/><options><no-ribout>yes</no-ribout></options></pubsub></iq>",
      'bad-request',
    ],
  ])('%s → %s', (_what, xml, condition) => {
    expect(decodeOne(xml)).toMatchObject({ kind: 'bad-stanza', id: '1', condition });
  });

  test('an element the stream parser would refuse still decodes to a value', () => {
    expect(decodeStanza(element('presence'))).toMatchObject({
      kind: 'bad-stanza',
      condition: 'feature-not-implemented',
    });
  });
});

describe('stream-level elements', () => {
  test('a received stream error', () => {
    expect(decodeOne(encodeStreamError('conflict'))).toEqual({ kind: 'stream-error', condition: 'conflict' });
  });

  test('STARTTLS negotiation', () => {
    expect(decodeOne(TLS_FEATURES_REQUIRED)).toEqual({ kind: 'stream-features', tlsRequired: true });
    expect(decodeOne(TLS_PROCEED)).toEqual({ kind: 'proceed' });
  });

  test('a message of unknown content is kept, not refused', () => {
    expect(decodeOne("<message from='a' to='b'><body>hi</body></message>")).toMatchObject({
      kind: 'message',
      from: 'a',
    });
  });
});

test('a session routes stanzas by the resource of their `to`', () => {
  expect(splitJid('network-control@contrailsystems.com/bgp-peer')).toEqual({
    bare: 'network-control@contrailsystems.com',
    resource: 'bgp-peer',
  });
  expect(splitJid('agent-a')).toEqual({ bare: 'agent-a' });
});
