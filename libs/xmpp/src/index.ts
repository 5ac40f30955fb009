/**
 * @skein/xmpp — the agent ↔ control-node XMPP codec (routing.md part D). No sockets: bytes in, typed
 * stanzas out, and strings back. See README.md.
 */
export * from './constants';
export * from './errors';
export * from './xml';
export * from './stream';
export * from './stream-parser';
export * from './addresses';
export * from './node-names';
export * from './route-item';
export * from './validate';
export * from './stanzas';
export * from './route-message';
export * from './publish-pairing';
export * from './config';
export * from './uve';
