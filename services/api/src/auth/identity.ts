import type { Perms2 } from '@skein/store';

/** Who is calling, as the request edge resolved it (config-api.md §5). */
export interface Identity {
  /** Unrestricted: no-auth mode, or the admin role in cloud-admin/rbac mode. */
  admin: boolean;
  user?: string;
  /** Project uuid without dashes, as perms2.owner stores it. */
  projectId?: string;
  domainId?: string;
  roles: string[];
  /** The event actor: X-Skein-Actor or the token's actor claim. */
  actor: string;
}

export const PERM_R = 4;
export const PERM_W = 2;
export const PERM_X = 1;

export const noDashes = (uuid: string) => uuid.replace(/-/g, '');
/** The inverse of noDashes for a 32-digit id; anything else is returned as it is. */
export const withDashes = (u: string) =>
  u.length === 32
    ? `${u.slice(0, 8)}-${u.slice(8, 12)}-${u.slice(12, 16)}-${u.slice(16, 20)}-${u.slice(20)}`
    : u;

/** The access bits the caller has on an object: owner + matching shares + global. */
export function accessBits(id: Identity, perms2: Perms2): number {
  if (id.admin) return 7;
  let bits = perms2.global_access ?? 0;
  const project = id.projectId ? noDashes(id.projectId) : undefined;
  if (project && perms2.owner === project) bits |= perms2.owner_access ?? 0;
  for (const s of perms2.share ?? []) {
    const [kind, who] = s.tenant.split(':');
    const target = who ? noDashes(who) : '';
    if (
      (kind === 'tenant' && project && target === project) ||
      (kind === 'domain' && id.domainId && target === noDashes(id.domainId))
    ) {
      bits |= s.tenant_access;
    }
  }
  return bits;
}

export const can = (id: Identity, perms2: Perms2, bit: number) => (accessBits(id, perms2) & bit) === bit;

export function isOwner(id: Identity, perms2: Perms2): boolean {
  return id.admin || (!!id.projectId && perms2.owner === noDashes(id.projectId));
}

/** "Shared with the caller": a share naming their project or domain, or global_access ≥ R. */
export function isSharedWith(id: Identity, perms2: Perms2): boolean {
  if ((perms2.global_access ?? 0) & PERM_R) return true;
  return (accessBits({ ...id, admin: false }, { ...perms2, owner: '', global_access: 0 }) & PERM_R) !== 0;
}
