import { jsonEqual } from '../engine/names';
import { badRequest, forbidden } from '@skein/model';
import {
  ID_POOLS,
  allocateId,
  freeId,
  normalizeIpamSubnets,
  reserveId,
  syncSubnets,
  type IpamSubnetType,
} from '@skein/ipam';
import { loadObjects, type StoredObject } from '@skein/store';
import type { WriteTx } from '../engine/write-tx';
import { globalAsn, type GlobalAsn } from './global';
import { vnLabel } from './addresses';
import { checkUserRouteTarget } from './route-target';
import type { TypeHooks } from './types';

const { name: VN_ID_POOL, range: VN_ID_RANGE } = ID_POOLS.virtualNetworkId;

/** Keeps is_shared and perms2.global_access in step (config-api.md §1.3 VN hook). */
function syncShared(obj: StoredObject, changed?: Set<string>) {
  const ga = obj.perms2.global_access ?? 0;
  if (changed?.has('perms2') && !changed.has('is_shared')) obj.props.is_shared = ga !== 0;
  else if (obj.props.is_shared === true && ga === 0) obj.perms2 = { ...obj.perms2, global_access: 7 };
  else if (obj.props.is_shared === false && ga !== 0) obj.perms2 = { ...obj.perms2, global_access: 0 };
  else if (obj.props.is_shared === undefined) obj.props.is_shared = ga !== 0;
}

async function checkRouteTargets(w: WriteTx, obj: StoredObject) {
  if (w.internal) return;
  let g: GlobalAsn | undefined;
  for (const f of ['route_target_list', 'import_route_target_list', 'export_route_target_list']) {
    const list: unknown[] = obj.props[f]?.route_target ?? [];
    for (let i = 0; i < list.length; i++)
      checkUserRouteTarget((g ??= await globalAsn(w.c)), list[i], `${f}.route_target[${i}]`);
  }
}

async function checkVxlanId(w: WriteTx, obj: StoredObject) {
  const vni = obj.props.virtual_network_properties?.vxlan_network_identifier;
  if (vni === undefined || vni === null) return;
  const { rows } = await w.c.query(
    `SELECT uuid::text FROM objects WHERE type = 'virtual-network' AND uuid <> $1 AND props->'virtual_network_properties'->'vxlan_network_identifier' = $2::jsonb LIMIT 1`,
    [obj.uuid, JSON.stringify(vni)],
  );
  if (rows.length)
    throw badRequest(
      `VxLAN id ${vni} is already used by virtual-network ${rows[0].uuid}`,
      { field: 'virtual_network_properties.vxlan_network_identifier' },
      'INVALID_FIELD',
    );
}

/**
 * User-defined subnets live on the VN's IPAM ref attrs; flat subnets on the IPAM itself (config-api.md §6).
 * Normalises the attrs in place (server-filled subnet_uuid, gateway, DNS...) and registers them with the allocator.
 */
async function syncVnSubnets(w: WriteTx, before: StoredObject | undefined, obj: StoredObject) {
  const ipamRefs = obj.refs.filter((r) => r.to_type === 'network-ipam');
  const ipams = new Map(
    (
      await loadObjects(
        w.c,
        ipamRefs.map((r) => r.to_uuid).filter((u) => !w.pending.has(u)),
      )
    ).map((o) => [o.uuid, o as StoredObject]),
  );
  for (const r of ipamRefs) if (w.pending.has(r.to_uuid)) ipams.set(r.to_uuid, w.pending.get(r.to_uuid)!);
  const previous: IpamSubnetType[] = (before?.refs ?? [])
    .filter((r) => r.to_type === 'network-ipam')
    .flatMap((r) => ((r.attr as any)?.ipam_subnets ?? []) as IpamSubnetType[]);
  const inputs: IpamSubnetType[] = [];
  const paths: string[] = [];
  const owners: { ref: number; idx: number }[] = [];
  ipamRefs.forEach((r, ri) => {
    const attr = (r.attr ?? {}) as any;
    const subnets: IpamSubnetType[] = attr.ipam_subnets ?? [];
    const ipam = ipams.get(r.to_uuid);
    const flat = ipam?.props.ipam_subnet_method === 'flat-subnet';
    if (flat && subnets.length) {
      throw badRequest(
        `network-ipam ${ipam!.fq_name.join(':')} is flat-subnet: the ref attr must have no subnets`,
        { field: `network_ipam_refs[${ri}].attr.ipam_subnets` },
        'INVALID_FIELD',
      );
    }
    subnets.forEach((s, i) => {
      inputs.push(s);
      paths.push(`network_ipam_refs[${ri}].attr.ipam_subnets[${i}]`);
      owners.push({ ref: ri, idx: i });
    });
  });
  const normalized = normalizeIpamSubnets(inputs, { paths, previous });
  // Write the server-filled values back into the attrs so reads and events show them.
  const attrs = ipamRefs.map((r) => ({
    ...((r.attr ?? {}) as any),
    ipam_subnets: [...(((r.attr as any)?.ipam_subnets ?? []) as unknown[])],
  }));
  normalized.forEach((n, k) => {
    attrs[owners[k].ref].ipam_subnets[owners[k].idx] = n.ipamSubnet;
  });
  let i = 0;
  obj.refs = obj.refs.map((r) => (r.to_type === 'network-ipam' ? { ...r, attr: attrs[i++] } : r));
  await syncSubnets(w.c, { kind: 'virtual-network', uuid: obj.uuid, label: vnLabel(obj) }, normalized);
}

export const virtualNetworkHooks: TypeHooks = {
  async beforeCreate(w, obj) {
    const given = obj.props.virtual_network_network_id;
    if (given !== undefined && w.internal) await reserveId(w.c, VN_ID_POOL, given, obj.uuid);
    else obj.props.virtual_network_network_id = await allocateId(w.c, VN_ID_POOL, VN_ID_RANGE, obj.uuid);
    syncShared(obj);
    await checkRouteTargets(w, obj);
    await checkVxlanId(w, obj);
    await syncVnSubnets(w, undefined, obj);
  },

  async afterCreate(w, obj, writer) {
    const name = obj.fq_name[obj.fq_name.length - 1];
    await writer.createInternal(w, 'routing-instance', {
      fq_name: [...obj.fq_name, name],
      parent_type: 'virtual-network',
      props: { routing_instance_is_default: true },
    });
  },

  async beforeUpdate(w, before, after, changed) {
    if (after.props.virtual_network_network_id !== before.props.virtual_network_network_id && !w.internal) {
      throw forbidden('Cannot set the virtual network ID', { field: 'virtual_network_network_id' });
    }
    syncShared(after, changed);
    if (!jsonEqual(after.perms2, before.perms2)) changed.add('perms2');
    if (after.props.is_shared !== before.props.is_shared) changed.add('is_shared');
    if ([...changed].some((c) => c.endsWith('route_target_list'))) await checkRouteTargets(w, after);
    if (changed.has('virtual_network_properties')) await checkVxlanId(w, after);
    if (changed.has('network_ipam_refs')) await syncVnSubnets(w, before, after);
  },

  async beforeDelete(w, obj) {
    await syncSubnets(w.c, { kind: 'virtual-network', uuid: obj.uuid, label: vnLabel(obj) }, []);
    await freeId(w.c, VN_ID_POOL, obj.props.virtual_network_network_id);
  },
};
