import type { StaticRouteDef } from '../rib';
import type { RawObject } from './derive';

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [];

/**
 * `static_route_entries.route[]` of a routing instance (TF `StaticRouteType`), which schema writes on a VN's
 * primary RI from its route tables (routing.md A7). Items without a prefix or next hop are skipped; the rest
 * go to the Rib as written, which reports invalid ones in `/static-routes`.
 */
export function staticRoutesOf(ri: RawObject): StaticRouteDef[] | undefined {
  const entries = ri['static_route_entries'];
  const list =
    entries !== null && typeof entries === 'object'
      ? (entries as Record<string, unknown>)['route']
      : undefined;
  if (!Array.isArray(list)) return undefined;
  const out: StaticRouteDef[] = [];
  for (const r of list) {
    if (r === null || typeof r !== 'object') continue;
    const o = r as Record<string, unknown>;
    if (typeof o['prefix'] !== 'string' || typeof o['next_hop'] !== 'string') continue;
    const def: StaticRouteDef = { prefix: o['prefix'], nextHop: o['next_hop'] };
    const rts = strings(o['route_target']);
    const communities = strings(o['community']);
    if (rts.length > 0) def.routeTargets = rts;
    if (communities.length > 0) def.communities = communities;
    out.push(def);
  }
  return out.length > 0 ? out : undefined;
}
