import {
  canonicalMac,
  formatPrefix,
  isUnspecified,
  parsePrefix,
  ZERO_MAC,
  type IpVersion,
} from './addresses';
import { END_OF_RIB_NODE } from './constants';
import { fail, itemError, ok, type ItemErrorCode, type Result } from './errors';

/**
 * Pubsub node names and item ids. A publish node is `<afi>/<safi>/<ri>/<id>`, an `<items>` node
 * `<afi>/<safi>/<ri>`, an item id the route key:
 *   inet  `10.1.1.3/32` (publish node may add `/<primary instance-id>`)
 *   inet6 `fd00::3/128`
 *   evpn  `[<tag>-]<mac>,<ip>/<plen>` (tag only when non-zero: `EvpnPrefix::ToXmppIdString`)
 * RI names are fq names joined by `:` and never contain `/`, so the first three `/` split the node;
 * everything after belongs to the id (which holds `/` and, for IPv6 and MACs, `:`).
 */

export type Family = 'inet' | 'inet6' | 'evpn';

/** XMPP AFI/SAFI per family: TF sends EVPN as 25/242 (`BgpAf::Enet`), not BGP's 25/70. */
export const FAMILY_AFI_SAFI: Readonly<Record<Family, { afi: number; safi: number }>> = {
  inet: { afi: 1, safi: 1 },
  inet6: { afi: 2, safi: 1 },
  evpn: { afi: 25, safi: 242 },
};

export function familyOf(afi: number, safi: number): Family | undefined {
  for (const [f, v] of Object.entries(FAMILY_AFI_SAFI) as Array<[Family, { afi: number; safi: number }]>) {
    if (v.afi === afi && v.safi === safi) return f;
  }
  return undefined;
}

export type InetNlri = { family: 'inet' | 'inet6'; prefix: string };
/**
 * `address` is `ip/plen`, `0.0.0.0/32` when the MAC route has no IP. A zero MAC makes it an IP prefix
 * (type-5) route of any length; otherwise the length is the full host length.
 */
export type EvpnNlri = { family: 'evpn'; ethernetTag: number; mac: string; address: string };
export type Nlri = InetNlri | EvpnNlri;

const U32 = /^(0|[1-9][0-9]{0,9})$/;

export function parseU32(s: string): number | undefined {
  if (!U32.test(s)) return undefined;
  const n = Number(s);
  return n <= 0xffffffff ? n : undefined;
}

function err<T>(code: ItemErrorCode, message: string, node: string): Result<T> {
  return fail(itemError(code, message, node));
}

/** Canonical `ip/plen` for an EVPN NLRI, enforcing the MAC/length rule TF applies in ProcessEnetItem. */
export function canonicalEvpnAddress(address: string, mac: string): string | undefined {
  const version: IpVersion = address.includes(':') ? 6 : 4;
  const p = parsePrefix(address, version);
  if (!p) return undefined;
  const full = version === 4 ? 32 : 128;
  if (mac !== ZERO_MAC && p.length !== full) {
    // TF lets `0.0.0.0/0` and `::/0` through for MAC routes; they mean "no IP".
    if (!(p.length === 0 && isUnspecified(p.address))) return undefined;
    return formatPrefix({ address: p.address, length: full });
  }
  return formatPrefix(p);
}

export function itemIdOf(nlri: Nlri): string {
  if (nlri.family !== 'evpn') return nlri.prefix;
  return `${nlri.ethernetTag !== 0 ? `${nlri.ethernetTag}-` : ''}${nlri.mac},${nlri.address}`;
}

/** Parses an item id (also the tail of a publish node) into a canonical NLRI. */
export function parseItemId(family: Family, id: string): Result<Nlri> {
  if (family === 'evpn') {
    const m = /^(?:([0-9]+)-)?([^,]*),(.*)$/.exec(id);
    if (!m) return err('bad-prefix', `EVPN id ${id} is not [<tag>-]<mac>,<ip>/<plen>`, id);
    const tag = m[1] === undefined ? 0 : parseU32(m[1]);
    if (tag === undefined) return err('bad-field', `ethernet tag ${m[1]} out of range`, id);
    const mac = canonicalMac(m[2]!);
    if (mac === undefined) return err('bad-mac', `bad MAC ${m[2]}`, id);
    const address = canonicalEvpnAddress(m[3]!, mac);
    if (address === undefined) return err('bad-prefix', `bad EVPN address ${m[3]}`, id);
    return ok({ family, ethernetTag: tag, mac, address });
  }
  const prefix = parsePrefix(id, family === 'inet' ? 4 : 6);
  if (!prefix) return err('bad-prefix', `bad ${family} prefix ${id}`, id);
  return ok({ family, prefix: formatPrefix(prefix) });
}

/**
 * What a publish node says. Only the AFI/SAFI are authoritative: TF's server takes the routing instance
 * from the `collection` node and the route from `<nlri>`, and reads the node only for the family and the
 * inet primary instance-id (`GetPrimaryInstanceID`). TF's own agent writes EVPN nodes without the RI
 * (`25/242/<mac>,<ip>/<plen>`, multicast ones with `,<group>,<source>` appended), so `ri` and `nlri` are
 * filled only when the tail has the routing.md shape `<ri>/<id>`.
 */
export interface PublishNode {
  family: Family;
  ri?: string;
  nlri?: Nlri;
  /** inet only: `1/1/<ri>/<prefix>/<id>`, the instance-id TF uses for the RD in the master instance. */
  primaryInstanceId?: number;
}

/** Splits `<afi>/<safi>/<rest>` and maps the pair to a family. */
function splitFamily(node: string): Result<{ family: Family; rest: string }> {
  const m = /^([0-9]{1,5})\/([0-9]{1,5})\/(.*)$/s.exec(node);
  if (!m) return err('bad-node', `node ${JSON.stringify(node)} is not <afi>/<safi>/…`, node);
  const family = familyOf(Number(m[1]), Number(m[2]));
  if (!family) return err('unsupported-family', `AFI/SAFI ${m[1]}/${m[2]} not supported`, node);
  return ok({ family, rest: m[3]! });
}

export function parsePublishNode(node: string): Result<PublishNode> {
  const fam = splitFamily(node);
  if (!fam.ok) return fam;
  const { family, rest } = fam.value;
  const value: PublishNode = { family };
  const slash = rest.indexOf('/');
  if (slash <= 0) return ok(value);
  let id = rest.slice(slash + 1);
  if (family === 'inet') {
    const parts = id.split('/');
    if (parts.length === 3) {
      const piid = parseU32(parts[2]!);
      if (piid === undefined) return err('bad-node', `bad primary instance-id in ${node}`, node);
      value.primaryInstanceId = piid;
      id = `${parts[0]}/${parts[1]}`;
    }
  }
  const nlri = parseItemId(family, id);
  if (nlri.ok) {
    value.ri = rest.slice(0, slash);
    value.nlri = nlri.value;
  }
  return ok(value);
}

export function formatPublishNode(ri: string, nlri: Nlri, primaryInstanceId?: number): string {
  const { afi, safi } = FAMILY_AFI_SAFI[nlri.family];
  const piid = primaryInstanceId !== undefined && nlri.family === 'inet' ? `/${primaryInstanceId}` : '';
  return `${afi}/${safi}/${ri}/${itemIdOf(nlri)}${piid}`;
}

export type ItemsNode = { kind: 'table'; family: Family; ri: string } | { kind: 'end-of-rib' };

export function parseItemsNode(node: string): Result<ItemsNode> {
  if (node === END_OF_RIB_NODE) return ok({ kind: 'end-of-rib' });
  const fam = splitFamily(node);
  if (!fam.ok) return fam;
  const ri = fam.value.rest;
  if (ri === '' || ri.includes('/'))
    return err('bad-node', `items node ${node} is not <afi>/<safi>/<ri>`, node);
  return ok({ kind: 'table', family: fam.value.family, ri });
}

export function formatItemsNode(family: Family, ri: string): string {
  const { afi, safi } = FAMILY_AFI_SAFI[family];
  return `${afi}/${safi}/${ri}`;
}
