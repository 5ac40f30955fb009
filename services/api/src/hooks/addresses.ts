import { badRequest, getType } from '@skein/model';
import {
  allocateAddress,
  normalizeIpamSubnets,
  releaseOwner,
  subnetsOf,
  syncSubnets,
  type SubnetRef,
} from '@skein/ipam';
import { findByFqName, loadObject, loadObjects, type StoredObject } from '@skein/store';
import type { WriteTx } from '../engine/write-tx';
import type { TypeHooks } from './types';
import { pyList } from '../engine/names';

/** VNs whose addresses are managed outside Skein (the fabric and link-local networks). */
const UNMANAGED_VNS = new Set(['ip-fabric', '__link_local__']);

/** How TF's IPAM messages name a subnet owner: `Virtual-Network(['default-domain', 'p', 'vn'])`. */
export const vnLabel = (vn: { fq_name: readonly string[] }) => `Virtual-Network(${pyList(vn.fq_name)})`;
const ipamLabel = (fq: readonly string[]) => `Network-Ipam(${pyList(fq)})`;

/** Candidate subnets of a VN in the order its address_allocation_mode asks for (config-api.md §6). */
export async function vnSubnets(w: WriteTx, vn: StoredObject): Promise<SubnetRef[]> {
  const user = await subnetsOf(w.c, vn.uuid);
  const ipamUuids = vn.refs.filter((r) => r.to_type === 'network-ipam').map((r) => r.to_uuid);
  const ipams = await loadObjects(w.c, ipamUuids);
  const flat: SubnetRef[] = [];
  for (const i of ipams)
    if (i.props.ipam_subnet_method === 'flat-subnet') flat.push(...(await subnetsOf(w.c, i.uuid)));
  switch (vn.props.address_allocation_mode) {
    case 'user-defined-subnet-only':
      return user;
    case 'flat-subnet-only':
      return flat;
    case 'flat-subnet-preferred':
      return [...flat, ...user];
    default:
      return [...user, ...flat];
  }
}

function pickFamily(subnets: SubnetRef[], family: unknown): SubnetRef[] {
  if (family !== 'v4' && family !== 'v6') return subnets;
  return subnets.filter((s) => s.family === family);
}

export const instanceIpHooks: TypeHooks = {
  async beforeCreate(w, obj) {
    const vnRef = obj.refs.find((r) => r.to_type === 'virtual-network');
    const ipamRef = obj.refs.find((r) => r.to_type === 'network-ipam');
    const vrRef = obj.refs.find((r) => r.to_type === 'virtual-router');
    if (vrRef && (vnRef || ipamRef))
      throw badRequest(
        'An instance-ip takes its address from a virtual-router, or from a virtual-network or network-ipam, not both',
        { field: 'virtual_router_refs' },
        'INVALID_FIELD',
      );
    const requested: string | undefined = obj.props.instance_ip_address;
    let candidates: SubnetRef[];
    let label: string;
    if (vnRef) {
      const vn = (w.pending.get(vnRef.to_uuid) as StoredObject) ?? (await loadObject(w.c, vnRef.to_uuid));
      if (!vn) return;
      if (UNMANAGED_VNS.has(vn.fq_name[vn.fq_name.length - 1])) return;
      candidates = await vnSubnets(w, vn);
      label = vnLabel(vn);
    } else if (ipamRef) {
      if (requested !== undefined)
        throw badRequest(
          'An instance-ip from a network-ipam cannot request an address',
          { field: 'instance_ip_address' },
          'INVALID_FIELD',
        );
      candidates = await subnetsOf(w.c, ipamRef.to_uuid);
      label = ipamLabel(ipamRef.to_fq_name);
    } else if (vrRef) {
      const vr = await loadObject(w.c, vrRef.to_uuid);
      const ipams = (vr?.refs ?? []).filter((r) => r.to_type === 'network-ipam');
      candidates = (await Promise.all(ipams.map((r) => subnetsOf(w.c, r.to_uuid)))).flat();
      label = `Virtual-Router(${pyList(vrRef.to_fq_name)})`;
    } else {
      if (requested === undefined)
        throw badRequest(
          'An instance-ip needs virtual_network_refs, network_ipam_refs or virtual_router_refs',
          { field: 'virtual_network_refs' },
          'INVALID_FIELD',
        );
      return;
    }
    const family =
      obj.props.instance_ip_family ?? (requested?.includes(':') ? 'v6' : requested ? 'v4' : undefined);
    candidates = pickFamily(candidates, family);
    if (obj.props.subnet_uuid) {
      candidates = candidates.filter((s) => s.subnetUuid === obj.props.subnet_uuid);
      if (!candidates.length)
        throw badRequest(
          `subnet_uuid ${obj.props.subnet_uuid} is not a subnet of the source`,
          { field: 'subnet_uuid' },
          'INVALID_FIELD',
        );
    }
    // Only router ports (VMIs with no VM) may take the gateway address.
    const vmis = await loadObjects(
      w.c,
      obj.refs.filter((r) => r.to_type === 'virtual-machine-interface').map((r) => r.to_uuid),
    );
    const allowGateway =
      vmis.length > 0 && vmis.every((v) => !v.refs.some((r) => r.to_type === 'virtual-machine'));
    const got = await allocateAddress(w.c, {
      subnets: candidates,
      family,
      requested,
      owner: obj.uuid,
      allowGateway,
      ownerLabel: label,
    });
    obj.props.instance_ip_address = got.address;
    obj.props.subnet_uuid = got.subnetUuid;
    obj.props.instance_ip_family = got.address.includes(':') ? 'v6' : 'v4';
  },
  async beforeDelete(w, obj) {
    await releaseOwner(w.c, obj.uuid);
  },
};

/** floating-ip and alias-ip: from the pool's VN, limited to the pool's subnets when it lists any. */
function pooledIpHooks(
  addressField: string,
  familyField: string,
  poolType: string,
  subnetsField: string,
): TypeHooks {
  return {
    async beforeCreate(w, obj) {
      if (obj.parent_type !== poolType) {
        if (!obj.props[addressField])
          throw badRequest(
            `${addressField} is required for a ${obj.type} under ${obj.parent_type}`,
            { field: addressField },
            'INVALID_FIELD',
          );
        return;
      }
      if (!obj.refs.some((r) => r.to_type === 'project') && obj.fq_name.length >= 3) {
        const p = await findByFqName(w.c, 'project', obj.fq_name.slice(0, 2));
        if (p)
          obj.refs = [
            ...obj.refs,
            { to_uuid: p.uuid, to_type: 'project', to_fq_name: p.fq_name, attr: null, relaxed: false },
          ];
      }
      const pool = await loadObject(w.c, obj.parent_uuid!);
      const vn = pool && (await loadObject(w.c, pool.parent_uuid!));
      if (!pool || !vn) return;
      const requested: string | undefined = obj.props[addressField];
      let candidates = await vnSubnets(w, vn);
      const limit: string[] | undefined = pool.props[subnetsField]?.subnet_uuid;
      if (limit?.length) candidates = candidates.filter((s) => limit.includes(s.subnetUuid));
      const family = requested ? (requested.includes(':') ? 'v6' : 'v4') : obj.props[familyField];
      candidates = pickFamily(candidates, family);
      const got = await allocateAddress(w.c, {
        subnets: candidates,
        family,
        requested,
        owner: obj.uuid,
        ownerLabel: vnLabel(vn),
      });
      obj.props[addressField] = got.address;
      if (getType(obj.type)?.props[familyField])
        obj.props[familyField] = got.address.includes(':') ? 'v6' : 'v4';
    },
    async beforeDelete(w, obj) {
      await releaseOwner(w.c, obj.uuid);
    },
  };
}

export const floatingIpHooks = pooledIpHooks(
  'floating_ip_address',
  'floating_ip_address_family',
  'floating-ip-pool',
  'floating_ip_pool_subnets',
);
export const aliasIpHooks = pooledIpHooks(
  'alias_ip_address',
  'alias_ip_address_family',
  'alias-ip-pool',
  'alias_ip_pool_subnets',
);

/** Flat subnets live on the IPAM (config-api.md §6). */
async function syncIpamSubnets(w: WriteTx, before: StoredObject | undefined, obj: StoredObject) {
  const subnets = obj.props.ipam_subnets?.subnets ?? [];
  if (obj.props.ipam_subnet_method !== 'flat-subnet') {
    if (subnets.length)
      throw badRequest(
        'ipam_subnets may only be set on a flat-subnet network-ipam',
        { field: 'ipam_subnets' },
        'INVALID_FIELD',
      );
    return;
  }
  const normalized = normalizeIpamSubnets(subnets, {
    paths: subnets.map((_: unknown, i: number) => `ipam_subnets.subnets[${i}]`),
    previous: before?.props.ipam_subnets?.subnets ?? [],
  });
  obj.props.ipam_subnets = { ...obj.props.ipam_subnets, subnets: normalized.map((n) => n.ipamSubnet) };
  await syncSubnets(w.c, { kind: 'network-ipam', uuid: obj.uuid, label: ipamLabel(obj.fq_name) }, normalized);
}

export const networkIpamHooks: TypeHooks = {
  async beforeCreate(w, obj) {
    await syncIpamSubnets(w, undefined, obj);
  },
  async beforeUpdate(w, before, after, changed) {
    if (changed.has('ipam_subnets') || changed.has('ipam_subnet_method'))
      await syncIpamSubnets(w, before, after);
  },
  async beforeDelete(w, obj) {
    if (obj.props.ipam_subnet_method === 'flat-subnet') {
      await syncSubnets(w.c, { kind: 'network-ipam', uuid: obj.uuid, label: ipamLabel(obj.fq_name) }, []);
    }
  },
};
