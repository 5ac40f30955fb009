export * from './envelope';
export * from './topics';
export * from './event-log';
export * from './subscription';
export * from './memory';
