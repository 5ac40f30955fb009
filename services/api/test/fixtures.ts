import type { Http } from './harness';

export const DP = ['default-domain', 'default-project'];
export const IPAM = [...DP, 'default-network-ipam'];

export const subnet = (prefix: string, len: number, extra: Record<string, unknown> = {}) => ({
  subnet: { ip_prefix: prefix, ip_prefix_len: len },
  ...extra,
});

export function vnBody(
  name: string,
  subnets: unknown[] = [],
  extra: Record<string, unknown> = {},
  project = DP,
) {
  return {
    'virtual-network': {
      fq_name: [...project, name],
      network_ipam_refs: subnets.length ? [{ to: IPAM, attr: { ipam_subnets: subnets } }] : undefined,
      ...extra,
    },
  };
}

/** POST and expect 200; returns the created object's uuid. */
export async function create(
  http: Http,
  type: string,
  body: Record<string, unknown>,
  headers?: Record<string, string>,
): Promise<string> {
  const r = await http('POST', `/${type}s`, { [type]: body }, headers);
  if (r.status !== 200)
    throw new Error(`create ${type} ${JSON.stringify(body).slice(0, 200)} → ${r.status} ${r.text}`);
  return r.json[type].uuid;
}

export async function read(
  http: Http,
  type: string,
  uuid: string,
  headers?: Record<string, string>,
): Promise<any> {
  const r = await http('GET', `/${type}/${uuid}`, undefined, headers);
  if (r.status !== 200) throw new Error(`read ${type} ${uuid} → ${r.status} ${r.text}`);
  return r.json[type];
}
