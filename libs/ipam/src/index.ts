/**
 * @skein/ipam: address math, TF's IpamSubnetType rules, and the subnet, address and identifier allocators
 * that run inside the API's Postgres transaction (config-api.md §6). IPAM_DDL holds their tables.
 */
export * from './address';
export * from './subnet';
export * from './client';
export * from './sql';
export * from './allocator';
export * from './ids';
