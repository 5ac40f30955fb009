import type { ServiceChainDef } from '../rib';
import type { RawObject } from './derive';

/** The chain props of a service RI and the family each one feeds (evpn_* variants: not supported). */
const PROPS = [
  ['service_chain_information', 'inet'],
  ['ipv6_service_chain_information', 'inet6'],
] as const;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The service chains schema writes on a service RI (routing.md A6, TF `ServiceChainInfo`). A prop without a
 * destination RI or an address is no chain; the rest go to the Rib as written, which reports invalid ones in
 * `/service-chains`.
 */
export function serviceChainsOf(ri: RawObject): ServiceChainDef[] | undefined {
  const out: ServiceChainDef[] = [];
  for (const [prop, family] of PROPS) {
    const v = ri[prop];
    if (v === null || typeof v !== 'object') continue;
    const o = v as Record<string, unknown>;
    const dest = str(o['routing_instance']);
    const address = str(o['service_chain_address']);
    if (dest === undefined || address === undefined) continue;
    const def: ServiceChainDef = {
      family,
      routingInstance: dest,
      prefixes: Array.isArray(o['prefix'])
        ? o['prefix'].filter((p): p is string => typeof p === 'string')
        : [],
      serviceChainAddress: address,
    };
    const si = str(o['service_instance']);
    const source = str(o['source_routing_instance']);
    const id = str(o['service_chain_id']);
    if (si !== undefined) def.serviceInstance = si;
    if (source !== undefined) def.sourceRoutingInstance = source;
    if (id !== undefined) def.serviceChainId = id;
    out.push(def);
  }
  return out.length > 0 ? out : undefined;
}
