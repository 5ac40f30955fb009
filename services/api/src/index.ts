export * from './server';
export * from './migrations';
export { ConfigService } from './engine/config-service';
export type { RequestContext } from './engine/write-tx';
export { AuthService, type TokenRequest } from './auth/auth.service';
export { bootstrapDefaults } from './bootstrap';
export * from './grpc';
