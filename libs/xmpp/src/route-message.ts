import {
  BGP_PEER_RESOURCE,
  CONTROL_NODE_JID,
  END_OF_RIB_NODE,
  MAX_ITEMS_PER_MESSAGE,
  PUBSUB_NS,
} from './constants';
import { itemError, type ItemError } from './errors';
import { formatItemsNode, itemIdOf, parseItemId, parseItemsNode, type Family, type Nlri } from './node-names';
import { decodeEntry, encodeEntry, type RouteEntry } from './route-item';
import { addressOf, badStanza, type BadStanza, type StanzaAddress } from './stanza-common';
import { validateEventEntry } from './validate';
import { child, openTag, serialize, type XmlElement } from './xml';

/**
 * Control node → agent: `<message><event xmlns=pubsub><items node='<afi>/<safi>/<ri>'>` with `<item id>`
 * (add/change, full entry) and `<retract id>` (withdraw), as BgpXmppMessage builds them; and the
 * end-of-RIB marker `<items node='0/0/EndOfRib'></items>` (BgpXmppChannel::SendEndOfRIB).
 */

export type RouteUpdate = { op: 'add'; entry: RouteEntry } | { op: 'retract'; nlri: Nlri };

/** One decoded `<item>`/`<retract>`, in message order. */
export type EventItem =
  | { op: 'add'; id: string; entry: RouteEntry }
  | { op: 'retract'; id: string; nlri: Nlri }
  | { op: 'error'; error: ItemError };

export interface RouteEventMessage extends StanzaAddress {
  kind: 'route-event';
  family: Family;
  ri: string;
  items: EventItem[];
}

export interface EndOfRibMessage extends StanzaAddress {
  kind: 'end-of-rib';
}

export interface RouteMessageOptions {
  /** The agent name; messages go to `<agent>/bgp-peer`. */
  agent: string;
  family: Family;
  ri: string;
  updates: readonly RouteUpdate[];
  /** Spec D: 256. */
  maxItemsPerMessage?: number;
}

function messageOpen(agent: string): string {
  return openTag('message', { from: CONTROL_NODE_JID, to: `${agent}/${BGP_PEER_RESOURCE}` });
}

const EVENT_OPEN = openTag('event', { xmlns: PUBSUB_NS });

/**
 * Item XML by update object. A control node hands one update object to every agent of an RI that sees the
 * route alike, so each is serialised once however many agents receive it; updates are never changed after
 * they are made.
 */
const encodedItems = new WeakMap<RouteUpdate, string>();

function encodeUpdate(u: RouteUpdate): string {
  let xml = encodedItems.get(u);
  if (xml !== undefined) return xml;
  xml =
    u.op === 'retract'
      ? openTag('retract', { id: itemIdOf(u.nlri) }, true)
      : `${openTag('item', { id: itemIdOf(u.entry.nlri) })}${serialize(encodeEntry(u.entry))}</item>`;
  encodedItems.set(u, xml);
  return xml;
}

/**
 * Encodes updates of one table as as many messages as needed, in order, each with at most
 * `maxItemsPerMessage` items and retracts together. No updates, no messages.
 */
export function encodeRouteMessages(o: RouteMessageOptions): string[] {
  const max = o.maxItemsPerMessage ?? MAX_ITEMS_PER_MESSAGE;
  if (!(max >= 1)) throw new RangeError('maxItemsPerMessage must be at least 1');
  const head = `${messageOpen(o.agent)}${EVENT_OPEN}${openTag('items', { node: formatItemsNode(o.family, o.ri) })}`;
  const out: string[] = [];
  for (let i = 0; i < o.updates.length; i += max) {
    out.push(
      `${head}${o.updates
        .slice(i, i + max)
        .map(encodeUpdate)
        .join('')}</items></event></message>`,
    );
  }
  return out;
}

/** `<items node='0/0/EndOfRib'></items>`, written out in full as routing.md shows it. */
export function encodeEndOfRibMessage(agent: string): string {
  return `${messageOpen(agent)}${EVENT_OPEN}${openTag('items', { node: END_OF_RIB_NODE })}</items></event></message>`;
}

function decodeEventItem(el: XmlElement, family: Family): EventItem {
  const id = el.attrs['id'] ?? '';
  const nlri = parseItemId(family, id);
  if (!nlri.ok) return { op: 'error', error: nlri.error };
  if (el.name === 'retract') return { op: 'retract', id: itemIdOf(nlri.value), nlri: nlri.value };
  const entryEl = child(el, 'entry');
  if (!entryEl) return { op: 'error', error: itemError('malformed-item', 'item without <entry>', id) };
  const entry = decodeEntry(entryEl, family, id);
  if (!entry.ok) return { op: 'error', error: entry.error };
  const canonicalId = itemIdOf(nlri.value);
  if (itemIdOf(entry.value.nlri) !== canonicalId) {
    return {
      op: 'error',
      error: itemError('node-mismatch', `item id ${id} but nlri ${itemIdOf(entry.value.nlri)}`, id),
    };
  }
  const bad = validateEventEntry(entry.value, id);
  if (bad) return { op: 'error', error: bad };
  return { op: 'add', id: canonicalId, entry: entry.value };
}

export function decodeRouteMessage(
  el: XmlElement,
  event: XmlElement,
): RouteEventMessage | EndOfRibMessage | BadStanza {
  const items = child(event, 'items')!;
  const node = parseItemsNode(items.attrs['node'] ?? '');
  if (!node.ok) {
    const cond = node.error.code === 'unsupported-family' ? 'feature-not-implemented' : 'bad-request';
    return badStanza(el, cond, node.error.message, node.error);
  }
  if (node.value.kind === 'end-of-rib') return { kind: 'end-of-rib', ...addressOf(el) };
  const { family, ri } = node.value;
  const out: EventItem[] = [];
  for (const c of items.children) {
    if (c.name === 'item' || c.name === 'retract') out.push(decodeEventItem(c, family));
  }
  return { kind: 'route-event', ...addressOf(el), family, ri, items: out };
}
