import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { CONTROL_NODE_JID } from './constants';
import { encodeAgentStreamHeader, encodeControlNodeStreamHeader, STREAM_CLOSE } from './stream';
import { StreamParser, type StreamEvent } from './stream-parser';

const testdata = (name: string) => readFileSync(join(__dirname, '..', 'testdata', name));

const HEADER = encodeAgentStreamHeader('agent-a');
const SUBSCRIBE =
  "<iq type='set' from='agent-a' to='network-control@contrailsystems.com/bgp-peer' id='s1'>" +
  "<pubsub xmlns='http://jabber.org/protocol/pubsub'><subscribe node='default-domain:p1:blue:blue'/>" +
  '<options><instance-id>3</instance-id></options></pubsub></iq>';

/** Comparable summary; consecutive keepalives merge because their count depends on chunking. */
type Summary = { type: string; detail?: string };
function summarize(events: StreamEvent[]): Summary[] {
  const out: Summary[] = [];
  for (const e of events) {
    const s: Summary =
      e.type === 'stanza'
        ? { type: 'stanza', detail: e.raw }
        : e.type === 'error'
          ? { type: 'error', detail: e.error.condition }
          : e.type === 'header'
            ? { type: 'header', detail: JSON.stringify(e.header.attrs) }
            : { type: e.type };
    if (s.type === 'keepalive' && out[out.length - 1]?.type === 'keepalive') continue;
    out.push(s);
  }
  return out;
}

function feed(bytes: Uint8Array, cuts: number[], parser = StreamParser.forControlNode()): StreamEvent[] {
  const events: StreamEvent[] = [];
  let prev = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    events.push(...parser.push(bytes.subarray(prev, c)));
    prev = c;
  }
  events.push(...parser.push(bytes.subarray(prev)));
  return events;
}

function errorOf(events: StreamEvent[]): string | undefined {
  const e = events.find((x) => x.type === 'error');
  return e?.type === 'error' ? e.error.condition : undefined;
}

const parseAll = (s: string | Uint8Array, parser = StreamParser.forControlNode()) =>
  parser.push(typeof s === 'string' ? Buffer.from(s, 'utf8') : s);

describe('stream header', () => {
  test('the agent header is routing.md’s, byte for byte', () => {
    expect(HEADER).toBe(
      "<?xml version='1.0'?><stream:stream from='agent-a' to='network-control@contrailsystems.com' " +
        "version='1.0' xml:lang='en' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>",
    );
  });

  test('the control node answers with from/to swapped plus an id', () => {
    expect(encodeControlNodeStreamHeader('agent-a', 'c0ffee')).toBe(
      "<?xml version='1.0'?><stream:stream from='network-control@contrailsystems.com' to='agent-a' id='c0ffee' " +
        "version='1.0' xml:lang='en' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>",
    );
  });

  test('the control-node parser reports the agent header', () => {
    const [ev] = parseAll(HEADER);
    expect(ev).toEqual({
      type: 'header',
      header: expect.objectContaining({ from: 'agent-a', to: CONTROL_NODE_JID, version: '1.0', lang: 'en' }),
    });
  });

  test('the agent parser accepts the control node header and its id', () => {
    const [ev] = parseAll(encodeControlNodeStreamHeader('agent-a', 'x1'), StreamParser.forAgent());
    expect(ev).toEqual({
      type: 'header',
      header: expect.objectContaining({ from: CONTROL_NODE_JID, id: 'x1' }),
    });
  });

  test.each(
    [
      ['to another host', HEADER.replace(CONTROL_NODE_JID, 'someone@else.example'), 'host-unknown'],
      ['no to', HEADER.replace(` to='${CONTROL_NODE_JID}'`, ''), 'host-unknown'],
      ['no from', HEADER.replace(" from='agent-a'", ''), 'invalid-from'],
      [
        'wrong stream namespace',
        HEADER.replace('http://etherx.jabber.org/streams', 'urn:x'),
        'invalid-namespace',
      ],
      [
        'version 2.0',
        HEADER.replace("version='1.0' xml:lang", "version='2.0' xml:lang"),
        'unsupported-version',
      ],
      ['another root element', "<?xml version='1.0'?><iq type='set'/>", 'not-well-formed'],
    ].map(([what, text, cond]) => [what, cond, text]),
  )('header with %s → %s', (_what, condition, header) => {
    expect(errorOf(parseAll(header))).toBe(condition);
  });

  test('the agent-side parser does not insist on the control node address', () => {
    const events = parseAll(encodeControlNodeStreamHeader('agent-a', 'x'), StreamParser.forAgent());
    expect(errorOf(events)).toBeUndefined();
  });
});

describe('stanzas and chunking', () => {
  const stream = Buffer.from(`${HEADER}${SUBSCRIBE} ${SUBSCRIBE}${STREAM_CLOSE}`, 'utf8');
  const whole = summarize(feed(stream, []));

  test('a whole stream gives header, stanzas with their exact text, keepalive, close', () => {
    expect(whole.map((e) => e.type)).toEqual(['header', 'stanza', 'keepalive', 'stanza', 'close']);
    expect(whole[1]!.detail).toBe(SUBSCRIBE);
  });

  test('one byte at a time gives the same events', () => {
    const cuts = Array.from({ length: stream.length - 1 }, (_, i) => i + 1);
    expect(summarize(feed(stream, cuts))).toEqual(whole);
  });

  test('a cut at any single byte gives the same events', () => {
    for (let i = 1; i < stream.length; i++) expect(summarize(feed(stream, [i]))).toEqual(whole);
  });

  test('arbitrary chunkings of TF-style traffic give the same events (property)', () => {
    const bytes = testdata('tf-agent-session.xml');
    const reference = summarize(feed(bytes, []));
    expect(errorOf(feed(bytes, []))).toBeUndefined();
    expect(reference.filter((e) => e.type === 'stanza')).toHaveLength(8);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }),
        (cuts) => {
          expect(summarize(feed(bytes, cuts))).toEqual(reference);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('multi-byte characters split across chunks keep their bytes', () => {
    const iq = "<iq type='set' id='é€😀'/>";
    const bytes = Buffer.from(HEADER + iq, 'utf8');
    const start = bytes.indexOf('é');
    const events = feed(bytes, [start + 1, start + 3, start + 6]);
    const stanza = events.find((e) => e.type === 'stanza');
    expect(stanza).toMatchObject({ raw: iq, bytes: Buffer.byteLength(iq) });
    expect(stanza?.type === 'stanza' && stanza.element.attrs['id']).toBe('é€😀');
  });

  test('a self-closing stream header opens and closes the stream', () => {
    const events = parseAll(HEADER.replace(/>$/, '/>'));
    expect(events.map((e) => e.type)).toEqual(['header', 'close']);
  });

  test('data after </stream:stream> is not-well-formed', () => {
    expect(errorOf(parseAll(`${HEADER}${STREAM_CLOSE}${SUBSCRIBE}`))).toBe('not-well-formed');
  });

  test('whitespace after </stream:stream> is harmless', () => {
    expect(errorOf(parseAll(`${HEADER}${STREAM_CLOSE}\n `))).toBeUndefined();
  });
});

describe('keepalives', () => {
  test.each([
    ['space', ' '],
    ['tab', '\t'],
    ['CR', '\r'],
    ['LF', '\n'],
    ['U+0200', '\u0200'],
  ])('%s between stanzas is reported as soon as it arrives', (_n, ws) => {
    const p = StreamParser.forControlNode();
    p.push(Buffer.from(HEADER + SUBSCRIBE));
    expect(p.push(Buffer.from(ws, 'utf8'))).toEqual([{ type: 'keepalive' }]);
  });

  test('TF’s 0xC8 0x80 split in two chunks is one keepalive, once complete', () => {
    const p = StreamParser.forControlNode();
    p.push(Buffer.from(HEADER));
    expect(p.push(Uint8Array.of(0xc8))).toEqual([]);
    expect(p.push(Uint8Array.of(0x80))).toEqual([{ type: 'keepalive' }]);
  });

  test('keepalive right before a stanza in the same chunk comes first', () => {
    const p = StreamParser.forControlNode();
    p.push(Buffer.from(HEADER));
    expect(p.push(Buffer.from(` \u0200${SUBSCRIBE}`)).map((e) => e.type)).toEqual(['keepalive', 'stanza']);
  });

  test('other text between stanzas is not-well-formed', () => {
    expect(errorOf(parseAll(`${HEADER} x ${SUBSCRIBE}`))).toBe('not-well-formed');
    expect(errorOf(parseAll(`${HEADER}&#32;`))).toBe('not-well-formed');
  });

  test('endless whitespace is bounded like a stanza', () => {
    const p = new StreamParser({ maxStanzaBytes: 1000 });
    p.push(Buffer.from(HEADER));
    let events: StreamEvent[] = [];
    for (let i = 0; i < 20 && errorOf(events) === undefined; i++)
      events = p.push(Buffer.from(' '.repeat(100)));
    expect(errorOf(events)).toBe('policy-violation');
  });
});

describe('stream-fatal errors', () => {
  test.each(
    [
      ['mismatched tags', `${HEADER}<iq type='set'></message>`, 'not-well-formed'],
      ['unquoted attribute', `${HEADER}<iq type=set/>`, 'not-well-formed'],
      ['duplicate attribute', `${HEADER}<iq type='a' type='b'/>`, 'not-well-formed'],
      ['a disallowed control character', `${HEADER}<iq type='set'>\u0001</iq>`, 'not-well-formed'],
      ['unknown top-level <presence>', `${HEADER}<presence/>`, 'unsupported-stanza-type'],
      ['unknown top-level <foo>', `${HEADER}<foo><bar/></foo>`, 'unsupported-stanza-type'],
      ['an undeclared entity', `${HEADER}<iq type='set'>&xxe;</iq>`, 'not-well-formed'],
      ['a comment', `${HEADER}<!-- hi -->`, 'restricted-xml'],
      ['a processing instruction', `${HEADER}<?php echo 1 ?>`, 'restricted-xml'],
      ['XML 1.1', HEADER.replace("version='1.0'?>", "version='1.1'?>"), 'not-well-formed'],
      [
        'Latin-1 encoding',
        HEADER.replace("version='1.0'?>", "version='1.0' encoding='ISO-8859-1'?>"),
        'unsupported-encoding',
      ],
    ].map(([what, text, cond]) => [what, cond, text]),
  )('%s → %s', (_what, condition, text) => {
    expect(errorOf(parseAll(text))).toBe(condition);
  });

  test('a DTD is refused before anything is expanded (billion laughs)', () => {
    const lol =
      "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;&lol;&lol;&lol;'>]>" +
      "<stream:stream to='network-control@contrailsystems.com' from='a' version='1.0' " +
      "xmlns:stream='http://etherx.jabber.org/streams'><iq type='set'>&lol2;</iq>";
    const events = parseAll(lol);
    expect(errorOf(events)).toBe('restricted-xml');
    expect(events.filter((e) => e.type === 'stanza')).toEqual([]);
  });

  test('invalid UTF-8 is not-well-formed', () => {
    const bytes = Buffer.concat([Buffer.from(HEADER), Uint8Array.of(0xff, 0xfe)]);
    expect(errorOf(parseAll(bytes))).toBe('not-well-formed');
  });

  test('after an error the parser reports nothing more', () => {
    const p = StreamParser.forControlNode();
    expect(errorOf(p.push(Buffer.from(`${HEADER}<presence/>`)))).toBe('unsupported-stanza-type');
    expect(p.failed).toBe(true);
    expect(p.push(Buffer.from(SUBSCRIBE))).toEqual([]);
  });

  test('only the first error of a chunk is reported', () => {
    const events = parseAll(`${HEADER}<presence/><foo/>`);
    expect(events.filter((e) => e.type === 'error')).toHaveLength(1);
  });

  test('nesting beyond maxDepth is a policy-violation', () => {
    const deep = `${'<a>'.repeat(10)}${'</a>'.repeat(10)}`;
    const p = new StreamParser({ maxDepth: 8 });
    expect(errorOf(p.push(Buffer.from(`${HEADER}<iq>${deep}</iq>`)))).toBe('policy-violation');
  });
});

describe('stanza size limit', () => {
  const iqOf = (text: string) => `<iq type='set' id='big'>${text}</iq>`;

  test('a stanza of exactly the limit passes, one byte more is a policy-violation', () => {
    const overhead = Buffer.byteLength(iqOf(''));
    const limit = 200;
    const fits = iqOf('x'.repeat(limit - overhead));
    const p1 = new StreamParser({ maxStanzaBytes: limit });
    expect(p1.push(Buffer.from(HEADER + fits)).find((e) => e.type === 'stanza')).toMatchObject({
      bytes: limit,
    });
    const p2 = new StreamParser({ maxStanzaBytes: limit });
    expect(errorOf(p2.push(Buffer.from(HEADER + iqOf('x'.repeat(limit - overhead + 1)))))).toBe(
      'policy-violation',
    );
  });

  test('the limit counts UTF-8 bytes, not characters', () => {
    const p = new StreamParser({ maxStanzaBytes: 100 });
    // 60 characters, 120 bytes of text.
    expect(errorOf(p.push(Buffer.from(HEADER + iqOf('é'.repeat(60)))))).toBe('policy-violation');
  });

  test('the default limit is 4 MiB and an oversized stanza is refused before it ends', () => {
    const p = StreamParser.forControlNode();
    p.push(Buffer.from(HEADER + "<iq type='set'>"));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let events: StreamEvent[] = [];
    let sent = 0;
    while (errorOf(events) === undefined && sent < 5 * 1024 * 1024) {
      events = p.push(chunk);
      sent += chunk.length;
    }
    expect(errorOf(events)).toBe('policy-violation');
    expect(sent).toBeGreaterThan(4 * 1024 * 1024 - 64 * 1024);
    expect(sent).toBeLessThanOrEqual(4 * 1024 * 1024 + 64 * 1024);
  });

  test('a 4 MiB stanza just under the default limit is accepted', () => {
    const p = StreamParser.forControlNode();
    const body = 'a'.repeat(4 * 1024 * 1024 - 100);
    const events = p.push(Buffer.from(HEADER + iqOf(body)));
    expect(errorOf(events)).toBeUndefined();
    expect(events.find((e) => e.type === 'stanza')).toBeDefined();
  });
});

describe('stream header limit (issue 7)', () => {
  test('an endless unfinished header is a policy-violation at 16 KiB and nothing more is kept', () => {
    const p = StreamParser.forControlNode();
    let events = p.push(Buffer.from("<?xml version='1.0'?><stream:stream from='"));
    let sent = 0;
    const chunk = Buffer.alloc(1024, 'a');
    while (errorOf(events) === undefined && sent < 1024 * 1024) {
      events = p.push(chunk);
      sent += chunk.length;
      expect(p.buffered).toBeLessThanOrEqual(16 * 1024 + chunk.length);
    }
    expect(errorOf(events)).toBe('policy-violation');
    expect(sent).toBeLessThanOrEqual(16 * 1024 + chunk.length);
    expect(p.buffered).toBe(0);
    expect(p.push(chunk)).toEqual([]);
  });

  test('endless whitespace before the header is bounded too', () => {
    const p = StreamParser.forControlNode({ maxHeaderBytes: 100 });
    expect(errorOf(p.push(Buffer.from(' '.repeat(101))))).toBe('policy-violation');
  });

  test('a header just under the limit passes, and the limit does not apply to stanzas after it', () => {
    const p = StreamParser.forControlNode({ maxHeaderBytes: HEADER.length });
    const events = p.push(Buffer.from(HEADER + SUBSCRIBE));
    expect(errorOf(events)).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(['header', 'stanza']);
  });
});
