export * from './db';
export { Core1763700000000 } from './migrations/1763700000000-core';
export * from './stored';
export * from './objects';
export * from './list';
export * from './changes';
export * from './compaction';
export * from './rebuild';
