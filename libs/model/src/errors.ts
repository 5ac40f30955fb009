/**
 * Rule violations as values with a VNC status and a stable code (config-api.md §3.2). Services throw these;
 * only the REST/gRPC edge maps them to a transport.
 */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'INVALID_FIELD'
  | 'UNKNOWN_FIELD'
  | 'IMMUTABLE_FIELD'
  | 'INVALID_FQ_NAME'
  | 'INVALID_PARENT'
  | 'INVALID_UUID'
  | 'UNKNOWN_REF'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'FQ_NAME_EXISTS'
  | 'UUID_EXISTS'
  | 'HAS_CHILDREN'
  | 'HAS_BACK_REFS'
  | 'IP_IN_USE'
  | 'SUBNET_EXHAUSTED'
  | 'SUBNET_IN_USE'
  | 'DUPLICATE_RULE'
  | 'CONFLICT'
  | 'QUOTA_EXCEEDED'
  | 'VERSION_MISMATCH'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  /** 405: the path exists but does not serve this method (an Allow header names those it does). */
  | 'METHOD_NOT_ALLOWED'
  /** 503: the store is unreachable for now (connection lost); retry after Retry-After. */
  | 'UNAVAILABLE'
  | 'INTERNAL';

export interface ErrorDetails {
  field?: string;
  type?: string;
  uuid?: string;
  fq_name?: string[];
  hrefs?: string[];
}

export class SkeinError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'SkeinError';
  }
}

export const badRequest = (message: string, details?: ErrorDetails, code: ErrorCode = 'BAD_REQUEST') =>
  new SkeinError(400, code, message, details);
export const invalidField = (field: string, message: string) =>
  new SkeinError(400, 'INVALID_FIELD', message, { field });
export const notFound = (message: string, details?: ErrorDetails) =>
  new SkeinError(404, 'NOT_FOUND', message, details);
export const conflict = (code: ErrorCode, message: string, details?: ErrorDetails) =>
  new SkeinError(409, code, message, details);
export const forbidden = (message: string, details?: ErrorDetails) =>
  new SkeinError(403, 'PERMISSION_DENIED', message, details);
