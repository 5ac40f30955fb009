/** Request headers as node's http module and a gRPC call's metadata (flattened) both give them. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

/** What an `authorize` callback answers: allowed, or refused with 401 (who are you?) or 403 (not admin). */
export type AuthVerdict = { ok: true } | { ok: false; status: 401 | 403; message: string };

/**
 * Decides whether a request to introspect or gRPC Routes may read the node's state (issue 7 item 9). The
 * control node does not know the API's tokens; all-in-one hands it the config API's AuthService (a bearer
 * token with the admin role).
 */
export type Authorize = (headers: RequestHeaders) => AuthVerdict | Promise<AuthVerdict>;

/**
 * An address only this machine reaches. The same test as the API's `isLoopback`
 * (services/api/src/auth/auth.service.ts); the control node does not depend on the API package.
 */
export const isLoopback = (h: string) =>
  h === '127.0.0.1' || h === '::1' || h === 'localhost' || h.startsWith('127.');

/** The default bind of introspect and gRPC Routes: loopback, whatever host BGP and XMPP listen on. */
export const DEFAULT_CONTROL_READ_HOST = '127.0.0.1';

/** A read-only port's access rule; `requireAuth` defaults to on for any non-loopback bind. */
export interface ReadAccess {
  requireAuth: boolean;
  authorize: Authorize | undefined;
}

export function readAccess(
  what: string,
  host: string,
  requireAuth: boolean | undefined,
  authorize: Authorize | undefined,
): ReadAccess {
  const required = requireAuth ?? !isLoopback(host);
  // Fail closed at start rather than serve every tenant's routes to anyone.
  if (required && authorize === undefined)
    throw new Error(
      `${what} on ${host} requires authentication but the control node has no authorize callback`,
    );
  return { requireAuth: required, authorize };
}

/** The verdict for one request; a throwing callback refuses (401) instead of letting the request through. */
export async function check(access: ReadAccess, headers: RequestHeaders): Promise<AuthVerdict> {
  if (!access.requireAuth) return { ok: true };
  try {
    return await access.authorize!(headers);
  } catch {
    return { ok: false, status: 401, message: 'authentication failed' };
  }
}

/** The part of the config API's AuthService an `Authorize` needs (services/api/src/auth/auth.service.ts). */
export interface IdentifyingService {
  readonly aaaMode: string;
  readonly adminRole: string;
  /** The caller of a request; throws (401) when a token is missing or invalid where the mode needs one. */
  identify(headers: RequestHeaders): { admin: boolean; roles?: string[] };
}

/**
 * Admins of the config API, by the same bearer token (`Authorization: Bearer` or `X-Auth-Token`). In aaa mode
 * no-auth the API verifies no token and calls everyone admin, so nobody is let in: reading introspect or
 * gRPC Routes off loopback needs cloud-admin or rbac.
 */
export function apiAdmins(auth: IdentifyingService): Authorize {
  return (headers) => {
    if (auth.aaaMode === 'no-auth')
      return {
        ok: false,
        status: 401,
        message: 'aaa mode no-auth verifies no tokens; use cloud-admin or rbac',
      };
    let id: { admin: boolean };
    try {
      id = auth.identify(headers);
    } catch (err) {
      // The API's own 401s say what is wrong with the token; anything else stays unquoted.
      const own = err instanceof Error && (err as { status?: unknown }).status === 401;
      return { ok: false, status: 401, message: own ? err.message : 'authentication failed' };
    }
    if (!id.admin) return { ok: false, status: 403, message: `role ${auth.adminRole} required` };
    return { ok: true };
  };
}
