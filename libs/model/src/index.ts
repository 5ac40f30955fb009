export * from './schema';
export * from './errors';
export * from './registry';
export * from './validate';
export * from './formats';
export * from './json-guard';
