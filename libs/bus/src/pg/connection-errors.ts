/** Class 08 (connection exception) and the admin-shutdown codes of class 57: the session, not the statement, failed. */
const PG_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
const NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** What pg and pg-pool throw, without a code, when the connection went away or none could be had. */
const MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'timeout exceeded when trying to connect',
  'Client was closed and is not queryable',
];

/**
 * True when a database call failed because the connection did (the server restarted, a backend was
 * terminated, the network dropped): the same call may succeed later, so the API answers 503 with
 * Retry-After and loops retry, instead of a 500 or giving up.
 */
export function isConnectionError(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const code = String((e as any).code ?? '');
  if (PG_CODES.has(code) || NET_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  const message = String((e as any).message ?? '');
  return MESSAGES.some((m) => message.includes(m));
}

/** Seconds a client should wait before retrying after a connection-class failure. */
export const RETRY_AFTER_SECONDS = 1;
