import type { Family, Nlri, UpdateBatch } from '@skein/bgp';
import { AdvertiseReason, bgpVerdict, outboundAttrs, wireAttributes } from '../rib/advertise';
import type { AttrSet } from '../rib/attrs';
import { bgpNlriOfKey } from '../rib/nlri-keys';
import type { Peer } from '../rib/peer';
import type { Rib } from '../rib/rib';
import { TABLE_OF_FAMILY } from '../rib/tables';

/**
 * What the peer was sent for one family, recomputed from the tables with the Rib's own verdicts (RFC 2918
 * ROUTE-REFRESH re-sends it). The Rib has no call for this yet; it walks the table once.
 */
export function adjRibOut(rib: Rib, peer: Peer, family: Family): UpdateBatch[] {
  const tableName = TABLE_OF_FAMILY.find(([f]) => f === family)?.[1];
  const table = tableName === undefined ? undefined : rib.table(tableName);
  if (table === undefined) return [];
  const groups = new Map<AttrSet, Nlri[]>();
  for (const dest of table.map.values()) {
    const best = dest.head;
    if (dest.usable === 0 || best === null) continue;
    if (bgpVerdict(peer, table, best, rib.speaker) !== AdvertiseReason.Advertised) continue;
    const attrs = outboundAttrs(best, peer, rib.speaker);
    let list = groups.get(attrs);
    if (list === undefined) groups.set(attrs, (list = []));
    list.push(bgpNlriOfKey(family, dest.key, best.label, best.attrs));
  }
  const out: UpdateBatch[] = [];
  for (const [attrs, announce] of groups) {
    const w = wireAttributes(attrs, family);
    out.push({ family, attributes: w.attributes, nextHop: w.nextHop, announce } as UpdateBatch);
  }
  return out;
}
