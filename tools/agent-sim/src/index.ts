/**
 * @skein/agent-sim — a vRouter agent control-plane simulator (architecture.md, "The vRouter agent
 * simulator"): the agent side of XMPP (routing.md D), interfaces and their routes, per-VRF forwarding
 * tables with ECMP and longest-prefix match, and fleets of agents in one process. See README.md.
 */
export * from './agent';
export * from './config-channel';
export * from './connection';
export * from './counters';
export * from './interfaces';
export * from './pipeline';
export * from './prefix-table';
export * from './ticker';
export * from './vrf';
export * from './fleet';
export * from './test-net';
export * from './cli';
