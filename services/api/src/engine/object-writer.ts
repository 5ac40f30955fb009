import { randomUUID } from 'node:crypto';
import {
  badRequest,
  conflict,
  forbidden,
  getType,
  notFound,
  own,
  refDef,
  refField,
  SkeinError,
  typeInfo,
  validateValue,
  type PropDef,
  type TypeDef,
} from '@skein/model';
import {
  findByFqName,
  fqLookupKey,
  loadObject,
  loadObjects,
  lookupObjects,
  resolveFqNames,
  type FullObject,
  type Perms2,
  type StoredObject,
  type StoredRef,
} from '@skein/store';
import { can, isOwner, noDashes, PERM_W, type Identity } from '../auth/identity';
import { checkNewOwner } from '../auth/owner';
import type { TypeHooks } from '../hooks/types';
import { checkFqName, checkUuid, isUuid, jsonClone, jsonEqual, tfTimestamp, uuidHalves } from './names';
import { parseRefField, refLookups, resolveRefs, type RefInput } from './refs';
import { hrefOf } from './rest-shape';
import type { WriteTx } from './write-tx';

const IDENTITY_KEYS = new Set(['uuid', 'fq_name', 'name', 'parent_type', 'parent_uuid']);
const IGNORED_KEYS = new Set(['href', 'parent_href']);

export interface WriteOptions {
  /** Created or changed by the server itself (implicit objects): no access checks, system fields allowed. */
  internal?: boolean;
  ifMatch?: number;
}

/** Refs given directly by server code (already resolved). */
export interface CreateSpec {
  uuid?: string;
  fq_name: string[];
  parent_type: string;
  props?: Record<string, unknown>;
  refs?: StoredRef[];
  perms2?: Partial<Perms2>;
  /** Hidden from non-admins (id_perms.user_visible false). */
  hidden?: boolean;
}

const clone = jsonClone;

function defaultFqOf(type: string): string[] {
  // TF's default parent chain: default-domain, default-domain:default-project, ...
  const td = getType(type);
  if (!td) return [];
  const parent = td.parents[0];
  if (!parent || parent === 'config-root') return [`default-${type}`];
  return [...defaultFqOf(parent), `default-${type}`];
}

/**
 * The generic create/update/delete/ref path shared by every type. Everything type-specific is in hooks.
 */
/** Types a non-admin may create under config-root: they have no other parent and belong to a tenant. */
const TENANT_ROOT_TYPES: ReadonlySet<string> = new Set(['instance-ip', 'virtual-machine']);

export class ObjectWriter {
  constructor(private readonly hooks: Record<string, TypeHooks>) {}

  private who(w: WriteTx, opts: WriteOptions): Identity | undefined {
    return opts.internal || w.ctx.identity.admin ? undefined : w.ctx.identity;
  }

  // ---------------------------------------------------------------- create

  /** A client create (POST /Ts, gRPC Create). */
  async create(
    w: WriteTx,
    type: string,
    body: Record<string, any>,
    opts: WriteOptions = {},
  ): Promise<StoredObject> {
    const td = getType(type);
    if (!td) throw notFound(`Unknown type ${type}`);
    const who = this.who(w, opts);

    const uuid = body.uuid === undefined || body.uuid === null ? randomUUID() : checkUuid(body.uuid);
    const { fq, parentType } = await this.placement(w, td, body);
    // Only cloud-admin creates the global objects under config-root (domains, global-system-configs, global
    // tags, …). Tenants' own instance-ips and virtual-machines live there too, owned by the caller's project
    // (config-api.md §5).
    if (who && parentType === 'config-root' && !TENANT_ROOT_TYPES.has(type))
      throw forbidden(`Only admin may create ${type} under config-root`, { type });

    const props: Record<string, any> = {};
    let idPermsIn: Record<string, any> | undefined;
    let perms2In: Record<string, any> | undefined;
    const refFields = typeInfo(type)!.refFields;
    const refInputs: RefInput[] = [];
    for (const [k, v] of Object.entries(body)) {
      if (IDENTITY_KEYS.has(k) || IGNORED_KEYS.has(k) || k.endsWith('_back_refs') || this.isChildField(td, k))
        continue;
      if (k === 'id_perms') {
        if (v !== null) idPermsIn = validateValue({ kind: 'struct', name: 'IdPermsType' }, v, k) as any;
        continue;
      }
      if (k === 'perms2') {
        if (v !== null) perms2In = validateValue({ kind: 'struct', name: 'PermType2' }, v, k) as any;
        continue;
      }
      const rf = refFields.get(k);
      if (rf) {
        if (rf.derived && !opts.internal && !w.ctx.identity.admin) {
          throw badRequest(`${k} is maintained by the server`, { field: k }, 'INVALID_FIELD');
        }
        refInputs.push(parseRefField(k, rf.to, rf, v));
        continue;
      }
      const pd = own(td.props, k);
      if (!pd) {
        if (k.endsWith('_refs'))
          throw badRequest(`Unknown reference field ${k} for ${type}`, { field: k }, 'UNKNOWN_FIELD');
        throw badRequest(`Unknown field: ${k}`, { field: k }, 'UNKNOWN_FIELD');
      }
      if (v === null) continue;
      this.checkWritable(w, k, pd, opts);
      props[k] = validateValue(pd.type, v, k);
    }

    // Parent, own fq_name and every ref by fq_name resolve together.
    const parentFq = fq.slice(0, -1);
    const lookups = [{ type, fq_name: fq }];
    if (parentType !== 'config-root') lookups.push({ type: parentType, fq_name: parentFq });
    const refNeeds = refLookups(refInputs);
    const all = await lookupObjects(w.c, [...lookups, ...refNeeds.fqs], refNeeds.uuids);
    const found = all.byFq;
    const existing = found.get(fqLookupKey(type, fq)) ?? w.pendingFq.get(fqLookupKey(type, fq));
    if (existing)
      throw conflict('FQ_NAME_EXISTS', `${JSON.stringify(fq)} already exists with uuid: ${existing.uuid}`, {
        fq_name: fq,
        uuid: existing.uuid,
      });
    let parent: { uuid: string; perms2: Perms2 } | undefined;
    if (parentType !== 'config-root') {
      parent =
        found.get(fqLookupKey(parentType, parentFq)) ?? w.pendingFq.get(fqLookupKey(parentType, parentFq));
      if (!parent)
        throw badRequest(
          `Parent ${JSON.stringify(parentFq)} (${parentType}) does not exist`,
          { field: 'fq_name', fq_name: parentFq },
          'INVALID_PARENT',
        );
      if (body.parent_uuid && body.parent_uuid !== parent.uuid) {
        throw badRequest(
          `parent_uuid ${body.parent_uuid} does not match fq_name`,
          { field: 'parent_uuid' },
          'INVALID_PARENT',
        );
      }
      if (who && !can(who, parent.perms2, PERM_W))
        throw forbidden(`Permission denied to create in ${parentType} ${parent.uuid}`, { uuid: parent.uuid });
      const quota = (parent as { quota?: Record<string, number> | null }).quota;
      if (parentType === 'project' && quota !== undefined) w.knownQuotas.set(noDashes(parent.uuid), quota);
    }
    const resolved = await resolveRefs(w.c, refInputs, who, all);
    const refs: StoredRef[] = [];
    for (const rs of resolved.values()) refs.push(...rs);

    const obj = this.assemble(w, td, uuid, fq, parentType, parent?.uuid ?? null, props, refs, {
      idPermsIn,
      perms2In,
      parentOwner: parent ? (parent.perms2.owner as string) : undefined,
      internal: !!opts.internal,
    });
    for (const [target, def] of Object.entries(td.refs)) {
      if (def.required && !obj.refs.some((r) => r.to_type === target)) {
        throw badRequest(
          `${type} requires ${refField(target)}`,
          { field: refField(target) },
          'INVALID_FIELD',
        );
      }
      const n = obj.refs.filter((r) => r.to_type === target).length;
      if (def.max !== undefined && n > def.max) {
        throw badRequest(
          `${refField(target)} takes at most ${def.max} reference(s)`,
          { field: refField(target) },
          'INVALID_FIELD',
        );
      }
    }
    await this.insert(w, obj);
    return obj;
  }

  /** A create by server code (implicit objects: routing instances, route targets, tag types). */
  async createInternal(w: WriteTx, type: string, spec: CreateSpec): Promise<StoredObject> {
    const td = getType(type)!;
    const fq = spec.fq_name;
    let parentUuid: string | null = null;
    let parentOwner: string | undefined;
    if (spec.parent_type !== 'config-root') {
      const pfq = fq.slice(0, -1);
      const p =
        w.pendingFq.get(fqLookupKey(spec.parent_type, pfq)) ??
        (await findByFqName(w.c, spec.parent_type, pfq));
      if (!p)
        throw new SkeinError(500, 'INTERNAL', `Parent ${JSON.stringify(pfq)} of implicit ${type} is missing`);
      parentUuid = p.uuid;
      parentOwner = p.perms2.owner;
    }
    const props: Record<string, any> = {};
    for (const [k, v] of Object.entries(spec.props ?? {})) if (v !== undefined && v !== null) props[k] = v;
    const obj = this.assemble(
      w,
      td,
      spec.uuid ?? randomUUID(),
      fq,
      spec.parent_type,
      parentUuid,
      props,
      spec.refs ?? [],
      {
        perms2In: spec.perms2,
        idPermsIn: spec.hidden ? { user_visible: false } : undefined,
        parentOwner,
        internal: true,
      },
    );
    const was = w.internal;
    w.internal = true;
    try {
      await this.insert(w, obj);
    } finally {
      w.internal = was;
    }
    return obj;
  }

  private assemble(
    w: WriteTx,
    td: TypeDef,
    uuid: string,
    fq: string[],
    parentType: string,
    parentUuid: string | null,
    props: Record<string, any>,
    refs: StoredRef[],
    o: {
      idPermsIn?: Record<string, any>;
      perms2In?: Partial<Perms2>;
      parentOwner?: string;
      internal: boolean;
    },
  ): StoredObject {
    for (const [k, pd] of Object.entries(td.props)) {
      if (props[k] === undefined && pd.default !== undefined && k !== 'id_perms' && k !== 'perms2')
        props[k] = clone(pd.default);
    }
    if (td.props.display_name && props.display_name === undefined) props.display_name = fq[fq.length - 1];
    const now = tfTimestamp();
    const idIn = o.idPermsIn ?? {};
    const id_perms = {
      permissions: {
        owner: 'cloud-admin',
        owner_access: 7,
        group: 'cloud-admin-group',
        group_access: 7,
        other_access: 7,
      },
      uuid: uuidHalves(uuid),
      enable: idIn.enable ?? true,
      created: now,
      last_modified: now,
      ...(idIn.description !== undefined ? { description: idIn.description } : {}),
      user_visible: w.ctx.identity.admin || o.internal ? (idIn.user_visible ?? true) : true,
      creator: w.ctx.identity.user ?? null,
    };
    const perms2 = this.ownerPerms(w, td.name, uuid, parentType, o.parentOwner, o.perms2In, o.internal);
    return {
      uuid,
      type: td.name,
      fq_name: fq,
      parent_uuid: parentUuid,
      parent_type: parentType,
      props,
      id_perms,
      perms2,
      version: 1,
      refs,
    };
  }

  /** config-api.md §5 "The owner". */
  private ownerPerms(
    w: WriteTx,
    type: string,
    uuid: string,
    parentType: string,
    parentOwner: string | undefined,
    given: Partial<Perms2> | undefined,
    internal: boolean,
  ): Perms2 {
    const id = w.ctx.identity;
    let owner: string;
    if (type === 'project') owner = noDashes(uuid);
    else if (given?.owner) {
      if (!id.admin && !internal && noDashes(given.owner) !== noDashes(id.projectId ?? '')) {
        throw forbidden(`Cannot set owner ${given.owner}`);
      }
      owner = given.owner === 'cloud-admin' ? given.owner : noDashes(given.owner);
    } else if (parentType === 'domain' || parentType === 'config-root')
      owner = id.projectId ? noDashes(id.projectId) : 'cloud-admin';
    else owner = parentOwner ?? 'cloud-admin';
    return {
      owner,
      owner_access: given?.owner_access ?? 7,
      global_access: given?.global_access ?? 0,
      share: given?.share ?? [],
    };
  }

  private async insert(w: WriteTx, obj: StoredObject): Promise<void> {
    const hooks = this.hooks[obj.type];
    if (hooks?.beforeCreate) await hooks.beforeCreate(w, obj, this);
    if (!w.internal) await w.quota?.(w, obj);
    w.cs.inserts.push(obj);
    w.track(obj);
    for (const r of obj.refs) w.cs.refUpserts.push(refRow(obj, r));
    w.emit('CREATE', obj);
    await this.mirrorSymmetric(w, obj, obj.refs, []);
    if (hooks?.afterCreate) await hooks.afterCreate(w, obj, this);
  }

  // ---------------------------------------------------------------- update

  async update(
    w: WriteTx,
    type: string,
    uuid: string,
    patch: Record<string, any>,
    opts: WriteOptions = {},
  ): Promise<StoredObject | undefined> {
    const td = getType(type);
    if (!td) throw notFound(`Unknown type ${type}`);
    const cur = await this.lockOwn(w, type, uuid, opts);
    const who = this.who(w, opts);
    if (who && !can(who, cur.perms2, PERM_W))
      throw forbidden(`Permission denied to update ${type} ${uuid}`, { uuid, type });
    if (opts.ifMatch !== undefined && opts.ifMatch !== cur.version) {
      throw new SkeinError(
        412,
        'VERSION_MISMATCH',
        `Version mismatch: ${type} ${uuid} is at version ${cur.version}`,
        { uuid },
      );
    }
    const next: StoredObject = {
      ...cur,
      props: clone(cur.props),
      id_perms: clone(cur.id_perms),
      perms2: clone(cur.perms2),
      refs: [...cur.refs],
    };
    const changed = new Set<string>();
    const before: Record<string, unknown> = {};
    const refFields = typeInfo(type)!.refFields;
    const refInputs: RefInput[] = [];

    for (const [k, v] of Object.entries(patch)) {
      if (IDENTITY_KEYS.has(k)) {
        const current =
          k === 'name'
            ? cur.fq_name[cur.fq_name.length - 1]
            : k === 'parent_uuid'
              ? cur.parent_uuid
              : (cur as any)[k];
        if (v !== undefined && !jsonEqual(v, current))
          throw badRequest(`${k} cannot be updated`, { field: k }, 'IMMUTABLE_FIELD');
        continue;
      }
      if (IGNORED_KEYS.has(k) || k.endsWith('_back_refs') || this.isChildField(td, k)) continue;
      if (k === 'id_perms') {
        if (v === null) continue;
        const ip = validateValue({ kind: 'struct', name: 'IdPermsType' }, v, k) as any;
        const upd = { ...next.id_perms };
        if (ip.enable !== undefined) upd.enable = ip.enable;
        if (ip.description !== undefined) upd.description = ip.description;
        if (ip.user_visible !== undefined && (w.ctx.identity.admin || opts.internal))
          upd.user_visible = ip.user_visible;
        if (!jsonEqual(upd, next.id_perms)) {
          before.id_perms = cur.id_perms;
          next.id_perms = upd;
          changed.add('id_perms');
        }
        continue;
      }
      if (k === 'perms2') {
        if (v === null || typeof v !== 'object' || !(v as any).owner)
          throw badRequest('perms2 needs owner', { field: 'perms2.owner' }, 'INVALID_FIELD');
        const p = validateValue({ kind: 'struct', name: 'PermType2' }, v, k) as any;
        const np: Perms2 = {
          owner: p.owner,
          owner_access: p.owner_access ?? 7,
          global_access: p.global_access ?? 0,
          share: p.share ?? [],
        };
        if (who && noDashes(np.owner) !== cur.perms2.owner && !isOwner(who, cur.perms2))
          throw forbidden('Only the owner may change the owner');
        if (who && noDashes(np.owner) !== cur.perms2.owner) await checkNewOwner(w.c, who, np.owner);
        if (!jsonEqual(np, cur.perms2)) {
          before.perms2 = cur.perms2;
          next.perms2 = np;
          changed.add('perms2');
        }
        continue;
      }
      const rf = refFields.get(k);
      if (rf) {
        if (rf.derived && !opts.internal && !w.ctx.identity.admin)
          throw badRequest(`${k} is maintained by the server`, { field: k }, 'INVALID_FIELD');
        refInputs.push(parseRefField(k, rf.to, rf, v));
        continue;
      }
      const pd = own(td.props, k);
      if (!pd) throw badRequest(`Unknown field: ${k}`, { field: k }, 'UNKNOWN_FIELD');
      const value = v === null ? clone(pd.default) : validateValue(pd.type, v, k);
      const old = cur.props[k];
      if (jsonEqual(value, old)) continue;
      if (pd.immutable && !opts.internal)
        throw badRequest(`${k} cannot be updated`, { field: k }, 'IMMUTABLE_FIELD');
      this.checkWritable(w, k, pd, opts);
      before[k] = old ?? null;
      if (value === undefined) delete next.props[k];
      else next.props[k] = value;
      changed.add(k);
    }

    const refChanges: Record<string, { added: string[]; removed: string[]; attr_changed: string[] }> = {};
    if (refInputs.length) {
      const resolved = await resolveRefs(w.c, refInputs, who);
      for (const input of refInputs) {
        const newRefs = resolved.get(input.field)!;
        const oldRefs = cur.refs.filter((r) => r.to_type === input.target);
        const diff = diffRefs(oldRefs, newRefs);
        if (
          diff.added.length + diff.removed.length + diff.attr_changed.length === 0 &&
          sameOrder(oldRefs, newRefs)
        )
          continue;
        if (input.def.max !== undefined && newRefs.length > input.def.max) {
          throw badRequest(
            `${input.field} takes at most ${input.def.max} reference(s)`,
            { field: input.field },
            'INVALID_FIELD',
          );
        }
        if (input.def.required && newRefs.length === 0)
          throw badRequest(`${type} requires ${input.field}`, { field: input.field }, 'INVALID_FIELD');
        next.refs = [
          ...next.refs.filter((r) => r.to_type !== input.target),
          ...newRefs.map((r) => ({
            ...r,
            relaxed: oldRefs.find((o) => o.to_uuid === r.to_uuid)?.relaxed ?? false,
          })),
        ];
        refChanges[input.field] = diff;
        changed.add(input.field);
      }
    }

    const hooks = this.hooks[type];
    if (hooks?.beforeUpdate) await hooks.beforeUpdate(w, cur, next, changed, this);
    if (changed.size === 0) return undefined;
    await this.queueUpdate(w, cur, next, 'UPDATE', {
      changed: { props: [...changed].filter((c) => !refFields.has(c)), refs: refChanges },
      before,
    });
    return next;
  }

  /** Queues a changed object (version + 1), its ref rows and one event. */
  async queueUpdate(
    w: WriteTx,
    cur: StoredObject,
    next: StoredObject,
    oper: 'UPDATE' | 'REF_ADD' | 'REF_DELETE' | 'PROP_COLLECTION',
    extra: Record<string, unknown>,
  ): Promise<void> {
    next.version = cur.version + 1;
    next.id_perms = { ...next.id_perms, last_modified: tfTimestamp() };
    const idx = w.cs.updates.findIndex((u) => u.uuid === next.uuid);
    if (idx >= 0) w.cs.updates[idx] = next;
    else w.cs.updates.push(next);
    w.track(next);
    const oldByTo = new Map(cur.refs.map((r) => [r.to_uuid, r]));
    const newByTo = new Map(next.refs.map((r) => [r.to_uuid, r]));
    for (const r of cur.refs)
      if (!newByTo.has(r.to_uuid)) w.cs.refDeletes.push({ from_uuid: cur.uuid, to_uuid: r.to_uuid });
    for (const r of next.refs) {
      const o = oldByTo.get(r.to_uuid);
      const row = refRow(next, r);
      if (
        !o ||
        !jsonEqual(o.attr, r.attr) ||
        o.relaxed !== r.relaxed ||
        refRow(cur, o).position !== row.position
      )
        w.cs.refUpserts.push(row);
    }
    w.emit(oper, next, extra);
    const added = next.refs.filter((r) => {
      const o = oldByTo.get(r.to_uuid);
      return !o || !jsonEqual(o.attr, r.attr);
    });
    const removed = cur.refs.filter((r) => !newByTo.has(r.to_uuid));
    await this.mirrorSymmetric(w, next, added, removed);
  }

  // ---------------------------------------------------------------- delete

  async delete(w: WriteTx, type: string, uuid: string, opts: WriteOptions = {}): Promise<void> {
    const td = getType(type);
    if (!td) throw notFound(`Unknown type ${type}`);
    await this.lockOwn(w, type, uuid, opts);
    const obj = (await loadObject(w.c, uuid, { backRefs: true, children: true }))!;
    const who = this.who(w, opts);
    if (who && !(can(who, obj.perms2, PERM_W) && isOwner(who, obj.perms2)))
      throw forbidden(`Permission denied to delete ${type} ${uuid}`, { uuid, type });
    if (opts.ifMatch !== undefined && opts.ifMatch !== obj.version) {
      throw new SkeinError(
        412,
        'VERSION_MISMATCH',
        `Version mismatch: ${type} ${uuid} is at version ${obj.version}`,
        { uuid },
      );
    }
    await this.deleteLoaded(w, obj, opts.internal ?? false);
  }

  private async deleteLoaded(w: WriteTx, obj: FullObject, internal: boolean): Promise<void> {
    const base = w.ctx.base;
    const blockingChildren = (obj.children ?? []).filter((c) => !this.isAutoChild(obj, c.type, c.fq_name));
    if (blockingChildren.length && !internal) {
      throw conflict(
        'HAS_CHILDREN',
        `Delete when children still present: ${JSON.stringify(blockingChildren.map((c) => hrefOf(base, c.type, c.uuid)))}`,
        {
          hrefs: blockingChildren.map((c) => hrefOf(base, c.type, c.uuid)),
        },
      );
    }
    // Back-refs that do not block: relaxed ones, derived/weak ones, and refs held by objects deleted with this one.
    const relaxedFrom = await this.relaxedHolders(w, obj.uuid);
    const droppedInThisTx = (holder: string) => {
      const p = w.pending.get(holder);
      return !!p && !p.refs.some((r) => r.to_uuid === obj.uuid);
    };
    const blockingRefs = (obj.back_refs ?? []).filter(
      (b) =>
        !relaxedFrom.has(b.uuid) &&
        !this.isWeakRef(b.type, obj.type) &&
        !w.deleting.has(b.uuid) &&
        !droppedInThisTx(b.uuid),
    );
    if (blockingRefs.length) {
      const hrefs = blockingRefs.map((b) => hrefOf(base, b.type, b.uuid));
      throw conflict('HAS_BACK_REFS', `Delete when resource still referred: ${JSON.stringify(hrefs)}`, {
        hrefs,
      });
    }
    w.deleting.add(obj.uuid);
    const hooks = this.hooks[obj.type];
    if (hooks?.beforeDelete) await hooks.beforeDelete(w, obj, this);
    // Default and derived children go first, each with its own DELETE event.
    const kids = await loadObjects(
      w.c,
      (obj.children ?? []).map((c) => c.uuid).filter((u) => !w.deleting.has(u)),
      { backRefs: true, children: true },
    );
    for (const k of kids) await this.deleteLoaded(w, k, true);
    // Holders of non-blocking refs to this object lose them (REF_DELETE per holder).
    const holders = (obj.back_refs ?? []).filter((b) => !w.deleting.has(b.uuid)).map((b) => b.uuid);
    const symmetricPeers = obj.refs
      .filter((r) => r.to_type === obj.type && !w.deleting.has(r.to_uuid))
      .map((r) => r.to_uuid);
    for (const holder of await loadObjects(w.c, [...new Set([...holders, ...symmetricPeers])], {
      forUpdate: true,
    })) {
      const h = w.pending.get(holder.uuid) ?? holder;
      const gone = h.refs.find((r) => r.to_uuid === obj.uuid);
      if (!gone) continue;
      const next = { ...h, refs: h.refs.filter((r) => r.to_uuid !== obj.uuid) };
      await this.queueUpdateNoMirror(w, h, next, 'REF_DELETE', {
        ref: { type: obj.type, uuid: obj.uuid, attr: gone.attr },
      });
    }
    w.cs.deletes.push(obj.uuid);
    w.emit('DELETE', obj);
  }

  private async queueUpdateNoMirror(
    w: WriteTx,
    cur: StoredObject,
    next: StoredObject,
    oper: 'REF_DELETE',
    extra: Record<string, unknown>,
  ) {
    next.version = cur.version + 1;
    const idx = w.cs.updates.findIndex((u) => u.uuid === next.uuid);
    if (idx >= 0) w.cs.updates[idx] = next;
    else w.cs.updates.push(next);
    w.track(next);
    for (const r of cur.refs)
      if (!next.refs.some((n) => n.to_uuid === r.to_uuid))
        w.cs.refDeletes.push({ from_uuid: cur.uuid, to_uuid: r.to_uuid });
    // The refs after a removed one move up in their type's list.
    for (const r of next.refs) {
      const row = refRow(next, r);
      const old = cur.refs.find((o) => o.to_uuid === r.to_uuid);
      if (old && refRow(cur, old).position !== row.position) w.cs.refUpserts.push(row);
    }
    w.emit(oper, next, extra);
  }

  private async relaxedHolders(w: WriteTx, uuid: string): Promise<Set<string>> {
    const { rows } = await w.c.query(
      `SELECT from_uuid::text AS u FROM refs WHERE to_uuid = $1 AND (relaxed OR from_type = to_type)`,
      [uuid],
    );
    return new Set(rows.map((r: any) => r.u));
  }

  /** Children deleted with their parent: `default-<type>` ones and derived types. */
  private isAutoChild(parent: StoredObject, childType: string, fq: string[]): boolean {
    const td = getType(childType);
    if (td?.derived) return true;
    if (parent.type === 'virtual-network' && childType === 'routing-instance') return true;
    if (parent.type === 'security-group' && childType === 'access-control-list') return true;
    if (parent.type === 'service-instance' && childType === 'port-tuple') return true;
    return fq[fq.length - 1] === `default-${childType}`;
  }

  private isWeakRef(fromType: string, toType: string): boolean {
    if (fromType === toType) return true;
    const def = refDef(fromType, toType);
    return !!(def?.weak || def?.derived);
  }

  // ---------------------------------------------------------------- refs

  /** ref-update ADD/DELETE (config-api.md §3.4); returns false for a no-op. */
  async refUpdate(
    w: WriteTx,
    op: 'ADD' | 'DELETE',
    type: string,
    uuid: string,
    refType: string,
    target: { uuid?: string; fq_name?: string[] },
    attr: unknown,
    relax: boolean,
    opts: WriteOptions = {},
  ): Promise<boolean> {
    const td = getType(type);
    if (!td) throw badRequest(`Unknown type ${type}`);
    const def = own(td.refs, refType);
    if (!def) throw badRequest(`${type} has no reference to ${refType}`, { field: 'ref-type' });
    const cur = await this.lockOwn(w, type, uuid, opts);
    const who = this.who(w, opts);
    if (who && !can(who, cur.perms2, PERM_W))
      throw forbidden(`Permission denied to update ${type} ${uuid}`, { uuid, type });
    let targetUuid = target.uuid;
    if (!targetUuid) {
      const hit = await findByFqName(w.c, refType, target.fq_name!);
      if (!hit) throw notFound(`Name ${JSON.stringify(target.fq_name)} not found`);
      targetUuid = hit.uuid;
    }
    const existing = cur.refs.find((r) => r.to_uuid === targetUuid);
    if (op === 'DELETE') {
      if (!existing) return false;
      const next = { ...cur, refs: cur.refs.filter((r) => r !== existing) };
      await this.queueUpdate(w, cur, next, 'REF_DELETE', {
        ref: { type: refType, uuid: targetUuid, attr: existing.attr },
      });
      return true;
    }
    const input = parseRefField(refField(refType), refType, def, [{ uuid: targetUuid, attr }]);
    let resolved: StoredRef;
    try {
      resolved = (await resolveRefs(w.c, [input], who)).get(input.field)![0];
    } catch (e) {
      if (e instanceof SkeinError && e.code === 'UNKNOWN_REF')
        throw notFound(`No ${refType} object found for id ${targetUuid}`, { uuid: targetUuid });
      throw e;
    }
    resolved.relaxed = relax || (existing?.relaxed ?? false);
    if (existing && jsonEqual(existing.attr, resolved.attr) && existing.relaxed === resolved.relaxed)
      return false;
    const refs = existing ? cur.refs.map((r) => (r === existing ? resolved : r)) : [...cur.refs, resolved];
    if (def.max !== undefined && refs.filter((r) => r.to_type === refType).length > def.max) {
      throw badRequest(
        `${refField(refType)} takes at most ${def.max} reference(s)`,
        { field: refField(refType) },
        'INVALID_FIELD',
      );
    }
    const next = { ...cur, refs };
    const hooks = this.hooks[type];
    if (hooks?.beforeUpdate) await hooks.beforeUpdate(w, cur, next, new Set([refField(refType)]), this);
    await this.queueUpdate(w, cur, next, 'REF_ADD', {
      ref: { type: refType, uuid: targetUuid, attr: resolved.attr, relaxed: resolved.relaxed },
    });
    return true;
  }

  /** Same-type refs are symmetric: the other end lists this object with the same attr. */
  private async mirrorSymmetric(
    w: WriteTx,
    obj: StoredObject,
    added: StoredRef[],
    removed: StoredRef[],
  ): Promise<void> {
    const adds = added.filter((r) => r.to_type === obj.type && r.to_uuid !== obj.uuid);
    const rems = removed.filter((r) => r.to_type === obj.type && r.to_uuid !== obj.uuid);
    if (!adds.length && !rems.length) return;
    const peers = await loadObjects(
      w.c,
      [...adds, ...rems].map((r) => r.to_uuid).filter((u) => !w.pending.has(u)),
      { forUpdate: true },
    );
    const byUuid = new Map(peers.map((p) => [p.uuid, p as StoredObject]));
    for (const u of [...adds, ...rems].map((r) => r.to_uuid))
      if (w.pending.has(u)) byUuid.set(u, w.pending.get(u)!);
    for (const r of adds) {
      const peer = byUuid.get(r.to_uuid)!;
      const back: StoredRef = {
        to_uuid: obj.uuid,
        to_type: obj.type,
        to_fq_name: obj.fq_name,
        attr: r.attr,
        relaxed: false,
      };
      const refs = peer.refs.some((x) => x.to_uuid === obj.uuid)
        ? peer.refs.map((x) => (x.to_uuid === obj.uuid ? back : x))
        : [...peer.refs, back];
      const next = { ...peer, refs };
      await this.queueUpdateNoMirrorUpsert(w, peer, next, 'REF_ADD', {
        ref: { type: obj.type, uuid: obj.uuid, attr: r.attr },
      });
      byUuid.set(peer.uuid, next);
    }
    for (const r of rems) {
      const peer = byUuid.get(r.to_uuid);
      if (!peer || !peer.refs.some((x) => x.to_uuid === obj.uuid)) continue;
      const next = { ...peer, refs: peer.refs.filter((x) => x.to_uuid !== obj.uuid) };
      await this.queueUpdateNoMirror(w, peer, next, 'REF_DELETE', {
        ref: { type: obj.type, uuid: obj.uuid, attr: r.attr },
      });
    }
  }

  private async queueUpdateNoMirrorUpsert(
    w: WriteTx,
    cur: StoredObject,
    next: StoredObject,
    oper: 'REF_ADD',
    extra: Record<string, unknown>,
  ) {
    next.version = cur.version + 1;
    const idx = w.cs.updates.findIndex((u) => u.uuid === next.uuid);
    const isNew = w.cs.inserts.some((i) => i.uuid === next.uuid);
    if (!isNew) {
      if (idx >= 0) w.cs.updates[idx] = next;
      else w.cs.updates.push(next);
    } else {
      const i = w.cs.inserts.findIndex((x) => x.uuid === next.uuid);
      w.cs.inserts[i] = next;
      next.version = cur.version;
    }
    w.track(next);
    for (const r of next.refs)
      if (r.to_uuid === (extra.ref as any).uuid) w.cs.refUpserts.push(refRow(next, r));
    w.emit(oper, next, extra);
  }

  // ---------------------------------------------------------------- helpers

  /** Loads and locks an object of the given type, 404 when absent, of another type, or hidden. */
  async lockOwn(w: WriteTx, type: string, uuid: string, opts: WriteOptions): Promise<FullObject> {
    if (w.pending.has(uuid)) return w.pending.get(uuid) as FullObject;
    if (!isUuid(uuid)) throw notFound(`No ${type} object found for id ${uuid}`, { uuid, type });
    const cur = await loadObject(w.c, uuid, { forUpdate: true });
    if (
      !cur ||
      cur.type !== type ||
      (!opts.internal && !w.ctx.identity.admin && cur.id_perms.user_visible === false)
    ) {
      throw notFound(`No ${type} object found for id ${uuid}`, { uuid, type });
    }
    return cur;
  }

  private isChildField(td: TypeDef, k: string): boolean {
    return typeInfo(td.name)!.childFields.has(k);
  }

  private checkWritable(w: WriteTx, k: string, pd: PropDef, opts: WriteOptions) {
    if (opts.internal) return;
    if (pd.allocated) throw forbidden(`Cannot set the ${k.replace(/_/g, ' ')}`, { field: k });
    if (pd.system && !w.ctx.identity.admin)
      throw forbidden(`Only admin or controllers may set ${k}`, { field: k });
  }

  private async placement(
    w: WriteTx,
    td: TypeDef,
    body: Record<string, any>,
  ): Promise<{ fq: string[]; parentType: string }> {
    const allowed = td.parents;
    let parentType: string | undefined;
    if (body.parent_type !== undefined && body.parent_type !== null) {
      if (typeof body.parent_type !== 'string' || !allowed.includes(body.parent_type)) {
        throw badRequest(
          `Invalid parent type: ${body.parent_type}. Allowed types: ${JSON.stringify(allowed)}`,
          { field: 'parent_type' },
          'INVALID_PARENT',
        );
      }
      parentType = body.parent_type;
    }
    let fq: string[];
    if (body.fq_name !== undefined && body.fq_name !== null) {
      if (!Array.isArray(body.fq_name) || body.fq_name.some((e: unknown) => typeof e !== 'string')) {
        throw badRequest(
          'fq_name must be a non-empty list of strings',
          { field: 'fq_name' },
          'INVALID_FQ_NAME',
        );
      }
      fq = body.fq_name;
    } else if (body.parent_uuid && typeof body.name === 'string') {
      const p = (await loadObjects(w.c, [checkUuid(body.parent_uuid, 'parent_uuid')]))[0];
      if (!p)
        throw badRequest(
          `Parent ${body.parent_uuid} does not exist`,
          { field: 'parent_uuid' },
          'INVALID_PARENT',
        );
      if (!allowed.includes(p.type))
        throw badRequest(
          `Invalid parent type: ${p.type}. Allowed types: ${JSON.stringify(allowed)}`,
          { field: 'parent_uuid' },
          'INVALID_PARENT',
        );
      parentType = p.type;
      fq = [...p.fq_name, body.name];
    } else if (typeof body.name === 'string') {
      const pt = parentType ?? allowed[0];
      fq = pt === 'config-root' ? [body.name] : [...defaultFqOf(pt), body.name];
      parentType = pt;
    } else {
      throw badRequest('fq_name is required', { field: 'fq_name' }, 'INVALID_FQ_NAME');
    }
    if (!Array.isArray(fq) || fq.length === 0)
      throw badRequest(
        'fq_name must be a non-empty list of strings',
        { field: 'fq_name' },
        'INVALID_FQ_NAME',
      );
    if (body.name !== undefined && body.name !== fq[fq.length - 1])
      throw badRequest('name does not match fq_name', { field: 'name' }, 'INVALID_FQ_NAME');
    if (!parentType) {
      if (allowed.length === 1) parentType = allowed[0];
      else if (fq.length === 1 && allowed.includes('config-root')) parentType = 'config-root';
      else if (!allowed.includes('config-root')) {
        throw badRequest(
          `parent_type is required: ${td.name} may be under ${JSON.stringify(allowed)}`,
          { field: 'parent_type' },
          'INVALID_PARENT',
        );
      } else {
        const candidates = allowed.filter((a) => a !== 'config-root');
        const found = await resolveFqNames(
          w.c,
          candidates.map((t) => ({ type: t, fq_name: fq.slice(0, -1) })),
        );
        parentType = candidates.find((t) => found.has(fqLookupKey(t, fq.slice(0, -1)))) ?? candidates[0];
      }
    }
    checkFqName(td.name, fq, parentType === 'config-root');
    return { fq, parentType };
  }
}

/** A refs-table row; position is the index among the object's refs of the same target type (the REST list order). */
function refRow(from: StoredObject, r: StoredRef) {
  let position = 0;
  for (const x of from.refs) {
    if (x === r || x.to_uuid === r.to_uuid) break;
    if (x.to_type === r.to_type) position++;
  }
  return {
    from_uuid: from.uuid,
    from_type: from.type,
    to_uuid: r.to_uuid,
    to_type: r.to_type,
    attr: r.attr ?? null,
    relaxed: r.relaxed,
    position,
  };
}

function diffRefs(oldRefs: StoredRef[], newRefs: StoredRef[]) {
  const o = new Map(oldRefs.map((r) => [r.to_uuid, r]));
  const n = new Map(newRefs.map((r) => [r.to_uuid, r]));
  return {
    added: newRefs.filter((r) => !o.has(r.to_uuid)).map((r) => r.to_uuid),
    removed: oldRefs.filter((r) => !n.has(r.to_uuid)).map((r) => r.to_uuid),
    attr_changed: newRefs
      .filter((r) => o.has(r.to_uuid) && !jsonEqual(o.get(r.to_uuid)!.attr, r.attr))
      .map((r) => r.to_uuid),
  };
}

function sameOrder(a: StoredRef[], b: StoredRef[]) {
  return a.length === b.length && a.every((r, i) => r.to_uuid === b[i].to_uuid);
}
