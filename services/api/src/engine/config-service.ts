import { randomUUID } from 'node:crypto';
import {
  backRefSourceForField,
  badRequest,
  childTypeForField,
  forbidden,
  getType,
  notFound,
} from '@skein/model';
import {
  countObjects,
  Db,
  findByFqName,
  fqKey,
  headSeq,
  identify,
  listObjects,
  loadObject,
  loadObjectAtHead,
  loadObjects,
  type FullObject,
  type ListFilter,
  type LoadOptions,
  type SqlClient,
  type StoredObject,
} from '@skein/store';
import { can, isSharedWith, noDashes, PERM_R, type Identity } from '../auth/identity';
import type { TypeHooks } from '../hooks/types';
import { checkUuid, isUuid } from './names';
import { WriteBatcher, type BatcherOptions } from './batcher';
import { ObjectWriter } from './object-writer';
import { dbErrorToSkein } from './db-errors';
import { restShape, type ShapeOptions } from './rest-shape';
import { WriteTx, type RequestContext } from './write-tx';

export interface WriteResult<T = StoredObject | undefined> {
  value: T;
  /** Last event seq of the write; the head seq when nothing was written. */
  seq: number;
}

export interface ReadOptions {
  fields?: string[];
  excludeBackRefs?: boolean;
  excludeChildren?: boolean;
  excludeHrefs?: boolean;
}

export interface ListParams extends ReadOptions {
  type: string;
  parentUuids?: string[];
  parentFqName?: string[];
  parentType?: string;
  backRefUuids?: string[];
  objUuids?: string[];
  fqNames?: string[][];
  filters?: ListFilter[];
  detail?: boolean;
  count?: boolean;
  shared?: boolean;
  pageLimit?: number;
  pageMarker?: string;
}

export interface ListResult {
  items?: Record<string, unknown>[];
  count?: number;
  marker?: string | null;
  asOfSeq: number;
}

/** What a read loads: back-refs and children only when its reply can show them. */
function loadOptions(o: ReadOptions): LoadOptions {
  const asked = (typeOfField: (f: string) => string | undefined) =>
    !o.fields || o.fields.some((f) => typeOfField(f) !== undefined);
  return {
    backRefs: !o.excludeBackRefs && asked(backRefSourceForField),
    children: !o.excludeChildren && asked(childTypeForField),
  };
}

/** Maps Postgres constraint failures that race past the pre-checks to VNC errors (never quoting the database). */
function mapDbError(e: any): never {
  throw dbErrorToSkein(e) ?? e;
}

/**
 * The config API's operations, transport-free. REST and gRPC controllers are thin shims over this.
 */
export class ConfigService {
  readonly writer: ObjectWriter;
  batcher?: WriteBatcher;

  constructor(
    readonly db: Db,
    hooks: Record<string, TypeHooks>,
    private readonly quota?: (w: WriteTx, obj: StoredObject) => Promise<void>,
  ) {
    this.writer = new ObjectWriter(hooks);
  }

  /** Runs fn in one transaction and flushes its changes; a failure writes nothing. */
  async write<T>(ctx: RequestContext, fn: (w: WriteTx) => Promise<T>): Promise<WriteResult<T>> {
    // A deadlock between crossing allocations (40P01) or a serialization failure aborts one side; the
    // whole request is replayed, since nothing of it was committed.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.tx(async (c) => {
          const w = new WriteTx(c, ctx);
          w.quota = this.quota;
          const value = await fn(w);
          const seq = w.cs.empty ? await headSeq(c) : await w.cs.flush(c, true);
          return { value, seq };
        });
      } catch (e: any) {
        if ((e?.code === '40P01' || e?.code === '40001') && attempt < 5) continue;
        mapDbError(e);
      }
    }
  }

  /** Creates go through the batcher (group commit) when one is enabled. */
  create(ctx: RequestContext, type: string, body: Record<string, any>) {
    const fn = (w: WriteTx) => this.writer.create(w, type, body);
    return this.batcher ? this.batcher.run(ctx, fn) : this.write(ctx, fn);
  }

  /** Turns on group commit for creates (the REST and gRPC servers do; tests of the plain path need not). */
  enableBatching(opts: BatcherOptions = {}): WriteBatcher {
    this.batcher = new WriteBatcher(
      this.db,
      (ctx, fn) => this.write(ctx, fn),
      (w) => (w.quota = this.quota),
      opts,
    );
    return this.batcher;
  }

  update(ctx: RequestContext, type: string, uuid: string, patch: Record<string, any>, ifMatch?: number) {
    return this.write(ctx, (w) => this.writer.update(w, type, uuid, patch, { ifMatch }));
  }

  delete(ctx: RequestContext, type: string, uuid: string, ifMatch?: number) {
    return this.write(ctx, (w) => this.writer.delete(w, type, uuid, { ifMatch }));
  }

  // ---------------------------------------------------------------- reads

  /**
   * Runs fn on one REPEATABLE READ snapshot and returns the seq that snapshot is consistent with: every event
   * with seq <= it is reflected and none after. Writers append events just before COMMIT without a global
   * lock, so a transaction still committing when the snapshot was taken may hold a seq below the visible
   * maximum; then the read is retried on a fresh snapshot once those transactions are done.
   */
  async snapshot<T>(fn: (c: SqlClient) => Promise<T>): Promise<{ value: T; seq: number }> {
    for (let attempt = 0; ; attempt++) {
      const r = await this.db.tx(async (c) => {
        const { rows } = await c.query(
          `SELECT coalesce((SELECT max(seq) FROM config_events), 0) AS head, array(SELECT pg_snapshot_xip(pg_current_snapshot()))::text[] AS xip`,
        );
        const value = await fn(c);
        return { value, seq: Number(rows[0].head), xip: rows[0].xip as string[] };
      }, 'REPEATABLE READ');
      if (!r.xip.length || attempt >= 20) return { value: r.value, seq: r.seq };
      for (let i = 0; i < 200; i++) {
        const { rows } = await this.db.query(
          `SELECT count(*)::int AS n FROM unnest($1::xid8[]) x WHERE pg_xact_status(x) = 'in progress'`,
          [r.xip],
        );
        if (rows[0].n === 0) break;
        await new Promise((res) => setTimeout(res, 2));
      }
      const late = await this.db.query(
        `SELECT 1 FROM config_events WHERE tx_id = ANY($1::xid8[]) AND seq <= $2 LIMIT 1`,
        [r.xip, r.seq],
      );
      if (!late.rows.length) return { value: r.value, seq: r.seq };
    }
  }

  /**
   * Every object of `types` on one snapshot, grouped by type in the order asked (each group in uuid order), and
   * the seq that snapshot is consistent with: what a watch sends before the events after that seq.
   */
  async currentObjects(types: readonly string[]): Promise<{ value: FullObject[][]; seq: number }> {
    return this.snapshot(async (c) => {
      const { rows } = await c.query(`SELECT uuid::text AS uuid FROM objects WHERE type = ANY($1::text[])`, [
        types,
      ]);
      const byType = new Map<string, FullObject[]>(types.map((t) => [t, []]));
      for (const o of await loadObjects(
        c,
        rows.map((r: { uuid: string }) => r.uuid),
      ))
        byType.get(o.type)!.push(o);
      return types.map((t) => byType.get(t)!);
    });
  }

  visibleTo(id: Identity) {
    return (l: { perms2: any; user_visible: boolean }) =>
      id.admin || (l.user_visible !== false && can(id, l.perms2, PERM_R));
  }

  shape(ctx: RequestContext, o: FullObject, opts: ReadOptions): Record<string, unknown> {
    const s: ShapeOptions = {
      base: ctx.base,
      fields: opts.fields ? new Set(opts.fields) : undefined,
      excludeBackRefs: opts.excludeBackRefs,
      excludeChildren: opts.excludeChildren,
      excludeHrefs: opts.excludeHrefs,
      visible: ctx.identity.admin ? undefined : this.visibleTo(ctx.identity),
    };
    return restShape(o, s);
  }

  /** GET /T/<uuid>: the object with refs, back-refs and children, plus the snapshot's head seq. */
  async read(
    ctx: RequestContext,
    type: string,
    uuid: string,
    opts: ReadOptions = {},
  ): Promise<{ obj: FullObject; body: Record<string, unknown>; seq: number }> {
    if (!getType(type)) throw notFound(`Unknown type ${type}`);
    if (!isUuid(uuid)) throw notFound(`No ${type} object found for id ${uuid}`, { uuid, type });
    const { obj, head: seq } = await loadObjectAtHead(this.db, uuid, loadOptions(opts));
    const id = ctx.identity;
    if (!obj || obj.type !== type || (!id.admin && obj.id_perms.user_visible === false)) {
      throw notFound(`No ${type} object found for id ${uuid}`, { uuid, type });
    }
    if (!id.admin && !can(id, obj.perms2, PERM_R))
      throw forbidden(`Permission denied to read ${type} ${uuid}`, { uuid, type });
    return { obj, body: this.shape(ctx, obj, opts), seq };
  }

  async list(ctx: RequestContext, p: ListParams): Promise<ListResult> {
    if (!getType(p.type)) throw notFound(`Unknown type ${p.type}`);
    const id = ctx.identity;
    const { value, seq } = await this.snapshot(async (c): Promise<Omit<ListResult, 'asOfSeq'>> => {
      let parentUuids = p.parentUuids;
      if (p.parentFqName) {
        const td = getType(p.type)!;
        const ptypes = p.parentType ? [p.parentType] : td.parents.filter((t) => t !== 'config-root');
        const hits = await Promise.all(ptypes.map((t) => findByFqName(c, t, p.parentFqName!)));
        const found = hits.filter(Boolean).map((h) => h!.uuid);
        parentUuids = parentUuids ? parentUuids.filter((u) => found.includes(u)) : found;
      }
      const q = {
        type: p.type,
        parentUuids,
        backRefUuids: p.backRefUuids,
        objUuids: p.objUuids ?? (p.fqNames ? [] : undefined),
        fqKeys: p.fqNames?.map((f) => fqKey(f)),
        filters: p.filters,
        visibility: id.admin
          ? undefined
          : {
              project: noDashes(id.projectId ?? ''),
              shareKeys: [
                `tenant:${noDashes(id.projectId ?? '')}`,
                ...(id.domainId ? [`domain:${noDashes(id.domainId)}`] : []),
              ],
              shared: !!p.shared,
            },
        marker: p.pageMarker,
        limit: p.pageLimit ? p.pageLimit + 1 : undefined,
      };
      if (p.count) return { count: await countObjects(c, q) };
      let rows = await listObjects(c, q);
      let marker: string | null | undefined;
      if (p.pageLimit) {
        marker = rows.length > p.pageLimit ? rows[p.pageLimit - 1].uuid : null;
        rows = rows.slice(0, p.pageLimit);
      }
      let items: Record<string, unknown>[];
      if (p.detail || p.fields?.length) {
        const full = await loadObjects(
          c,
          rows.map((r) => r.uuid),
          loadOptions(p),
        );
        items = full.map((o) => (p.detail ? { [p.type]: this.shape(ctx, o, p) } : this.shape(ctx, o, p)));
      } else {
        items = rows.map((r) => {
          const it: Record<string, unknown> = { fq_name: r.fq_name, uuid: r.uuid };
          if (!p.excludeHrefs) it.href = `${ctx.base}/${p.type}/${r.uuid}`;
          return it;
        });
      }
      return { items, marker };
    });
    return { ...value, asOfSeq: seq };
  }

  // ---------------------------------------------------------------- actions

  async fqNameToId(ctx: RequestContext, type: unknown, fq: unknown): Promise<string> {
    if (typeof type !== 'string' || !getType(type))
      throw badRequest(`Unknown type ${String(type)}`, { field: 'type' });
    if (!Array.isArray(fq) || fq.some((e) => typeof e !== 'string'))
      throw badRequest('fq_name must be a list of strings', { field: 'fq_name' });
    const hit = await findByFqName(this.db, type, fq as string[]);
    if (
      !hit ||
      (!ctx.identity.admin &&
        (!hit.user_visible ||
          (!can(ctx.identity, hit.perms2, PERM_R) && !isSharedWith(ctx.identity, hit.perms2))))
    ) {
      throw notFound(`Name ${JSON.stringify(fq)} not found`, { fq_name: fq as string[] });
    }
    return hit.uuid;
  }

  async idToFqName(ctx: RequestContext, uuid: unknown): Promise<{ type: string; fq_name: string[] }> {
    if (!isUuid(uuid)) throw notFound(`UUID ${String(uuid)} not found`);
    const hit = (await identify(this.db, [uuid])).get(uuid);
    if (!hit || (!ctx.identity.admin && (!hit.user_visible || !can(ctx.identity, hit.perms2, PERM_R))))
      throw notFound(`UUID ${uuid} not found`, { uuid });
    return { type: hit.type, fq_name: hit.fq_name };
  }

  /** The type of an object, for routes that only carry a uuid. */
  async typeOf(uuid: string): Promise<string | undefined> {
    if (!isUuid(uuid)) return undefined;
    return (await identify(this.db, [uuid])).get(uuid)?.type;
  }

  async loadForRead(c: SqlClient, ctx: RequestContext, uuid: string): Promise<FullObject> {
    checkUuid(uuid);
    const o = await loadObject(c, uuid);
    if (
      !o ||
      (!ctx.identity.admin && (o.id_perms.user_visible === false || !can(ctx.identity, o.perms2, PERM_R)))
    )
      throw notFound(`No object found for id ${uuid}`, { uuid });
    return o;
  }

  newContext(identity: Identity, base: string, requestId = `req-${randomUUID()}`): RequestContext {
    return { identity, base, requestId };
  }

  async head(): Promise<number> {
    return headSeq(this.db);
  }
}
