import { badRequest, getType, notFound, typeFromField } from '@skein/model';
import { findByFqName, loadObject, type StoredRef } from '@skein/store';
import type { ConfigService } from '../engine/config-service';
import { checkUuid } from '../engine/names';
import type { RequestContext } from '../engine/write-tx';

/**
 * POST /set-tag (config-api.md §3.4): `{"obj_type", "obj_uuid", "<tag type>": {"value", "is_global"?} | null}`.
 * One tag per type replaces the object's tag of that type; `label` may carry several values (a list); null
 * removes the object's tags of that type. Tags resolve in the object's project, or globally with is_global.
 */
export async function setTag(svc: ConfigService, ctx: RequestContext, body: unknown) {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('Request body must be a JSON object');
  const b = body as Record<string, any>;
  const type = typeof b.obj_type === 'string' ? typeFromField(b.obj_type) : '';
  if (!getType(type))
    throw badRequest(`Unknown obj_type ${JSON.stringify(b.obj_type)}`, { field: 'obj_type' });
  const uuid = checkUuid(b.obj_uuid, 'obj_uuid');
  const r = await svc.write(ctx, async (w) => {
    const cur = await loadObject(w.c, uuid);
    if (!cur || cur.type !== type) throw notFound(`No ${type} object found for id ${uuid}`, { uuid, type });
    const project =
      cur.type === 'project' ? cur.fq_name : cur.fq_name.length >= 3 ? cur.fq_name.slice(0, 2) : undefined;
    let refs = cur.refs;
    for (const [k, v] of Object.entries(b)) {
      if (k === 'obj_type' || k === 'obj_uuid') continue;
      const tagType = k.toLowerCase();
      const current = await tagRefsOfType(w.c, refs, tagType);
      if (v === null) {
        refs = refs.filter((x) => !current.has(x.to_uuid));
        continue;
      }
      if (typeof v !== 'object' || Array.isArray(v))
        throw badRequest(`${k} must be {"value": ..., "is_global"?} or null`, { field: k });
      const values: unknown[] = Array.isArray(v.value) ? v.value : [v.value];
      if (values.length === 0 || values.some((x) => typeof x !== 'string' || !x))
        throw badRequest(`${k}.value must be a non-empty string`, { field: `${k}.value` });
      if (values.length > 1 && tagType !== 'label')
        throw badRequest(`only label may take several values`, { field: `${k}.value` });
      const found: StoredRef[] = [];
      for (const value of values as string[]) {
        const name = `${tagType}=${value}`;
        const fq = v.is_global || !project ? [name] : [...project, name];
        const hit = await findByFqName(w.c, 'tag', fq);
        if (!hit) throw notFound(`No tag ${fq.join(':')} found`, { fq_name: fq });
        found.push({
          to_uuid: hit.uuid,
          to_type: 'tag',
          to_fq_name: hit.fq_name,
          attr: null,
          relaxed: false,
        });
      }
      refs = [
        ...refs.filter((x) =>
          tagType === 'label' ? !found.some((f) => f.to_uuid === x.to_uuid) : !current.has(x.to_uuid),
        ),
        ...found,
      ];
    }
    await svc.writer.update(w, type, uuid, {
      tag_refs: refs.filter((x) => x.to_type === 'tag').map((x) => ({ uuid: x.to_uuid })),
    });
  });
  return r.seq;
}

async function tagRefsOfType(
  c: { query: (t: string, v?: unknown[]) => Promise<{ rows: any[] }> },
  refs: StoredRef[],
  tagType: string,
): Promise<Set<string>> {
  const tags = refs.filter((r) => r.to_type === 'tag').map((r) => r.to_uuid);
  if (!tags.length) return new Set();
  const { rows } = await c.query(
    `SELECT uuid::text FROM objects WHERE uuid = ANY($1::uuid[]) AND props->>'tag_type_name' = $2`,
    [tags, tagType],
  );
  return new Set(rows.map((r) => r.uuid));
}
