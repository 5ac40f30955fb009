import { decodeConfigIq, type ConfigIq } from './config';
import { BGP_PEER_RESOURCE, controlNodeJid, PUBSUB_NS, STANZA_ERRORS_NS, TLS_NS } from './constants';
import { isStanzaErrorCondition, type StanzaErrorCondition } from './errors';
import { formatPublishNode, parseU32, type Nlri } from './node-names';
import { decodeRouteMessage, type EndOfRibMessage, type RouteEventMessage } from './route-message';
import { encodeEntry, type RouteEntry } from './route-item';
import { addressOf, badStanza, type BadStanza, type StanzaAddress } from './stanza-common';
import { decodeStreamError, type StreamErrorInfo } from './stream';
import { decodeUveMessage, type UveMessage } from './uve';
import { child, element, escapeText, openTag, serialize, type XmlElement } from './xml';

export type { BadStanza, StanzaAddress } from './stanza-common';

/** `<subscribe node='<ri>'/>` plus `<options>`: the agent joins a routing instance (or, on /config, a VM). */
export interface SubscribeIq extends StanzaAddress {
  kind: 'subscribe';
  node: string;
  /** Used as the RD's local part for the agent's routes in this RI; absent if the agent sent none. */
  instanceId?: number;
  /** Publish-only: nothing is sent back for this RI. */
  noRibout: boolean;
}

export interface UnsubscribeIq extends StanzaAddress {
  kind: 'unsubscribe';
  node: string;
}

/**
 * First half of a route update. The `<item>`s are kept undecoded because how to read them depends on
 * the `collection` iq that follows (a delete needs only the NLRI; TF's agent even sends next hop
 * 0.0.0.0 in deletes). `PublishAssembler` pairs the two and decodes. No items = the agent's end-of-RIB.
 */
export interface PublishIq extends StanzaAddress {
  kind: 'publish';
  /** `''` when absent (the end-of-RIB form). */
  node: string;
  items: XmlElement[];
}

export interface CollectionIq extends StanzaAddress {
  kind: 'collection';
  /** The routing instance. */
  node: string;
  /** `associate` = add/change, `dissociate` = delete; absent in the end-of-RIB form. */
  op?: 'associate' | 'dissociate';
  /** The publish node it completes; `''` when absent. */
  itemNode: string;
}

export interface IqResult extends StanzaAddress {
  kind: 'iq-result';
}

export type StanzaErrorType = 'auth' | 'cancel' | 'continue' | 'modify' | 'wait';

export interface IqError extends StanzaAddress {
  kind: 'iq-error';
  errorType: StanzaErrorType;
  condition: StanzaErrorCondition;
  text?: string;
}

export interface StreamErrorStanza extends StreamErrorInfo {
  kind: 'stream-error';
}

/** STARTTLS negotiation elements (`urn:ietf:params:xml:ns:xmpp-tls`); Skein runs without TLS in tests. */
export interface TlsStanza {
  kind: 'stream-features' | 'starttls' | 'proceed' | 'tls-failure';
  /** stream-features: whether `<starttls><required/></starttls>` was offered. */
  tlsRequired?: boolean;
}

/** A `<message>` that is none of the known kinds; kept for logging. */
export interface OtherMessage extends StanzaAddress {
  kind: 'message';
  element: XmlElement;
}

export type Stanza =
  | SubscribeIq
  | UnsubscribeIq
  | PublishIq
  | CollectionIq
  | IqResult
  | IqError
  | ConfigIq
  | RouteEventMessage
  | EndOfRibMessage
  | UveMessage
  | OtherMessage
  | StreamErrorStanza
  | TlsStanza
  | BadStanza;

/** Turns a depth-1 element from the stream parser into a typed stanza. Never throws. */
export function decodeStanza(el: XmlElement): Stanza {
  switch (el.name) {
    case 'iq':
      return decodeIq(el);
    case 'message':
      return decodeMessage(el);
    case 'stream:error':
      return { kind: 'stream-error', ...decodeStreamError(el) };
    case 'stream:features': {
      const tls = child(el, 'starttls');
      return tls
        ? { kind: 'stream-features', tlsRequired: child(tls, 'required') !== undefined }
        : { kind: 'stream-features' };
    }
    case 'starttls':
      return { kind: 'starttls' };
    case 'proceed':
      return { kind: 'proceed' };
    case 'failure':
      return { kind: 'tls-failure' };
    default:
      return badStanza(el, 'feature-not-implemented', `unknown stanza <${el.name}>`);
  }
}

function decodeIq(el: XmlElement): Stanza {
  const addr = addressOf(el);
  switch (el.attrs['type']) {
    case 'result':
      return { kind: 'iq-result', ...addr };
    case 'error':
      return decodeIqError(el, addr);
    case 'set':
      break;
    case 'get':
      return badStanza(el, 'feature-not-implemented', 'iq get is not served');
    default:
      return badStanza(el, 'bad-request', `iq type ${JSON.stringify(el.attrs['type'] ?? '')}`);
  }
  const body = el.children[0];
  if (body?.name === 'config') return decodeConfigIq(el, body, addr);
  if (body?.name !== 'pubsub')
    return badStanza(el, 'feature-not-implemented', `iq set <${body?.name ?? ''}>`);
  // TF's XmppProto::GetAction: the first child of <pubsub> names the action.
  const action = body.children[0];
  switch (action?.name) {
    case 'subscribe':
      return decodeSubscribe(el, body, action, addr);
    case 'unsubscribe': {
      const node = action.attrs['node'] ?? '';
      if (node === '') return badStanza(el, 'bad-request', 'unsubscribe without node');
      return { kind: 'unsubscribe', ...addr, node };
    }
    case 'publish':
      return {
        kind: 'publish',
        ...addr,
        node: action.attrs['node'] ?? '',
        items: action.children.filter((c) => c.name === 'item'),
      };
    case 'collection': {
      const assoc = action.children.find((c) => c.name === 'associate' || c.name === 'dissociate');
      const c: CollectionIq = { kind: 'collection', ...addr, node: action.attrs['node'] ?? '', itemNode: '' };
      if (assoc) {
        c.op = assoc.name as 'associate' | 'dissociate';
        c.itemNode = assoc.attrs['node'] ?? '';
      }
      return c;
    }
    default:
      return badStanza(el, 'feature-not-implemented', `pubsub action <${action?.name ?? ''}>`);
  }
}

function decodeSubscribe(
  el: XmlElement,
  pubsub: XmlElement,
  action: XmlElement,
  addr: StanzaAddress,
): Stanza {
  const node = action.attrs['node'] ?? '';
  if (node === '') return badStanza(el, 'bad-request', 'subscribe without node');
  // routing.md puts <options> beside <subscribe> (XEP-0060); TF's agent builds it inside <subscribe>
  // (XmlPugi::AddChildNode descends). TF's server finds it anywhere, so both are read here.
  const options = child(pubsub, 'options') ?? child(action, 'options');
  const s: SubscribeIq = { kind: 'subscribe', ...addr, node, noRibout: false };
  if (options) {
    const idText = child(options, 'instance-id')?.text.trim();
    if (idText !== undefined && idText !== '') {
      const id = parseU32(idText);
      if (id === undefined) return badStanza(el, 'bad-request', `instance-id ${JSON.stringify(idText)}`);
      s.instanceId = id;
    }
    const nr = child(options, 'no-ribout')?.text.trim();
    if (nr !== undefined && nr !== '') {
      if (nr === 'true' || nr === '1') s.noRibout = true;
      else if (nr !== 'false' && nr !== '0')
        return badStanza(el, 'bad-request', `no-ribout ${JSON.stringify(nr)}`);
    }
  }
  return s;
}

const ERROR_TYPES: readonly string[] = ['auth', 'cancel', 'continue', 'modify', 'wait'];

function decodeIqError(el: XmlElement, addr: StanzaAddress): IqError {
  const e = child(el, 'error');
  const t = e?.attrs['type'] ?? 'cancel';
  const out: IqError = {
    kind: 'iq-error',
    ...addr,
    errorType: (ERROR_TYPES.includes(t) ? t : 'cancel') as StanzaErrorType,
    condition: 'undefined-condition',
  };
  for (const c of e?.children ?? []) {
    if (c.name === 'text') out.text = c.text;
    else if (isStanzaErrorCondition(c.name)) out.condition = c.name;
  }
  return out;
}

function decodeMessage(el: XmlElement): Stanza {
  const event = child(el, 'event');
  if (event && child(event, 'items')) return decodeRouteMessage(el, event);
  if (child(el, 'uve')) return decodeUveMessage(el);
  return { kind: 'message', ...addressOf(el), element: el };
}

// ---------------------------------------------------------------------------------------------------
// Encoding (agent → control node and replies)

function iq(type: string, addr: StanzaAddress, body?: XmlElement | string): string {
  const attrs: Record<string, string> = { type };
  if (addr.from !== undefined) attrs['from'] = addr.from;
  if (addr.to !== undefined) attrs['to'] = addr.to;
  if (addr.id !== undefined) attrs['id'] = addr.id;
  if (body === undefined) return openTag('iq', attrs, true);
  return `${openTag('iq', attrs)}${typeof body === 'string' ? body : serialize(body)}</iq>`;
}

const pubsub = (...children: Array<XmlElement | undefined>) =>
  element('pubsub', { xmlns: PUBSUB_NS }, children);

/** Where agents send route iqs: `network-control@contrailsystems.com/bgp-peer`. */
const BGP_PEER_JID = controlNodeJid(BGP_PEER_RESOURCE);

export interface AgentIqOptions {
  /** The agent name. */
  from: string;
  id?: string;
  /** Defaults to the control node's `/bgp-peer`. */
  to?: string;
}

export function encodeSubscribe(
  o: AgentIqOptions & { node: string; instanceId?: number; noRibout?: boolean },
): string {
  const opts =
    o.instanceId === undefined && !o.noRibout
      ? undefined
      : element('options', {}, [
          o.instanceId === undefined ? undefined : element('instance-id', {}, o.instanceId),
          o.noRibout ? element('no-ribout', {}, 'true') : undefined,
        ]);
  return iq('set', { ...o, to: o.to ?? BGP_PEER_JID }, pubsub(element('subscribe', { node: o.node }), opts));
}

export function encodeUnsubscribe(o: AgentIqOptions & { node: string }): string {
  return iq('set', { ...o, to: o.to ?? BGP_PEER_JID }, pubsub(element('unsubscribe', { node: o.node })));
}

/** The publish iq alone; `entry` undefined gives the empty `<publish/>` of the end-of-RIB form. */
export function encodePublish(o: AgentIqOptions & { node?: string; entry?: RouteEntry }): string {
  const publish = element(
    'publish',
    { node: o.node },
    o.entry === undefined ? [] : [element('item', {}, [encodeEntry(o.entry)])],
  );
  return iq('set', { ...o, to: o.to ?? BGP_PEER_JID }, pubsub(publish));
}

/** The collection iq alone; `ri` and `op` undefined give the empty `<collection/>` of the end-of-RIB form. */
export function encodeCollection(
  o: AgentIqOptions & { ri?: string; op?: 'associate' | 'dissociate'; itemNode?: string },
): string {
  const inner = o.op === undefined ? [] : [element(o.op, { node: o.itemNode ?? '' })];
  return iq('set', { ...o, to: o.to ?? BGP_PEER_JID }, pubsub(element('collection', { node: o.ri }, inner)));
}

export interface RouteIqOptions {
  from: string;
  ri: string;
  /** iq ids are `<idPrefix>-pub` and `<idPrefix>-coll`; TF's agent numbers them `pubsub<N>`/`collection<N>`. */
  idPrefix?: string;
  primaryInstanceId?: number;
}

/** Add or change: publish with the full entry, then `associate`. Two iqs, concatenated. */
export function encodeRouteAdd(o: RouteIqOptions & { entry: RouteEntry }): string {
  const node = formatPublishNode(o.ri, o.entry.nlri, o.primaryInstanceId);
  return (
    encodePublish({ from: o.from, ...ids(o.idPrefix, 'pub'), node, entry: o.entry }) +
    encodeCollection({ from: o.from, ...ids(o.idPrefix, 'coll'), ri: o.ri, op: 'associate', itemNode: node })
  );
}

/** Delete: publish an item holding only the NLRI, then `dissociate`. */
export function encodeRouteDelete(o: RouteIqOptions & { nlri: Nlri }): string {
  const node = formatPublishNode(o.ri, o.nlri, o.primaryInstanceId);
  const entry: RouteEntry = { nlri: o.nlri, nextHops: [], securityGroups: [], communityTags: [] };
  return (
    encodePublish({ from: o.from, ...ids(o.idPrefix, 'pub'), node, entry }) +
    encodeCollection({ from: o.from, ...ids(o.idPrefix, 'coll'), ri: o.ri, op: 'dissociate', itemNode: node })
  );
}

/** The agent's end-of-RIB: an empty publish and an empty collection (TF: "empty items-list"). */
export function encodeAgentEndOfRib(o: { from: string; idPrefix?: string }): string {
  return (
    encodePublish({ from: o.from, ...ids(o.idPrefix, 'pub') }) +
    encodeCollection({ from: o.from, ...ids(o.idPrefix, 'coll') })
  );
}

function ids(prefix: string | undefined, suffix: string): { id?: string } {
  return prefix === undefined ? {} : { id: `${prefix}-${suffix}` };
}

/** `<iq type='result'/>` answering `req` (from/to swapped, same id). */
export function encodeIqResult(req: StanzaAddress): string {
  return iq('result', swap(req));
}

const DEFAULT_ERROR_TYPE: Partial<Record<StanzaErrorCondition, StanzaErrorType>> = {
  'bad-request': 'modify',
  'jid-malformed': 'modify',
  'not-acceptable': 'modify',
  'policy-violation': 'modify',
  'not-authorized': 'auth',
  forbidden: 'auth',
  'resource-constraint': 'wait',
};

/** `<iq type='error'>` answering `req` with an RFC 6120 stanza error. */
export function encodeIqError(
  req: StanzaAddress,
  condition: StanzaErrorCondition,
  text?: string,
  errorType: StanzaErrorType = DEFAULT_ERROR_TYPE[condition] ?? 'cancel',
): string {
  const t =
    text === undefined ? '' : `${openTag('text', { xmlns: STANZA_ERRORS_NS })}${escapeText(text)}</text>`;
  const err = `${openTag('error', { type: errorType })}${openTag(condition, { xmlns: STANZA_ERRORS_NS }, true)}${t}</error>`;
  return iq('error', swap(req), err);
}

function swap(req: StanzaAddress): StanzaAddress {
  const a: StanzaAddress = {};
  if (req.id !== undefined) a.id = req.id;
  if (req.to !== undefined) a.from = req.to;
  if (req.from !== undefined) a.to = req.from;
  return a;
}

/** STARTTLS elements, for completeness of the stream handshake (TF: xmpp_str.h, off by default). */
export const TLS_FEATURES_REQUIRED = `<stream:features><starttls xmlns='${TLS_NS}'><required/></starttls></stream:features>`;
export const TLS_STARTTLS = `<starttls xmlns='${TLS_NS}'/>`;
export const TLS_PROCEED = `<proceed xmlns='${TLS_NS}'/>`;
