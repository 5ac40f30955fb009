import { ID_POOLS } from '@skein/ipam';
import type { SqlClient } from '@skein/store';

export const GSC_FQ = ['default-global-system-config'];
export const DEFAULT_ASN = 64512;

export interface GlobalAsn {
  asn: number;
  fourByte: boolean;
}

/**
 * The global ASN and 4-byte flag, read in the caller's transaction (they key route-target numbers). Read by
 * fq_name: the singleton is default-global-system-config, whatever other global-system-config exists.
 */
export async function globalAsn(c: SqlClient): Promise<GlobalAsn> {
  const { rows } = await c.query(
    `SELECT props->'autonomous_system' AS asn, props->'enable_4byte_as' AS four FROM objects WHERE type = 'global-system-config' AND fq_name = $1::jsonb`,
    [JSON.stringify(GSC_FQ)],
  );
  if (!rows.length) return { asn: DEFAULT_ASN, fourByte: false };
  return { asn: Number(rows[0].asn ?? DEFAULT_ASN), fourByte: rows[0].four === true };
}

/** Route-target numbers the API allocates (config-api.md §6). */
export function rtRange(g: GlobalAsn): { lo: number; hi: number } {
  return g.fourByte ? ID_POOLS.routeTarget4ByteAs.range : ID_POOLS.routeTarget.range;
}
