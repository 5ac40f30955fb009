import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { badRequest, forbidden, SkeinError } from '@skein/model';
import type { Db } from '@skein/store';
import { noDashes, type Identity } from './identity';

export type AaaMode = 'no-auth' | 'cloud-admin' | 'rbac';
export const AAA_MODES: AaaMode[] = ['no-auth', 'cloud-admin', 'rbac'];

export interface AuthConfig {
  /** Listening only on loopback makes no-auth the safe default (config-api.md §5). */
  loopbackOnly: boolean;
  mode?: AaaMode;
  trustIdentityHeaders?: boolean;
  adminRole?: string;
  allowInsecure?: boolean;
}

/** An address only this machine reaches, where no-auth is safe without SKEIN_ALLOW_INSECURE. */
export const isLoopback = (h: string) =>
  h === '127.0.0.1' || h === '::1' || h === 'localhost' || h.startsWith('127.');

const unauthenticated = (m: string) => new SkeinError(401, 'UNAUTHENTICATED', m);

/** The role an internal controller's token carries; with it (or admin) a caller may name the event actor. */
export const CONTROLLER_ROLE = 'skein-controller';
/** Besides admin, the role that may read /metrics when the API is not on loopback (a Prometheus bearer token). */
export const METRICS_ROLE = 'metrics';
/** Besides admin, the role of the services (the neutron plugin) that use /useragent-kv. */
export const SERVICE_ROLE = 'service';

/** What a token says (POST /auth/tokens, `skein token issue`); ttl_s defaults to an hour. */
export interface TokenRequest {
  user: string;
  project_id?: string;
  domain_id?: string;
  roles: string[];
  actor?: string;
  ttl_s?: number;
}

type Headers = Record<string, string | string[] | undefined>;
const header = (h: Headers, name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Identity and aaa mode (config-api.md §5): tokens, trusted headers, and the mode switch. */
export class AuthService {
  private mode!: AaaMode;
  private secret!: string;
  readonly adminRole: string;

  constructor(
    private readonly db: Db,
    private readonly cfg: AuthConfig,
  ) {
    this.adminRole = cfg.adminRole ?? 'admin';
  }

  async init(): Promise<void> {
    const { rows } = await this.db.query(
      `SELECT key, value FROM skein_meta WHERE key IN ('aaa_mode', 'jwt_secret')`,
    );
    const meta = new Map(rows.map((r: any) => [r.key, r.value]));
    this.secret = process.env.SKEIN_JWT_SECRET ?? (meta.get('jwt_secret') as string | undefined) ?? '';
    if (!this.secret) {
      this.secret = randomBytes(32).toString('base64url');
      await this.db.query(
        `INSERT INTO skein_meta (key, value) VALUES ('jwt_secret', $1) ON CONFLICT (key) DO NOTHING`,
        [JSON.stringify(this.secret)],
      );
      const again = await this.db.query(`SELECT value FROM skein_meta WHERE key = 'jwt_secret'`);
      this.secret = again.rows[0].value;
    }
    const configured = this.cfg.mode ?? (meta.get('aaa_mode') as AaaMode | undefined);
    this.mode = configured ?? (this.cfg.loopbackOnly ? 'no-auth' : 'cloud-admin');
    if (this.mode === 'no-auth' && !this.cfg.loopbackOnly && !this.cfg.allowInsecure) {
      throw new Error('aaa mode no-auth on a non-loopback address needs SKEIN_ALLOW_INSECURE=1');
    }
  }

  /** Only loopback callers reach the API: /metrics stays open (docs/config-api.md "Authorization"). */
  get loopbackOnly(): boolean {
    return this.cfg.loopbackOnly;
  }

  get aaaMode(): AaaMode {
    return this.mode;
  }

  async setMode(mode: unknown): Promise<AaaMode> {
    if (typeof mode !== 'string' || !AAA_MODES.includes(mode as AaaMode)) {
      throw badRequest(`Invalid aaa-mode ${JSON.stringify(mode)}; expected one of ${AAA_MODES.join(', ')}`, {
        field: 'aaa-mode',
      });
    }
    this.mode = mode as AaaMode;
    await this.db.query(
      `INSERT INTO skein_meta (key, value) VALUES ('aaa_mode', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [JSON.stringify(mode)],
    );
    return this.mode;
  }

  /** Resolves the caller from a request's headers; throws 401 where the mode needs an identity. */
  identify(h: Headers): Identity {
    const actorHeader = header(h, 'x-skein-actor');
    const bearer = header(h, 'authorization');
    const token = bearer?.toLowerCase().startsWith('bearer ')
      ? bearer.slice(7).trim()
      : header(h, 'x-auth-token');
    let id: Identity | undefined;
    if (token) {
      try {
        const c = jwt.verify(token, this.secret, { algorithms: ['HS256'] }) as any;
        const roles: string[] = Array.isArray(c.roles) ? c.roles : [];
        id = {
          admin: roles.includes(this.adminRole),
          user: c.sub,
          projectId: c.project_id ? noDashes(c.project_id) : undefined,
          domainId: c.domain_id ? noDashes(c.domain_id) : undefined,
          roles,
          actor: actorHeader ?? c.actor ?? c.sub ?? 'unknown',
        };
      } catch (e: any) {
        if (this.mode !== 'no-auth')
          throw unauthenticated(e?.name === 'TokenExpiredError' ? 'Token expired' : 'Invalid token');
      }
    }
    if (!id && this.cfg.trustIdentityHeaders) {
      const project = header(h, 'x-project-id');
      const rolesH = header(h, 'x-role');
      if (project || rolesH || header(h, 'x-user') || header(h, 'x-user-id')) {
        const roles = (rolesH ?? '')
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean);
        id = {
          admin: roles.includes(this.adminRole),
          user: header(h, 'x-user') ?? header(h, 'x-user-id'),
          projectId: project ? noDashes(project) : undefined,
          domainId: header(h, 'x-domain-id') ? noDashes(header(h, 'x-domain-id')!) : undefined,
          roles,
          actor: actorHeader ?? header(h, 'x-user') ?? 'unknown',
        };
      }
    }
    if (this.mode === 'no-auth') {
      return {
        ...(id ?? { roles: ['admin'] }),
        admin: true,
        actor: actorHeader ?? id?.actor ?? 'admin',
      } as Identity;
    }
    if (!id) throw unauthenticated('Authentication required');
    // The event actor is an audit record: only an internal controller (or admin) may name someone else.
    // Refused rather than ignored, so a misconfigured controller learns its events would carry the wrong name.
    if (actorHeader !== undefined && !id.admin && !id.roles.includes(CONTROLLER_ROLE)) {
      throw forbidden(
        `X-Skein-Actor may only be set by internal controllers (role ${this.adminRole} or ${CONTROLLER_ROLE})`,
        { field: 'X-Skein-Actor' },
      );
    }
    return id;
  }

  /** POST /auth/tokens and `skein token issue`. */
  issueToken(claims: TokenRequest) {
    const ttl = claims.ttl_s ?? 3600;
    const token = jwt.sign(
      {
        sub: claims.user,
        project_id: claims.project_id,
        domain_id: claims.domain_id,
        roles: claims.roles,
        actor: claims.actor,
      },
      this.secret,
      { algorithm: 'HS256', expiresIn: ttl },
    );
    return { token, expires_at: new Date(Date.now() + ttl * 1000).toISOString() };
  }
}
