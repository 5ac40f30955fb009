import { badRequest } from '@skein/model';
import type { TypeHooks } from './types';
import { globalAsn, rtRange, type GlobalAsn } from './global';

const RT_RE = /^target:(\d+|\d{1,3}(?:\.\d{1,3}){3}):(\d+)$/;

/** `target:<asn|ipv4>:<n>`; returns the parts or throws 400 naming the field. */
export function parseRouteTarget(s: unknown, field: string): { admin: string; n: number } {
  const m = typeof s === 'string' ? RT_RE.exec(s) : null;
  if (!m)
    throw badRequest(
      `Invalid route target ${JSON.stringify(s)} in ${field}: expected target:<asn|ip>:<number>`,
      { field },
      'INVALID_FIELD',
    );
  const admin = m[1];
  const n = Number(m[2]);
  if (/^\d+$/.test(admin)) {
    const asn = Number(admin);
    if (asn < 1 || asn > 2 ** 32 - 1 || n > (asn > 65535 ? 0xffff : 0xffffffff)) {
      throw badRequest(
        `Invalid route target ${s} in ${field}: number out of range`,
        { field },
        'INVALID_FIELD',
      );
    }
  } else {
    if (admin.split('.').some((o) => Number(o) > 255) || n > 0xffff)
      throw badRequest(`Invalid route target ${s} in ${field}`, { field }, 'INVALID_FIELD');
  }
  return { admin, n };
}

/** A user route target must not collide with the numbers the API allocates under the global ASN. */
export function checkUserRouteTarget(g: GlobalAsn, s: unknown, field: string): void {
  const { admin, n } = parseRouteTarget(s, field);
  const r = rtRange(g);
  if (admin === String(g.asn) && n >= r.lo && n <= r.hi) {
    throw badRequest(
      `Route target ${s} in ${field} is in the range the system allocates (${r.lo}..${r.hi} under AS ${g.asn})`,
      { field },
      'INVALID_FIELD',
    );
  }
}

export const routeTargetHooks: TypeHooks = {
  async beforeCreate(w, obj) {
    if (w.internal) return;
    checkUserRouteTarget(await globalAsn(w.c), obj.fq_name[0], 'fq_name');
  },
};
