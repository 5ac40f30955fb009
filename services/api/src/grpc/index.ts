export {
  startGrpcServer,
  DEFAULT_GRPC_PORT,
  CONFIG_PROTO_PATH,
  CONFIG_SERVICE_NAME,
  PROTO_LOADER_OPTIONS,
} from './config.grpc';
export type { GrpcServer, GrpcServerOptions } from './config.grpc';
export { ERROR_CODE_TRAILER } from './status';
export type * from './messages';
