export * from './schema';
export * from './errors';
export * from './registry';
export * from './validate';
export * from './formats';
export { U64_MAX, simpleTypes } from './complex-types';
