import { Metadata, status, type StatusObject } from '@grpc/grpc-js';
import { isConnectionError } from '@skein/bus';
import { EventLogOutOfRangeError } from '@skein/events';
import { SkeinError } from '@skein/model';
import { dbErrorToSkein } from '../engine/db-errors';

/** Trailer carrying the config-api.md §3.2 code, so clients need not parse messages. */
export const ERROR_CODE_TRAILER = 'skein-error-code';

/** What grpc-js accepts as a call's error: a status plus `message` for its fallback path. */
export type GrpcError = StatusObject & { message: string };

/** The gRPC code for a VNC status (config-api.md §8). Exhaustion is a 409 or 412 over REST but one code here. */
export function grpcCode(e: SkeinError): status {
  if (e.code === 'SUBNET_EXHAUSTED' || e.code === 'QUOTA_EXCEEDED' || e.code === 'PAYLOAD_TOO_LARGE')
    return status.RESOURCE_EXHAUSTED;
  switch (e.status) {
    case 400:
      return status.INVALID_ARGUMENT;
    case 401:
      return status.UNAUTHENTICATED;
    case 403:
      return status.PERMISSION_DENIED;
    case 404:
      return status.NOT_FOUND;
    case 409:
      return e.code === 'FQ_NAME_EXISTS' || e.code === 'UUID_EXISTS'
        ? status.ALREADY_EXISTS
        : status.FAILED_PRECONDITION;
    case 412:
      return status.FAILED_PRECONDITION;
    case 413:
      return status.RESOURCE_EXHAUSTED;
    case 503:
      return status.UNAVAILABLE;
    default:
      return status.INTERNAL;
  }
}

export function grpcError(
  code: status,
  details: string,
  skeinCode: string,
  trailers = new Metadata(),
): GrpcError {
  trailers.set(ERROR_CODE_TRAILER, skeinCode);
  return { code, details, metadata: trailers, message: details };
}

/** Any failure as a call status; anything that is not a rule violation stays an opaque INTERNAL. */
export function toGrpcError(
  e0: unknown,
  trailers?: Metadata,
  log: (e: unknown) => void = () => {},
): GrpcError {
  // Database errors the input or a race caused map as REST's do, never quoting the database (issue 7 item 8).
  const e = dbErrorToSkein(e0) ?? e0;
  if (e instanceof SkeinError) return grpcError(grpcCode(e), e.message, e.code, trailers);
  if (e instanceof EventLogOutOfRangeError)
    return grpcError(status.OUT_OF_RANGE, e.message, e.code, trailers);
  // The database connection failed, not the call: clients retry UNAVAILABLE (issue 7 item 4).
  if (isConnectionError(e))
    return grpcError(
      status.UNAVAILABLE,
      'The config store is unavailable; retry shortly',
      'UNAVAILABLE',
      trailers,
    );
  log(e);
  return grpcError(status.INTERNAL, 'Internal error', 'INTERNAL', trailers);
}
