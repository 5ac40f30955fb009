import { CLIENT_NS, CONTROL_NODE_JID, STREAM_ERRORS_NS, STREAM_NS } from './constants';
import { isStreamErrorCondition, type StreamErrorCondition } from './errors';
import { escapeText, openTag, type XmlElement } from './xml';

/**
 * Stream framing as routing.md part D writes it. TF builds the same attributes in the same order from its
 * `sXMPP_STREAM_OPEN` / `sXMPP_STREAM_RESP` templates (xmpp_str.h); its bytes differ only in quoting and
 * whitespace, which a real XML parser on either side does not see.
 */
const XML_DECL = "<?xml version='1.0'?>";

function header(attrs: Record<string, string>): string {
  return (
    XML_DECL +
    openTag('stream:stream', {
      ...attrs,
      version: '1.0',
      'xml:lang': 'en',
      xmlns: CLIENT_NS,
      'xmlns:stream': STREAM_NS,
    })
  );
}

/** The agent opens: `from` = its name (which names its virtual-router), `to` = the control node. */
export function encodeAgentStreamHeader(agentName: string): string {
  return header({ from: agentName, to: CONTROL_NODE_JID });
}

/** The control node answers with `from`/`to` swapped plus a stream `id`. */
export function encodeControlNodeStreamHeader(agentName: string, id: string): string {
  return header({ from: CONTROL_NODE_JID, to: agentName, id });
}

export const STREAM_CLOSE = '</stream:stream>';

/** What Skein sends every hold-time/3 when idle (it accepts TF's U+0200 too). */
export const KEEPALIVE = ' ';

/** `<stream:error><cond xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>[<text …>…</text>]</stream:error>`. */
export function encodeStreamError(condition: StreamErrorCondition, text?: string): string {
  const cond = openTag(condition, { xmlns: STREAM_ERRORS_NS }, true);
  const t =
    text === undefined || text === ''
      ? ''
      : `${openTag('text', { xmlns: STREAM_ERRORS_NS })}${escapeText(text)}</text>`;
  return `<stream:error>${cond}${t}</stream:error>`;
}

export interface StreamErrorInfo {
  /** `undefined-condition` when the peer sent something outside RFC 6120's list. */
  condition: StreamErrorCondition;
  text?: string;
}

/** Reads a received `<stream:error>` element. */
export function decodeStreamError(el: XmlElement): StreamErrorInfo {
  let condition: StreamErrorCondition = 'undefined-condition';
  let text: string | undefined;
  for (const c of el.children) {
    if (c.name === 'text') text = c.text;
    else if (isStreamErrorCondition(c.name)) condition = c.name;
  }
  return text === undefined ? { condition } : { condition, text };
}
