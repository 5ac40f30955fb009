import { jsonClone, jsonEqual } from './names';
import { badRequest, forbidden, getType, notFound, own, typeFromField, validateValue } from '@skein/model';
import { loadObject } from '@skein/store';
import { SERVICE_ROLE } from '../auth/auth.service';
import { accessBits, can, isOwner, noDashes, PERM_W } from '../auth/identity';
import { checkNewOwner } from '../auth/owner';
import type { ConfigService } from './config-service';
import { checkUuid, isUuid } from './names';
import type { RequestContext } from './write-tx';

const obj = (v: unknown, what = 'Request body'): Record<string, any> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw badRequest(`${what} must be a JSON object`);
  return v as Record<string, any>;
};

/** The VNC action endpoints (config-api.md §3.4) that change or read more than one plain object. */
export class Actions {
  constructor(private readonly svc: ConfigService) {}

  async refUpdate(ctx: RequestContext, body: unknown) {
    const b = obj(body);
    const op = b.operation;
    if (op !== 'ADD' && op !== 'DELETE')
      throw badRequest(`Invalid operation ${JSON.stringify(op)}: expected ADD or DELETE`, {
        field: 'operation',
      });
    // TF takes either spelling (schema-transformer and the neutron plugin send virtual_network).
    const type = typeof b.type === 'string' ? typeFromField(b.type) : undefined;
    if (!type || !getType(type))
      throw badRequest(`Unknown type ${JSON.stringify(b.type)}`, { field: 'type' });
    const refType = typeof b['ref-type'] === 'string' ? typeFromField(b['ref-type']) : undefined;
    if (!refType || !getType(refType))
      throw badRequest(`Unknown ref-type ${JSON.stringify(b['ref-type'])}`, { field: 'ref-type' });
    const uuid = checkUuid(b.uuid);
    const target: { uuid?: string; fq_name?: string[] } = {};
    if (b['ref-uuid'] !== undefined && b['ref-uuid'] !== null)
      target.uuid = checkUuid(b['ref-uuid'], 'ref-uuid');
    else if (Array.isArray(b['ref-fq-name'])) target.fq_name = b['ref-fq-name'];
    else throw badRequest('ref-uuid or ref-fq-name is required', { field: 'ref-uuid' });
    const r = await this.svc.write(ctx, (w) =>
      this.svc.writer.refUpdate(w, op, type, uuid, refType, target, b.attr ?? null, !!b.relax_ref_for_delete),
    );
    return { body: { uuid }, seq: r.seq };
  }

  async refRelax(ctx: RequestContext, body: unknown) {
    const b = obj(body);
    const uuid = checkUuid(b.uuid);
    const refUuid = checkUuid(b['ref-uuid'], 'ref-uuid');
    const r = await this.svc.write(ctx, async (w) => {
      const cur = await loadObject(w.c, uuid, { forUpdate: true });
      if (!cur) throw notFound(`No object found for id ${uuid}`, { uuid });
      const ref = cur.refs.find((x) => x.to_uuid === refUuid);
      if (!ref) throw notFound(`${uuid} has no reference to ${refUuid}`, { uuid: refUuid });
      if (ref.relaxed) return;
      if (!ctx.identity.admin && !can(ctx.identity, cur.perms2, PERM_W))
        throw forbidden(`Permission denied to update ${uuid}`);
      const next = { ...cur, refs: cur.refs.map((x) => (x === ref ? { ...x, relaxed: true } : x)) };
      await this.svc.writer.queueUpdate(w, cur, next, 'REF_ADD', {
        ref: { type: ref.to_type, uuid: refUuid, attr: ref.attr, relaxed: true },
      });
    });
    return { body: { uuid }, seq: r.seq };
  }

  private collectionDef(type: string, field: string) {
    const props = getType(type)?.props;
    const pd = props && own(props, field);
    if (!pd?.collection) throw badRequest(`${field} is not a collection property of ${type}`, { field });
    return pd;
  }

  async propCollectionGet(ctx: RequestContext, q: Record<string, unknown>) {
    const uuid = checkUuid(q.uuid);
    const fields = String(q.fields ?? '')
      .split(',')
      .filter(Boolean);
    if (!fields.length) throw badRequest('fields is required', { field: 'fields' });
    const o = await this.svc.loadForRead(this.svc.db, ctx, uuid);
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const pd = this.collectionDef(o.type, f);
      const list: any[] = (o.props[f]?.[pd.collection!.field] as any[]) ?? [];
      const c = pd.collection!;
      let pairs = list.map((e, i) => [e, c.kind === 'map' ? e[c.key!] : String(i)]);
      if (q.position !== undefined) pairs = pairs.filter((p) => String(p[1]) === String(q.position));
      out[f] = pairs;
    }
    return out;
  }

  async propCollectionUpdate(ctx: RequestContext, body: unknown) {
    const b = obj(body);
    const uuid = checkUuid(b.uuid);
    if (!Array.isArray(b.updates)) throw badRequest('updates must be a list', { field: 'updates' });
    const r = await this.svc.write(ctx, async (w) => {
      const cur = await loadObject(w.c, uuid, { forUpdate: true });
      if (!cur) throw notFound(`No object found for id ${uuid}`, { uuid });
      if (!ctx.identity.admin && !can(ctx.identity, cur.perms2, PERM_W))
        throw forbidden(`Permission denied to update ${uuid}`);
      const next = { ...cur, props: jsonClone(cur.props) };
      const fieldsChanged = new Set<string>();
      (b.updates as unknown[]).forEach((u0, i) => {
        const u = obj(u0, `updates[${i}]`);
        const field = String(u.field);
        const pd = this.collectionDef(cur.type, field);
        const c = pd.collection!;
        const wrapper = (next.props[field] ??= { [c.field]: [] });
        const list: any[] = (wrapper[c.field] ??= []);
        // An element is validated as the one-element list of its wrapper struct.
        const checkElem = (v: unknown) => {
          const probe = validateValue(pd.type, { [c.field]: [v] }, field) as any;
          return probe[c.field][0];
        };
        const op = u.operation;
        if (c.kind === 'list') {
          if (op === 'add') list.push(checkElem(u.value));
          else if (op === 'modify' || op === 'delete') {
            const pos = Number(u.position);
            if (!Number.isInteger(pos) || pos < 0 || pos >= list.length)
              throw badRequest(`updates[${i}]: no element at position ${u.position}`, {
                field: `updates[${i}].position`,
              });
            if (op === 'modify') list[pos] = checkElem(u.value);
            else list.splice(pos, 1);
          } else
            throw badRequest(
              `updates[${i}]: invalid operation ${JSON.stringify(op)} for a list (add, modify, delete)`,
              { field: `updates[${i}].operation` },
            );
        } else {
          if (op === 'set') {
            const v = checkElem(u.value);
            const key = v[c.key!];
            const at = list.findIndex((e) => e[c.key!] === key);
            if (at >= 0) list[at] = v;
            else list.push(v);
          } else if (op === 'delete') {
            const at = list.findIndex((e) => e[c.key!] === u.position);
            if (at < 0)
              throw badRequest(`updates[${i}]: no element with key ${JSON.stringify(u.position)}`, {
                field: `updates[${i}].position`,
              });
            list.splice(at, 1);
          } else
            throw badRequest(
              `updates[${i}]: invalid operation ${JSON.stringify(op)} for a map (set, delete)`,
              { field: `updates[${i}].operation` },
            );
        }
        fieldsChanged.add(field);
      });
      if (jsonEqual(next.props, cur.props)) return;
      await this.svc.writer.queueUpdate(w, cur, next, 'PROP_COLLECTION', {
        updates: b.updates,
        changed: { props: [...fieldsChanged], refs: {} },
      });
    });
    return { body: {}, seq: r.seq };
  }

  async useragentKv(ctx: RequestContext, body: unknown) {
    const id = ctx.identity;
    // A cloud-admin store in TF (the neutron plugin's): admin and service roles only, in every aaa mode.
    if (!id.admin && !id.roles.includes(SERVICE_ROLE)) {
      throw forbidden(`useragent-kv is only for the admin and ${SERVICE_ROLE} roles`);
    }
    const b = obj(body);
    const key = b.key;
    // TF's kv_retrieve() without a key lists the whole store.
    if (b.operation === 'RETRIEVE' && (key === undefined || key === null)) {
      const { rows } = await this.svc.db.query(`SELECT key, value FROM useragent_kv ORDER BY key`);
      return { value: rows.map((r: { key: string; value: string }) => ({ key: r.key, value: r.value })) };
    }
    if (typeof key !== 'string' || !key) throw badRequest('key must be a non-empty string', { field: 'key' });
    switch (b.operation) {
      case 'STORE':
        if (typeof b.value !== 'string') throw badRequest('value must be a string', { field: 'value' });
        await this.svc.db.query(
          `INSERT INTO useragent_kv (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
          [key, b.value],
        );
        return {};
      case 'RETRIEVE': {
        const { rows } = await this.svc.db.query(`SELECT value FROM useragent_kv WHERE key = $1`, [key]);
        if (!rows.length) throw notFound(`Key ${key} not found`);
        return { value: rows[0].value };
      }
      case 'DELETE':
        await this.svc.db.query(`DELETE FROM useragent_kv WHERE key = $1`, [key]);
        return {};
      default:
        throw badRequest(
          `Invalid operation ${JSON.stringify(b.operation)}: expected STORE, RETRIEVE or DELETE`,
          { field: 'operation' },
        );
    }
  }

  async objPerms(ctx: RequestContext, uuid: unknown) {
    if (!isUuid(uuid)) throw badRequest('uuid is required', { field: 'uuid' }, 'INVALID_UUID');
    const o = await loadObject(this.svc.db, uuid);
    if (!o) throw notFound(`No object found for id ${uuid}`, { uuid });
    const bits = accessBits(ctx.identity, o.perms2);
    const perms = `${bits & 4 ? 'R' : ''}${bits & 2 ? 'W' : ''}${bits & 1 ? 'X' : ''}`;
    const id = ctx.identity;
    return {
      token_info: {
        token: {
          roles: id.roles.map((name) => ({ name })),
          project: { id: id.projectId, domain: { id: id.domainId } },
          user: { name: id.user },
        },
      },
      is_cloud_admin_role: id.admin,
      is_global_read_only_role: false,
      permissions: perms,
    };
  }

  async chown(ctx: RequestContext, body: unknown) {
    const b = obj(body);
    const uuid = checkUuid(b.uuid);
    if (typeof b.owner !== 'string' || !b.owner) throw badRequest('owner is required', { field: 'owner' });
    return this.changePerms(ctx, uuid, (p) => ({
      ...p,
      owner: b.owner === 'cloud-admin' ? b.owner : noDashes(b.owner),
    }));
  }

  async chmod(ctx: RequestContext, body: unknown) {
    const b = obj(body);
    const uuid = checkUuid(b.uuid);
    const access = (k: string) => {
      if (b[k] === undefined || b[k] === null) return undefined;
      const n = b[k];
      if (!Number.isInteger(n) || n < 0 || n > 7) throw badRequest(`${k} must be 0..7`, { field: k });
      return n as number;
    };
    const oa = access('owner_access');
    const ga = access('global_access');
    let share: { tenant: string; tenant_access: number }[] | undefined;
    if (b.share !== undefined && b.share !== null) {
      if (!Array.isArray(b.share)) throw badRequest('share must be a list', { field: 'share' });
      share = b.share.map((s: any, i: number) => {
        const t = String(s?.tenant ?? '');
        const m = /^(tenant|domain):(.+)$/.exec(t);
        if (!m)
          throw badRequest(`share[${i}].tenant must be tenant:<uuid> or domain:<uuid>`, {
            field: `share[${i}].tenant`,
          });
        const ta = s.tenant_access;
        if (!Number.isInteger(ta) || ta < 0 || ta > 7)
          throw badRequest(`share[${i}].tenant_access must be 0..7`, { field: `share[${i}].tenant_access` });
        return { tenant: `${m[1]}:${noDashes(m[2])}`, tenant_access: ta };
      });
    }
    return this.changePerms(ctx, uuid, (p) => ({
      owner: typeof b.owner === 'string' && b.owner ? noDashes(b.owner) : p.owner,
      owner_access: oa ?? p.owner_access,
      global_access: ga ?? p.global_access,
      share: share ?? p.share,
    }));
  }

  private async changePerms(ctx: RequestContext, uuid: string, f: (p: any) => any) {
    const r = await this.svc.write(ctx, async (w) => {
      const cur = await loadObject(w.c, uuid, { forUpdate: true });
      if (!cur) throw notFound(`No object found for id ${uuid}`, { uuid });
      if (
        !ctx.identity.admin &&
        !(can(ctx.identity, cur.perms2, PERM_W) && isOwner(ctx.identity, cur.perms2))
      ) {
        throw forbidden(`Permission denied to change permissions of ${uuid}`, { uuid });
      }
      const perms2 = f(cur.perms2);
      if (jsonEqual(perms2, cur.perms2)) return;
      if (perms2.owner !== cur.perms2.owner) await checkNewOwner(w.c, ctx.identity, perms2.owner);
      const next = { ...cur, perms2, props: { ...cur.props } };
      // is_shared follows global_access (config-api.md §1.3 VN hook, §3.4 chmod).
      if (getType(cur.type)?.props.is_shared) next.props.is_shared = perms2.global_access !== 0;
      await this.svc.writer.queueUpdate(w, cur, next, 'UPDATE', {
        changed: { props: ['perms2'], refs: {} },
        before: { perms2: cur.perms2 },
      });
    });
    return { body: {}, seq: r.seq };
  }
}
