import { badRequest } from '@skein/model';
import { ID_POOLS, allocateId, releaseOwner, reserveId } from '@skein/ipam';
import { findByFqName, fqLookupKey, loadObject, type StoredObject } from '@skein/store';
import type { WriteTx } from '../engine/write-tx';
import type { ObjectWriter } from '../engine/object-writer';
import type { TypeHooks } from './types';

/** Tag types TF predefines, with their fixed ids (config-api.md §7). */
export const PREDEFINED_TAG_TYPES: Record<string, number> = {
  label: 0,
  application: 1,
  tier: 2,
  deployment: 3,
  site: 4,
  neutron_fwaas: 5,
  neutron_tag: 6,
};
const { name: TAG_TYPE_POOL, range: TAG_TYPE_RANGE } = ID_POOLS.tagTypeId;
const hex4 = (n: number) => n.toString(16).padStart(4, '0');

export const tagTypeHooks: TypeHooks = {
  async beforeCreate(w, obj) {
    const name = obj.fq_name[0];
    const predefined = PREDEFINED_TAG_TYPES[name];
    let id: number;
    if (predefined !== undefined) {
      id = predefined;
      await reserveId(w.c, TAG_TYPE_POOL, id, obj.uuid);
    } else id = await allocateId(w.c, TAG_TYPE_POOL, TAG_TYPE_RANGE, obj.uuid);
    obj.props.tag_type_id = `0x${hex4(id)}`;
  },
  async beforeDelete(w, obj) {
    await releaseOwner(w.c, obj.uuid);
  },
};

/** Finds or creates the tag-type a tag names (a missing one is created, config-api.md §1.3). */
async function ensureTagType(w: WriteTx, writer: ObjectWriter, typeName: string): Promise<StoredObject> {
  const pending = w.pendingFq.get(fqLookupKey('tag-type', [typeName]));
  if (pending) return w.pending.get(pending.uuid)!;
  const hit = await findByFqName(w.c, 'tag-type', [typeName]);
  if (hit) return (await loadObject(w.c, hit.uuid))!;
  return writer.createInternal(w, 'tag-type', { fq_name: [typeName], parent_type: 'config-root' });
}

export const tagHooks: TypeHooks = {
  async beforeCreate(w, obj, writer) {
    const typeName = String(obj.props.tag_type_name ?? '').toLowerCase();
    const value = obj.props.tag_value;
    if (!typeName) throw badRequest('tag_type_name is required', { field: 'tag_type_name' }, 'INVALID_FIELD');
    if (typeof value !== 'string' || !value)
      throw badRequest('tag_value is required', { field: 'tag_value' }, 'INVALID_FIELD');
    obj.props.tag_type_name = typeName;
    const name = `${typeName}=${value}`;
    obj.fq_name = [...obj.fq_name.slice(0, -1), name];
    obj.props.display_name = name;
    const tt = await ensureTagType(w, writer, typeName);
    const typeId = parseInt(String(tt.props.tag_type_id), 16);
    const valueId = await allocateId(w.c, `tag-value:${typeName}`, { lo: 0, hi: 0x7fff }, obj.uuid);
    obj.props.tag_id = `0x${hex4(typeId)}${hex4(valueId)}`;
    obj.refs = [
      ...obj.refs.filter((r) => r.to_type !== 'tag-type'),
      { to_uuid: tt.uuid, to_type: 'tag-type', to_fq_name: tt.fq_name, attr: null, relaxed: false },
    ];
  },
  async beforeUpdate(w, before, after) {
    if (!w.internal && after.props.tag_type_name !== before.props.tag_type_name)
      throw badRequest('tag_type_name cannot be updated', { field: 'tag_type_name' }, 'IMMUTABLE_FIELD');
  },
  async beforeDelete(w, obj) {
    await releaseOwner(w.c, obj.uuid);
  },
};
