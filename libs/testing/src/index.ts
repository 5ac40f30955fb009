export * from './postgres';
export * from './kafka';
export * from './bgp-peers';
