export * from './address';
export * from './subnet';
export * from './client';
export * from './sql';
export * from './allocator';
export * from './ids';
