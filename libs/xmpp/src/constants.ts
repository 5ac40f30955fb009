/** Names fixed by TF's wire contract (`xmpp_init.h`, `xmpp_str.h`, `bgp_config.h`). */

/** The control node's bare JID, `XmppInit::kControlNodeJID`. */
export const CONTROL_NODE_JID = 'network-control@contrailsystems.com';
/** Resource for routes (`XmppInit::kBgpPeer`). */
export const BGP_PEER_RESOURCE = 'bgp-peer';
/** Resource for the IF-MAP style config push (`XmppInit::kConfigPeer`). */
export const CONFIG_RESOURCE = 'config';
/** Resource agents address their UVE messages to. */
export const ANALYTICS_RESOURCE = 'analytics';

export const STREAM_NS = 'http://etherx.jabber.org/streams';
export const CLIENT_NS = 'jabber:client';
export const STREAM_ERRORS_NS = 'urn:ietf:params:xml:ns:xmpp-streams';
export const STANZA_ERRORS_NS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
export const TLS_NS = 'urn:ietf:params:xml:ns:xmpp-tls';
export const PUBSUB_NS = 'http://jabber.org/protocol/pubsub';
/** Namespace of Skein's UVE relay elements (analytics.md §1). */
export const UVE_NS = 'urn:skein:analytics';

/** `XmppInit::kEndOfRibMarker`: the `<items node>` of the control node's end-of-RIB message. */
export const END_OF_RIB_NODE = '0/0/EndOfRib';

/** `BgpConfigManager::kMasterInstance`: routes here carry label 0 and no RD (bgp_xmpp_channel.cc). */
export const MASTER_INSTANCE = 'default-domain:default-project:ip-fabric:__default__';

/** Spec D: larger stanzas are a `policy-violation`. TF itself reads 4 KiB buffers and reassembles. */
export const MAX_STANZA_BYTES = 4 * 1024 * 1024;

/**
 * Issue 7: everything before the end of the stream header (XML declaration, whitespace, the header itself).
 * A real header is a few hundred bytes; without its own bound an unfinished one could grow to the stanza
 * limit on every open socket.
 */
export const MAX_HEADER_BYTES = 16 * 1024;

/** Spec D: at most this many `<item>`/`<retract>` per control-node message. */
export const MAX_ITEMS_PER_MESSAGE = 256;

/** `control@jid/res` → bare `control@jid` and `res`. */
export function splitJid(jid: string): { bare: string; resource?: string } {
  const slash = jid.indexOf('/');
  return slash < 0 ? { bare: jid } : { bare: jid.slice(0, slash), resource: jid.slice(slash + 1) };
}

export function controlNodeJid(resource?: string): string {
  return resource === undefined ? CONTROL_NODE_JID : `${CONTROL_NODE_JID}/${resource}`;
}
