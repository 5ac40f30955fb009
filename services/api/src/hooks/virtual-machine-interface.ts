import { badRequest } from '@skein/model';
import { findByFqName, fqLookupKey, loadObjects, type StoredObject, type StoredRef } from '@skein/store';
import type { WriteTx } from '../engine/write-tx';
import type { TypeHooks } from './types';

/** TF's MAC for a VMI without one: `02:` + uuid characters [0:2]:[2:4]:[4:6]:[6:8]:[9:11]. */
export function macFromUuid(uuid: string): string {
  return `02:${uuid.slice(0, 2)}:${uuid.slice(2, 4)}:${uuid.slice(4, 6)}:${uuid.slice(6, 8)}:${uuid.slice(9, 11)}`;
}

const defaultRiFq = (vnFq: string[]) => [...vnFq, vnFq[vnFq.length - 1]];
const sameFq = (a: string[], b: string[]) => a.length === b.length && a.every((e, i) => e === b[i]);

/** Every VMI refers to its VN's default routing instance (attr direction both) and follows the VN. */
async function syncDefaultRi(w: WriteTx, obj: StoredObject, oldVn?: StoredRef) {
  let refs = obj.refs;
  if (oldVn) {
    const old = defaultRiFq(oldVn.to_fq_name);
    refs = refs.filter((r) => !(r.to_type === 'routing-instance' && sameFq(r.to_fq_name, old)));
  }
  const vn = refs.find((r) => r.to_type === 'virtual-network');
  if (vn) {
    const riFq = defaultRiFq(vn.to_fq_name);
    if (!refs.some((r) => r.to_type === 'routing-instance' && sameFq(r.to_fq_name, riFq))) {
      const ri =
        w.pendingFq.get(fqLookupKey('routing-instance', riFq)) ??
        (await findByFqName(w.c, 'routing-instance', riFq));
      if (ri)
        refs = [
          ...refs,
          {
            to_uuid: ri.uuid,
            to_type: 'routing-instance',
            to_fq_name: riFq,
            attr: { direction: 'both' },
            relaxed: false,
          },
        ];
    }
  }
  obj.refs = refs;
}

async function checkSubInterface(w: WriteTx, obj: StoredObject) {
  const parents = obj.refs.filter((r) => r.to_type === 'virtual-machine-interface');
  if (!parents.length) return;
  const tag = obj.props.virtual_machine_interface_properties?.sub_interface_vlan_tag;
  const loaded = await loadObjects(
    w.c,
    parents.map((p) => p.to_uuid),
  );
  for (const p of loaded) {
    if (p.refs.some((r) => r.to_type === 'virtual-machine-interface')) {
      throw badRequest(
        `virtual-machine-interface ${p.uuid} is itself a sub-interface and cannot be a primary`,
        { field: 'virtual_machine_interface_refs' },
        'INVALID_FIELD',
      );
    }
    if (tag !== undefined) {
      const { rows } = await w.c.query(
        `SELECT o.uuid::text FROM refs r JOIN objects o ON o.uuid = r.from_uuid
          WHERE r.to_uuid = $1 AND r.from_type = 'virtual-machine-interface' AND o.uuid <> $2
            AND o.props->'virtual_machine_interface_properties'->'sub_interface_vlan_tag' = $3::jsonb LIMIT 1`,
        [p.uuid, obj.uuid, JSON.stringify(tag)],
      );
      if (rows.length)
        throw badRequest(
          `sub_interface_vlan_tag ${tag} is already used on primary ${p.uuid}`,
          { field: 'virtual_machine_interface_properties.sub_interface_vlan_tag' },
          'INVALID_FIELD',
        );
    }
  }
}

export const vmiHooks: TypeHooks = {
  async beforeCreate(w, obj) {
    const macs = obj.props.virtual_machine_interface_mac_addresses?.mac_address;
    if (!Array.isArray(macs) || macs.length === 0)
      obj.props.virtual_machine_interface_mac_addresses = { mac_address: [macFromUuid(obj.uuid)] };
    await checkSubInterface(w, obj);
    await syncDefaultRi(w, obj);
  },
  async beforeUpdate(w, before, after, changed) {
    if (changed.has('virtual_machine_interface_refs') || changed.has('virtual_machine_interface_properties'))
      await checkSubInterface(w, after);
    if (changed.has('virtual_network_refs')) {
      await syncDefaultRi(
        w,
        after,
        before.refs.find((r) => r.to_type === 'virtual-network'),
      );
      changed.add('routing_instance_refs');
    }
  },
};
