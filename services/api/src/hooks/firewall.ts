import { badRequest } from '@skein/model';
import { findByFqName, type Identified, type StoredObject, type StoredRef } from '@skein/store';
import type { WriteTx } from '../engine/write-tx';
import type { TypeHooks } from './types';

const ENDPOINT_KINDS = ['tags', 'address_group', 'virtual_network', 'any', 'subnet'] as const;

/** A tag named in a rule resolves in the rule's scope, or globally with `global:` (config-api.md §1.3). */
async function resolveTag(w: WriteTx, rule: StoredObject, name: string, path: string): Promise<Identified> {
  const global = name.startsWith('global:');
  const bare = global ? name.slice(7) : name;
  const [t, ...v] = bare.split('=');
  const canonical = `${t.toLowerCase()}=${v.join('=')}`;
  const scoped =
    !global && rule.parent_type === 'project'
      ? await findByFqName(w.c, 'tag', [...rule.fq_name.slice(0, 2), canonical])
      : undefined;
  const hit = scoped ?? (await findByFqName(w.c, 'tag', [canonical]));
  if (!hit) throw badRequest(`Unknown tag ${name} at ${path}`, { field: path }, 'UNKNOWN_REF');
  return hit;
}

async function derive(w: WriteTx, obj: StoredObject, clientRefs: { tags: boolean; ags: boolean }) {
  if (!w.internal && (clientRefs.tags || clientRefs.ags)) {
    throw badRequest(
      `${clientRefs.tags ? 'tag_refs' : 'address_group_refs'} of a firewall-rule are set by the server from its endpoints`,
      { field: clientRefs.tags ? 'tag_refs' : 'address_group_refs' },
      'INVALID_FIELD',
    );
  }
  const hasService = obj.props.service !== undefined && obj.props.service !== null;
  const hasGroups = obj.refs.some((r) => r.to_type === 'service-group');
  if (hasService === hasGroups)
    throw badRequest(
      'A firewall-rule needs exactly one of service and service_group_refs',
      { field: 'service' },
      'INVALID_FIELD',
    );
  const tagRefs: StoredRef[] = [];
  const agRefs: StoredRef[] = [];
  for (const ep of ['endpoint_1', 'endpoint_2']) {
    const e = obj.props[ep];
    if (!e) continue;
    const kinds = ENDPOINT_KINDS.filter(
      (k) =>
        e[k] !== undefined && e[k] !== null && !(Array.isArray(e[k]) && e[k].length === 0) && e[k] !== false,
    );
    if (kinds.length > 1)
      throw badRequest(
        `${ep} names more than one endpoint kind: ${kinds.join(', ')}`,
        { field: ep },
        'INVALID_FIELD',
      );
    if (Array.isArray(e.tags)) {
      const ids: number[] = [];
      for (let i = 0; i < e.tags.length; i++) {
        const t = await resolveTag(w, obj, e.tags[i], `${ep}.tags[${i}]`);
        const full = await w.c.query(`SELECT props->>'tag_id' AS id FROM objects WHERE uuid = $1`, [t.uuid]);
        ids.push(parseInt(full.rows[0].id, 16));
        if (!tagRefs.some((r) => r.to_uuid === t.uuid))
          tagRefs.push({
            to_uuid: t.uuid,
            to_type: 'tag',
            to_fq_name: t.fq_name,
            attr: null,
            relaxed: false,
          });
      }
      obj.props[ep] = { ...e, tag_ids: ids };
    }
    if (e.address_group) {
      const fq = String(e.address_group).split(':');
      const ag = (await findByFqName(w.c, 'address-group', fq)) ?? undefined;
      if (!ag)
        throw badRequest(
          `Unknown address-group ${e.address_group} at ${ep}.address_group`,
          { field: `${ep}.address_group` },
          'UNKNOWN_REF',
        );
      if (!agRefs.some((r) => r.to_uuid === ag.uuid))
        agRefs.push({
          to_uuid: ag.uuid,
          to_type: 'address-group',
          to_fq_name: ag.fq_name,
          attr: null,
          relaxed: false,
        });
    }
  }
  obj.refs = [
    ...obj.refs.filter((r) => r.to_type !== 'tag' && r.to_type !== 'address-group'),
    ...tagRefs,
    ...agRefs,
  ];
  const matchTags: string[] = obj.props.match_tags?.tag_list ?? ['application'];
  obj.props.match_tag_types = { tag_type: await tagTypeIds(w, matchTags) };
}

async function tagTypeIds(w: WriteTx, names: string[]): Promise<number[]> {
  const out: number[] = [];
  for (const n of names) {
    const { rows } = await w.c.query(
      `SELECT props->>'tag_type_id' AS id FROM objects WHERE type = 'tag-type' AND fq_name = $1::jsonb`,
      [JSON.stringify([n.toLowerCase()])],
    );
    if (!rows.length)
      throw badRequest(`Unknown tag type ${n} in match_tags`, { field: 'match_tags' }, 'INVALID_FIELD');
    out.push(parseInt(rows[0].id, 16));
  }
  return out;
}

export const firewallRuleHooks: TypeHooks = {
  async beforeCreate(w, obj) {
    await derive(w, obj, {
      tags: obj.refs.some((r) => r.to_type === 'tag'),
      ags: obj.refs.some((r) => r.to_type === 'address-group'),
    });
  },
  async beforeUpdate(w, _before, after, changed) {
    const clientRefs = { tags: changed.has('tag_refs'), ags: changed.has('address_group_refs') };
    if (
      clientRefs.tags ||
      clientRefs.ags ||
      ['endpoint_1', 'endpoint_2', 'service', 'service_group_refs', 'match_tags'].some((f) => changed.has(f))
    ) {
      await derive(w, after, clientRefs);
      changed.add('tag_refs');
    }
  },
};
