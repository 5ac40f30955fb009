import type { ItemError, StanzaErrorCondition } from './errors';
import type { XmlElement } from './xml';

/** Addressing common to every stanza. TF's agent omits `id` on some iqs (config subscribe). */
export interface StanzaAddress {
  id?: string;
  from?: string;
  to?: string;
}

/**
 * A stanza that cannot be acted on. For an iq with an id, answer with `encodeIqError(…condition)`; keep
 * the stream either way (TF itself silently ignores such stanzas).
 */
export interface BadStanza extends StanzaAddress {
  kind: 'bad-stanza';
  stanza: string;
  condition: StanzaErrorCondition;
  reason: string;
  /** Item-level detail when the stanza is a route message whose table cannot be used. */
  itemError?: ItemError;
}

export function addressOf(el: XmlElement): StanzaAddress {
  const a: StanzaAddress = {};
  if (el.attrs['id'] !== undefined) a.id = el.attrs['id'];
  if (el.attrs['from'] !== undefined) a.from = el.attrs['from'];
  if (el.attrs['to'] !== undefined) a.to = el.attrs['to'];
  return a;
}

export function badStanza(
  el: XmlElement,
  condition: StanzaErrorCondition,
  reason: string,
  itemError?: ItemError,
): BadStanza {
  const b: BadStanza = { kind: 'bad-stanza', ...addressOf(el), stanza: el.name, condition, reason };
  if (itemError) b.itemError = itemError;
  return b;
}
