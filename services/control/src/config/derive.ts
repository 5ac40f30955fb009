import { isFamily, parseRouteTarget, type Family } from '@skein/bgp';
import { MASTER_INSTANCE, type RoutingInstanceDef } from '../rib';
import { serviceChainsOf } from './service-chain';
import { staticRoutesOf } from './static-routes';
import type { GlobalSettings, OwnRouter, PeerConfig, PrefixLimit } from './types';

/** A config object as the event envelope carries it (REST shape, no back-refs or children). */
export type RawObject = Record<string, unknown>;

export interface RefItem {
  to: string[];
  uuid: string;
  attr: unknown;
}

const DEFAULT_ASN = 64512;
const DEFAULT_XMPP_HOLD = 90;
const DEFAULT_BGP_HOLD = 90;
/** routing.md C: an empty family list means these. */
export const DEFAULT_FAMILIES: readonly Family[] = ['route-target', 'inet-vpn', 'inet6-vpn', 'e-vpn'];

export function refsOf(o: RawObject, field: string): RefItem[] {
  const v = o[field];
  return Array.isArray(v) ? (v as RefItem[]).filter((r) => r && typeof r.uuid === 'string') : [];
}

const rec = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** A positive integer, or undefined for absent, zero (TF's "use the default") and junk. */
function positive(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function globalSettings(o: RawObject | undefined): GlobalSettings {
  const g = o ?? {};
  const gr = rec(g['graceful_restart_parameters']);
  const fc = rec(g['fast_convergence_parameters']);
  const hold = positive(fc['xmpp_hold_time']);
  return {
    asn: positive(g['autonomous_system']) ?? DEFAULT_ASN,
    alwaysCompareMed: g['bgp_always_compare_med'] === true,
    xmppHoldTime: hold !== undefined ? Math.min(hold, 90) : DEFAULT_XMPP_HOLD,
    gr: {
      enable: gr['enable'] === true,
      restartTime: positive(gr['restart_time']) ?? 300,
      endOfRibTimeout: positive(gr['end_of_rib_timeout']) ?? 300,
      xmppHelper: gr['xmpp_helper_enable'] === true,
      bgpHelper: gr['bgp_helper_enable'] === true,
    },
  };
}

/** `cluster_id` is an integer in the schema; BGP carries it as four octets. */
export function clusterIdText(v: unknown): string | undefined {
  const n = positive(v);
  if (n === undefined || n > 0xffffffff) return undefined;
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}

export function familiesOf(v: unknown, warn?: (f: string) => void): Family[] | undefined {
  const list = rec(v)['family'];
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const out: Family[] = [];
  for (const f of list) {
    if (typeof f === 'string' && isFamily(f)) {
      if (!out.includes(f)) out.push(f);
    } else warn?.(String(f));
  }
  return out;
}

export function ownRouter(uuid: string, o: RawObject): OwnRouter {
  const p = rec(o['bgp_router_parameters']);
  const fq = o['fq_name'] as string[];
  return {
    uuid,
    name: fq[fq.length - 1]!,
    routerId: str(p['identifier']) ?? str(p['address']),
    address: str(p['address']),
    localAs: positive(p['local_autonomous_system']),
    holdTime: positive(p['hold_time']),
    clusterId: clusterIdText(p['cluster_id']),
    adminDown: p['admin_down'] === true,
  };
}

/** The session attributes that apply to this end: common ones, then ones naming the own router. */
export function sessionAttributes(attr: unknown, ownName: string): Record<string, unknown> {
  const sessions = rec(attr)['session'];
  const first = Array.isArray(sessions) ? rec(sessions[0]) : {};
  const list = Array.isArray(first['attributes']) ? (first['attributes'] as unknown[]).map(rec) : [];
  const common = list.filter((a) => str(a['bgp_router']) === undefined);
  const mine = list.filter((a) => a['bgp_router'] === ownName);
  // No prototype: a `__proto__` key in stored attributes must land as data, not replace the prototype.
  const out = Object.create(null) as Record<string, unknown>;
  for (const a of [...common, ...mine]) {
    for (const [k, v] of Object.entries(a)) if (v !== undefined && v !== null) out[k] = v;
  }
  return out;
}

function prefixLimits(session: Record<string, unknown>): PeerConfig['prefixLimits'] {
  const out: PeerConfig['prefixLimits'] = {};
  const list = session['family_attributes'];
  if (!Array.isArray(list)) return out;
  for (const fa of list.map(rec)) {
    const f = fa['address_family'];
    const pl = rec(fa['prefix_limit']);
    const maximum = positive(pl['maximum']);
    if (typeof f !== 'string' || !isFamily(f) || maximum === undefined) continue;
    const limit: PrefixLimit = { maximum, idleTimeout: positive(pl['idle_timeout']) ?? 0 };
    out[f] = limit;
  }
  return out;
}

/**
 * routing.md C "Config": families session > peer router > default; hold time session > own router > 90;
 * local AS session > own router's local AS > global ASN; iBGP when the peer AS equals it.
 */
export function peerConfig(
  own: OwnRouter,
  peerUuid: string,
  peer: RawObject,
  attr: unknown,
  global: GlobalSettings,
  warn?: (msg: string) => void,
): PeerConfig | undefined {
  const p = rec(peer['bgp_router_parameters']);
  const fq = peer['fq_name'] as string[];
  const name = fq[fq.length - 1]!;
  const address = str(p['address']);
  if (address === undefined) {
    warn?.(`bgp-router ${name} has no address: no session`);
    return undefined;
  }
  const routerType = str(p['router_type']) ?? 'router';
  if (routerType.startsWith('bgpaas')) return undefined;
  const s = sessionAttributes(attr, own.name);
  const families = familiesOf(s['address_families'], (f) => warn?.(`session ${name}: family ${f} ignored`)) ??
    familiesOf(p['address_families'], (f) => warn?.(`bgp-router ${name}: family ${f} ignored`)) ?? [
      ...DEFAULT_FAMILIES,
    ];
  return {
    name,
    uuid: peerUuid,
    address,
    port: positive(p['port']) ?? 179,
    routerId: str(p['identifier']) ?? address,
    routerType,
    peerAs: positive(p['autonomous_system']) ?? global.asn,
    localAs: positive(s['local_autonomous_system']) ?? own.localAs ?? global.asn,
    families,
    holdTime: positive(s['hold_time']) ?? own.holdTime ?? DEFAULT_BGP_HOLD,
    adminDown: s['admin_down'] === true || p['admin_down'] === true || own.adminDown,
    passive: s['passive'] === true,
    loopCount: typeof s['loop_count'] === 'number' ? (s['loop_count'] as number) : 0,
    prefixLimits: prefixLimits(s),
  };
}

/** routing.md A3/B4: attr null = import and export; "import" / "export" = that side only. */
export function routeTargetsOf(ri: RawObject): { importTargets: string[]; exportTargets: string[] } {
  const importTargets: string[] = [];
  const exportTargets: string[] = [];
  for (const r of refsOf(ri, 'route_target_refs')) {
    const name = r.to[r.to.length - 1];
    if (name === undefined || !validRouteTarget(name)) continue;
    const ie = rec(r.attr)['import_export'];
    if (ie !== 'export') importTargets.push(name);
    if (ie !== 'import') exportTargets.push(name);
  }
  return { importTargets, exportTargets };
}

export function routingInstanceDef(ri: RawObject, vn: RawObject | undefined): RoutingInstanceDef {
  const fq = ri['fq_name'] as string[];
  const { importTargets, exportTargets } = routeTargetsOf(ri);
  const def: RoutingInstanceDef = {
    name: fq.join(':'),
    importTargets,
    exportTargets,
    connections: refsOf(ri, 'routing_instance_refs').map((r) => r.to.join(':')),
  };
  const staticRoutes = staticRoutesOf(ri);
  if (staticRoutes !== undefined) def.staticRoutes = staticRoutes;
  const serviceChains = serviceChainsOf(ri);
  if (serviceChains !== undefined) def.serviceChains = serviceChains;
  if (vn !== undefined) {
    def.vn = (vn['fq_name'] as string[]).join(':');
    const index = positive(vn['virtual_network_network_id']);
    if (index !== undefined) def.vnIndex = index;
  }
  return def;
}

export function isMasterInstance(fq: readonly string[]): boolean {
  return fq.join(':') === MASTER_INSTANCE;
}

function validRouteTarget(name: string): boolean {
  try {
    parseRouteTarget(name);
    return true;
  } catch {
    return false;
  }
}
