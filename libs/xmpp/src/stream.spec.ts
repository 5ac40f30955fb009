import { STREAM_ERROR_CONDITIONS } from './errors';
import { decodeStreamError, encodeAgentStreamHeader, encodeStreamError } from './stream';
import { StreamParser } from './stream-parser';

function receive(text: string) {
  const events = StreamParser.forAgent().push(Buffer.from(encodeAgentStreamHeader('a') + text));
  const stanza = events.find((e) => e.type === 'stanza');
  if (stanza?.type !== 'stanza') throw new Error(`no stanza in ${JSON.stringify(events)}`);
  return stanza.element;
}

test('conflict is written as RFC 6120 shows it', () => {
  expect(encodeStreamError('conflict')).toBe(
    "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
  );
});

test('the optional text is escaped', () => {
  expect(encodeStreamError('policy-violation', "a < b & 'c'")).toBe(
    "<stream:error><policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>" +
      "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>a &lt; b &amp; 'c'</text></stream:error>",
  );
});

test.each(STREAM_ERROR_CONDITIONS)('%s survives encode → parse → decode', (condition) => {
  expect(decodeStreamError(receive(encodeStreamError(condition, 'why')))).toEqual({ condition, text: 'why' });
});

test('an unknown condition from a peer reads as undefined-condition', () => {
  expect(decodeStreamError(receive("<stream:error><made-up xmlns='x'/></stream:error>"))).toEqual({
    condition: 'undefined-condition',
  });
});
