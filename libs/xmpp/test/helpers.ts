import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RouteEntry } from '../src/route-item';
import { encodeAgentStreamHeader } from '../src/stream';
import { StreamParser, type StreamEvent } from '../src/stream-parser';
import type { XmlElement } from '../src/xml';

export const testdata = (name: string): Buffer => readFileSync(join(__dirname, '..', 'testdata', name));

/** Parses depth-1 elements with the real stream parser; fails the test on a stream error. */
export function parseStanzas(xml: string): XmlElement[] {
  const events = StreamParser.forAgent().push(Buffer.from(encodeAgentStreamHeader('t') + xml, 'utf8'));
  const err = events.find((e) => e.type === 'error');
  if (err?.type === 'error') throw new Error(`${err.error.condition}: ${err.error.message}`);
  return events.flatMap((e: StreamEvent) => (e.type === 'stanza' ? [e.element] : []));
}

/** Parses one element of any name by wrapping it in a message stanza. */
export function parseElement(xml: string): XmlElement {
  return parseStanzas(`<message>${xml}</message>`)[0]!.children[0]!;
}

/** Layout whitespace between tags, as in routing.md's wrapped example, is not content. */
export const compact = (xml: string): string => xml.replace(/>\s+</g, '><').trim();

/** The `<entry>` of routing.md's publish example (`testdata/routing-md-publish-example.xml`), decoded. */
export const PUBLISH_EXAMPLE_ENTRY: RouteEntry = {
  nlri: { family: 'inet', prefix: '10.1.1.3/32' },
  nextHops: [{ address: '192.0.2.11', label: 21, tunnelEncapsulations: ['gre', 'udp'], tags: [5] }],
  version: 1,
  virtualNetwork: 'default-domain:p1:blue',
  sequenceNumber: 0,
  securityGroups: [8000002],
  communityTags: ['64512:10'],
  localPreference: 100,
  med: 0,
  subProtocol: 'interface',
};
