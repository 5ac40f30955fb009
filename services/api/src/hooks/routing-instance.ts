import { ID_POOLS, allocateId, releaseOwner } from '@skein/ipam';
import { findByFqName, loadObject } from '@skein/store';
import { globalAsn, rtRange } from './global';
import type { TypeHooks } from './types';

/** The fabric and link-local instances carry no VPN routes, so they get no route target (config-api.md §6). */
export function needsRouteTarget(fq: string[]): boolean {
  const tail = fq.slice(-2).join(':');
  return tail !== 'ip-fabric:__default__' && tail !== '__link_local__:__link_local__';
}

export const routingInstanceHooks: TypeHooks = {
  async beforeCreate(w, obj, writer) {
    if (!needsRouteTarget(obj.fq_name)) return;
    const g = await globalAsn(w.c);
    const n = await allocateId(w.c, ID_POOLS.routeTarget.name, rtRange(g), obj.uuid);
    const name = `target:${g.asn}:${n}`;
    let rt = await findByFqName(w.c, 'route-target', [name]);
    if (!rt) {
      const created = await writer.createInternal(w, 'route-target', {
        fq_name: [name],
        parent_type: 'config-root',
      });
      rt = {
        uuid: created.uuid,
        type: 'route-target',
        fq_name: created.fq_name,
        perms2: created.perms2,
        user_visible: true,
      };
    }
    obj.refs = [
      ...obj.refs,
      {
        to_uuid: rt.uuid,
        to_type: 'route-target',
        to_fq_name: [name],
        attr: { import_export: null },
        relaxed: false,
      },
    ];
  },

  async beforeDelete(w, obj, writer) {
    await releaseOwner(w.c, obj.uuid);
    const g = await globalAsn(w.c);
    const prefix = `target:${g.asn}:`;
    const r = rtRange(g);
    for (const ref of obj.refs.filter((x) => x.to_type === 'route-target')) {
      const name = ref.to_fq_name[0];
      const n = Number(name.slice(prefix.length));
      if (!name.startsWith(prefix) || !(n >= r.lo && n <= r.hi)) continue;
      // The API-allocated target goes with its instance unless something else still uses it.
      const rt = await loadObject(w.c, ref.to_uuid, { backRefs: true });
      if (rt && (rt.back_refs ?? []).every((b) => b.uuid === obj.uuid || w.deleting.has(b.uuid))) {
        await writer.delete(w, 'route-target', rt.uuid, { internal: true });
      }
    }
  },
};
