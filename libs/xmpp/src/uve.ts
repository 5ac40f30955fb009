import { ANALYTICS_RESOURCE, controlNodeJid, UVE_NS } from './constants';
import { itemError, type ItemError } from './errors';
import { parseU32 } from './node-names';
import { addressOf, type StanzaAddress } from './stanza-common';
import { escapeText, openTag, type XmlElement } from './xml';

/**
 * Agent UVEs relayed over XMPP (analytics.md §1): `<message to='…/analytics'>` with one or more
 * `<uve xmlns='urn:skein:analytics' type name struct seq>` + JSON text. Empty text = struct deleted.
 * The JSON is passed on as text: the control node republishes it unchanged.
 */
export interface Uve {
  type: string;
  name: string;
  struct: string;
  seq: number;
  /** The JSON value as sent; `''` means the struct was deleted. */
  json: string;
}

export interface UveMessage extends StanzaAddress {
  kind: 'uve';
  uves: Uve[];
  /** `<uve>` elements missing an attribute or with a bad `seq`. */
  errors: ItemError[];
}

export function encodeUveMessage(o: { from: string; uves: readonly Uve[] }): string {
  const body = o.uves
    .map(
      (u) =>
        `${openTag('uve', { xmlns: UVE_NS, type: u.type, name: u.name, struct: u.struct, seq: String(u.seq) })}${escapeText(u.json)}</uve>`,
    )
    .join('');
  return `${openTag('message', { from: o.from, to: controlNodeJid(ANALYTICS_RESOURCE) })}${body}</message>`;
}

export function decodeUveMessage(el: XmlElement): UveMessage {
  const out: UveMessage = { kind: 'uve', ...addressOf(el), uves: [], errors: [] };
  for (const c of el.children) {
    if (c.name !== 'uve') continue;
    const { type, name, struct, seq } = c.attrs;
    const n = seq === undefined ? undefined : parseU32(seq);
    if (!type || name === undefined || !struct || n === undefined) {
      out.errors.push(itemError('bad-field', 'uve needs type, name, struct and a numeric seq', name));
      continue;
    }
    out.uves.push({ type, name, struct, seq: n, json: c.text });
  }
  return out;
}
