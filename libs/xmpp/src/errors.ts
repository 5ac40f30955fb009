/**
 * Three levels of failure, because they call for three different reactions from a session:
 *
 * - stream-fatal: `XmppStreamError` (RFC 6120 §4.9 condition) — send `<stream:error>`, close the stream;
 * - stanza-level: a `bad-stanza` value from `decodeStanza` (RFC 6120 §8.3 condition) — answer an iq with
 *   `type='error'`, keep the stream;
 * - item-level: an `ItemError` value inside a decoded publish or event — drop the item, count it in
 *   `bad_items`, keep the stream.
 *
 * Decoding never throws: the stream parser returns a stream error as an `error` event, `decodeStanza`
 * returns `bad-stanza`, item decoders return `Result`. `XmppStreamError` is still an `Error` so a session
 * may throw it internally. `XmppEncodeError` is thrown by encoders given values that cannot be written as
 * XML 1.0 (a bug on the sending side, never caused by received bytes).
 */

/** RFC 6120 §4.9.3 defined stream error conditions. */
export const STREAM_ERROR_CONDITIONS = [
  'bad-format',
  'bad-namespace-prefix',
  'conflict',
  'connection-timeout',
  'host-gone',
  'host-unknown',
  'improper-addressing',
  'internal-server-error',
  'invalid-from',
  'invalid-namespace',
  'invalid-xml',
  'not-authorized',
  'not-well-formed',
  'policy-violation',
  'remote-connection-failed',
  'reset',
  'resource-constraint',
  'restricted-xml',
  'see-other-host',
  'system-shutdown',
  'undefined-condition',
  'unsupported-encoding',
  'unsupported-feature',
  'unsupported-stanza-type',
  'unsupported-version',
] as const;
export type StreamErrorCondition = (typeof STREAM_ERROR_CONDITIONS)[number];

export function isStreamErrorCondition(s: string): s is StreamErrorCondition {
  return (STREAM_ERROR_CONDITIONS as readonly string[]).includes(s);
}

/** RFC 6120 §8.3.3 stanza error conditions (the subset a pubsub-only server can produce, plus the rest). */
export const STANZA_ERROR_CONDITIONS = [
  'bad-request',
  'conflict',
  'feature-not-implemented',
  'forbidden',
  'gone',
  'internal-server-error',
  'item-not-found',
  'jid-malformed',
  'not-acceptable',
  'not-allowed',
  'not-authorized',
  'policy-violation',
  'recipient-unavailable',
  'redirect',
  'registration-required',
  'remote-server-not-found',
  'remote-server-timeout',
  'resource-constraint',
  'service-unavailable',
  'subscription-required',
  'undefined-condition',
  'unexpected-request',
] as const;
export type StanzaErrorCondition = (typeof STANZA_ERROR_CONDITIONS)[number];

export function isStanzaErrorCondition(s: string): s is StanzaErrorCondition {
  return (STANZA_ERROR_CONDITIONS as readonly string[]).includes(s);
}

/** Base class of everything this library throws, so callers can tell its errors from bugs. */
export class XmppError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmppError';
  }
}

/** Stream-fatal: the session sends `encodeStreamError(condition)` and closes. */
export class XmppStreamError extends XmppError {
  constructor(
    readonly condition: StreamErrorCondition,
    message: string,
  ) {
    super(message);
    this.name = 'XmppStreamError';
  }
}

/** A value given to an encoder cannot be represented in XML 1.0 (e.g. a control character). */
export class XmppEncodeError extends XmppError {
  constructor(message: string) {
    super(message);
    this.name = 'XmppEncodeError';
  }
}

/**
 * Why one route item was dropped. The codes group TF's log lines and counters
 * (`inet6_rx_bad_prefix_count`, `..._bad_nexthop_count`, `..._bad_afi_safi_count`, `..._bad_xml_token_count`)
 * so the control node can keep `bad_items` per reason.
 */
export type ItemErrorCode =
  /** The node attribute does not have the `<afi>/<safi>/<ri>/<id>` shape. */
  | 'bad-node'
  /** AFI/SAFI pair that Skein does not carry (TF's multicast 1/241 and MVPN 1/5 land here). */
  | 'unsupported-family'
  /** `<nlri><af>/<safi>` disagree with the node. */
  | 'family-mismatch'
  /** NLRI vs node, publish vs collection, or collection RI vs node RI disagree. */
  | 'node-mismatch'
  | 'bad-prefix'
  | 'bad-next-hop'
  | 'missing-next-hop'
  | 'too-many-next-hops'
  | 'bad-label'
  | 'bad-mac'
  | 'bad-encapsulation'
  /** A number, boolean or enumerated value that does not parse. */
  | 'bad-field'
  /** Missing `<item>`/`<entry>`/`<nlri>`, or more than one item in one publish. */
  | 'malformed-item'
  /** A `collection` iq without the `publish` iq it should complete. */
  | 'orphan-collection'
  /** A `publish` iq superseded by another publish before its `collection` arrived. */
  | 'orphan-publish';

export interface ItemError {
  code: ItemErrorCode;
  message: string;
  /** The publish node or item id the error is about, when known. */
  node?: string;
}

export function itemError(code: ItemErrorCode, message: string, node?: string): ItemError {
  return node === undefined ? { code, message } : { code, message, node };
}

/** Decoders of untrusted input return this instead of throwing. */
export type Result<T, E = ItemError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = <E>(error: E): { ok: false; error: E } => ({ ok: false, error });
