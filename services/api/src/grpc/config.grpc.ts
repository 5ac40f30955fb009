import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { EventLog } from '@skein/events';
import { badRequest, checkJsonDocument, getType, notFound, SkeinError, typeFromField } from '@skein/model';
import type { StoredObject } from '@skein/store';
import { isLoopback, type AuthService } from '../auth/auth.service';
import { Rbac } from '../auth/rbac';
import type { ConfigService } from '../engine/config-service';
import { checkUuid } from '../engine/names';
import type { RequestContext } from '../engine/write-tx';
import { jsonText, MAX_REQUEST_SIZE } from '../rest/http';
import { parseListParams } from '../rest/list-params';
import { Health, healthDefinition } from './health';
import type * as M from './messages';
import { headersOf } from './metadata';
import { toGrpcError } from './status';
import { Watches } from './watch';

export const DEFAULT_GRPC_PORT = 8090;
export const CONFIG_SERVICE_NAME = 'skein.config.v1.Config';

/** src/grpc and dist/grpc are both two levels below services/api, where proto/ lives. */
export const CONFIG_PROTO_PATH = join(
  __dirname,
  '..',
  '..',
  'proto',
  'skein',
  'config',
  'v1',
  'config.proto',
);

export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

export interface GrpcServerOptions {
  svc: ConfigService;
  auth: AuthService;
  events: EventLog;
  /** Default 8090; 0 picks a free port (see the returned `port`). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** `<scheme>://<host>` of the REST API, for the hrefs inside object JSON (gRPC requests carry no Host). */
  hrefBase?: string;
  /** Watch heartbeat interval; default 15 s. */
  heartbeatMs?: number;
  /** Where unexpected (non-SkeinError) failures are reported; they reach clients only as INTERNAL. */
  onError?: (err: unknown) => void;
}

export interface GrpcServer {
  port: number;
  /** Ends open Watch streams (UNAVAILABLE, so clients reconnect), then stops the server. */
  close(): Promise<void>;
}

/** Type names as REST spells them; underscores accepted as the REST actions accept them. */

function knownType(t: string): string {
  const type = typeFromField(t);
  if (!getType(type)) throw notFound(`Unknown type ${t}`);
  return type;
}

function parseJson(text: string, field: string): unknown {
  if (Buffer.byteLength(text) > MAX_REQUEST_SIZE) {
    throw new SkeinError(
      413,
      'PAYLOAD_TOO_LARGE',
      `${field} of ${Buffer.byteLength(text)} bytes exceeds ${MAX_REQUEST_SIZE}`,
    );
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e: any) {
    throw badRequest(`Malformed JSON in ${field}: ${e.message}`, { field });
  }
  checkJsonDocument(v, field);
  return v;
}

function parseObject(text: string, field: string): Record<string, any> {
  const v = parseJson(text, field);
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw badRequest(`${field} must be a JSON object`, { field });
  return v as Record<string, any>;
}

/** The config service's handlers: each turns a request into one ConfigService call and its result into a reply. */
function configHandlers(
  o: Required<Pick<GrpcServerOptions, 'svc' | 'auth' | 'hrefBase'>>,
  rbac: Rbac,
  log: (e: unknown) => void,
) {
  const { svc, auth } = o;

  function unary<Req, Res>(
    fn: (req: Req, ctx: RequestContext) => Promise<Res>,
  ): grpc.handleUnaryCall<Req, Res> {
    return (call, callback) => {
      const headers = headersOf(call.metadata);
      const requestId = headers['x-request-id'] || `req-${randomUUID()}`;
      const trailers = new grpc.Metadata();
      trailers.set('x-request-id', requestId);
      (async () =>
        fn(call.request, { identity: auth.identify(headers), requestId, base: o.hrefBase }))().then(
        (reply) => callback(null, reply, trailers),
        (e) => callback(toGrpcError(e, trailers, log)),
      );
    };
  }

  /** A write's reply: the object as that write left it (no back-refs or children) and the write's last seq. */
  const written = (ctx: RequestContext, type: string, obj: StoredObject, seq: number): M.ObjectReply => ({
    type,
    uuid: obj.uuid,
    fq_name: obj.fq_name,
    version: obj.version,
    object_json: jsonText(svc.shape(ctx, obj, { excludeBackRefs: true, excludeChildren: true })),
    seq,
  });

  const ifVersion = (v: number) => (v ? v : undefined);

  return {
    Create: unary<M.CreateRequest, M.ObjectReply>(async (req, ctx) => {
      const type = knownType(req.type);
      const body = parseObject(req.object_json, 'object_json');
      await rbac.check(ctx.identity, type, 'C', body);
      // Hooks may change the new object after it is queued; the transaction's pending map has its final state.
      const r = await svc.write(ctx, async (w) => {
        const created = await svc.writer.create(w, type, body);
        return w.pending.get(created.uuid) ?? created;
      });
      return written(ctx, type, r.value, r.seq);
    }),

    Read: unary<M.ReadRequest, M.ObjectReply>(async (req, ctx) => {
      const type = knownType(req.type);
      await rbac.check(ctx.identity, type, 'R');
      let uuid = req.uuid;
      if (!uuid) {
        if (!req.fq_name.length) throw badRequest('uuid or fq_name is required', { field: 'uuid' });
        uuid = await svc.fqNameToId(ctx, type, req.fq_name);
      }
      const r = await svc.read(ctx, type, uuid, { fields: req.fields.length ? req.fields : undefined });
      return {
        type,
        uuid: r.obj.uuid,
        fq_name: r.obj.fq_name,
        version: r.obj.version,
        object_json: jsonText(r.body),
        seq: r.seq,
      };
    }),

    Update: unary<M.UpdateRequest, M.ObjectReply>(async (req, ctx) => {
      const type = knownType(req.type);
      const patch = parseObject(req.patch_json, 'patch_json');
      await rbac.check(ctx.identity, type, 'U', patch);
      // A no-op update returns nothing and writes nothing; reply with the object as it stands.
      const r = await svc.write(ctx, async (w) => {
        await svc.writer.update(w, type, req.uuid, patch, { ifMatch: ifVersion(req.if_version) });
        return w.pending.get(req.uuid) ?? (await svc.writer.lockOwn(w, type, req.uuid, {}));
      });
      return written(ctx, type, r.value, r.seq);
    }),

    Delete: unary<M.DeleteRequest, M.ObjectReply>(async (req, ctx) => {
      const type = knownType(req.type);
      await rbac.check(ctx.identity, type, 'D');
      // The object as it was comes from the write's own DELETE event rather than a second read.
      const r = await svc.write(ctx, async (w) => {
        await svc.writer.delete(w, type, req.uuid, { ifMatch: ifVersion(req.if_version) });
        return w.cs.events.find((e) => e.oper === 'DELETE' && e.uuid === req.uuid)?.envelope as
          Record<string, any> | undefined;
      });
      const gone = r.value;
      return {
        type,
        uuid: req.uuid,
        fq_name: gone?.fq_name ?? [],
        version: gone?.version ?? 0,
        object_json: jsonText(gone?.object ?? {}),
        seq: r.seq,
      };
    }),

    List: unary<M.ListRequest, M.ListReply>(async (req, ctx) => {
      const type = knownType(req.type);
      await rbac.check(ctx.identity, type, 'R');
      // Through the REST query parser, so both edges validate (uuids, filters, page_limit) the same way.
      const q: Record<string, unknown> = {};
      if (req.parent_uuids.length) q.parent_id = req.parent_uuids.join(',');
      if (req.back_ref_uuids.length) q.back_ref_id = req.back_ref_uuids.join(',');
      if (req.obj_uuids.length) q.obj_uuids = req.obj_uuids.join(',');
      if (req.filters) q.filters = req.filters;
      if (req.fields.length) q.fields = req.fields.join(',');
      if (req.detail) q.detail = 'true';
      if (req.shared) q.shared = 'true';
      if (req.count) q.count = 'true';
      if (req.page_limit) q.page_limit = String(req.page_limit);
      if (req.page_marker) q.page_marker = req.page_marker;
      const p = parseListParams(type, q);
      const r = await svc.list(ctx, p);
      const items = (r.items ?? []).map((it): M.ObjectReply => {
        const inner = (p.detail ? it[type] : it) as Record<string, any>;
        return {
          type,
          uuid: inner.uuid,
          fq_name: inner.fq_name ?? [],
          version: 0,
          object_json: jsonText(inner),
          seq: r.asOfSeq,
        };
      });
      return { items, next_marker: r.marker ?? '', count: r.count ?? items.length, as_of_seq: r.asOfSeq };
    }),

    RefUpdate: unary<M.RefUpdateRequest, M.ObjectReply>(async (req, ctx) => {
      // The same checks, codes and messages as the REST /ref-update body parser (Actions.refUpdate).
      const type = typeFromField(req.type);
      if (!getType(type)) throw badRequest(`Unknown type ${JSON.stringify(req.type)}`, { field: 'type' });
      const refType = typeFromField(req.ref_type);
      if (!getType(refType))
        throw badRequest(`Unknown ref-type ${JSON.stringify(req.ref_type)}`, { field: 'ref-type' });
      const uuid = checkUuid(req.uuid);
      let target: { uuid?: string; fq_name?: string[] };
      if (req.ref_uuid) target = { uuid: checkUuid(req.ref_uuid, 'ref-uuid') };
      else if (req.ref_fq_name.length) target = { fq_name: req.ref_fq_name };
      else throw badRequest('ref-uuid or ref-fq-name is required', { field: 'ref-uuid' });
      const attr = req.attr_json ? parseJson(req.attr_json, 'attr_json') : null;
      const r = await svc.write(ctx, async (w) => {
        await svc.writer.refUpdate(
          w,
          req.add ? 'ADD' : 'DELETE',
          type,
          uuid,
          refType,
          target,
          attr,
          req.relax_ref_for_delete,
        );
        return w.pending.get(uuid) ?? (await svc.writer.lockOwn(w, type, uuid, {}));
      });
      return written(ctx, type, r.value, r.seq);
    }),
  };
}

/** grpc-js reports a busy port only in its message; give it the code and port a net listener's error has. */
function bindError(err: Error, address: string, port: number): Error {
  if (!err.message.includes('EADDRINUSE')) return err;
  return Object.assign(new Error(`listen EADDRINUSE: address already in use ${address}`), {
    code: 'EADDRINUSE',
    address,
    port,
  });
}

/** The gRPC config API (config-api.md §8) plus grpc.health.v1, on its own port. */
export async function startGrpcServer(opts: GrpcServerOptions): Promise<GrpcServer> {
  const host = opts.host ?? '127.0.0.1';
  // AuthService judged no-auth safe for the REST listener's address; this listener may be on another one.
  if (opts.auth.aaaMode === 'no-auth' && !isLoopback(host) && process.env.SKEIN_ALLOW_INSECURE !== '1') {
    throw new Error(`aaa mode no-auth with gRPC on non-loopback ${host} needs SKEIN_ALLOW_INSECURE=1`);
  }
  const log = opts.onError ?? ((e: unknown) => console.error('skein grpc: unexpected error', e));
  const def = protoLoader.loadSync(CONFIG_PROTO_PATH, PROTO_LOADER_OPTIONS);
  const pkg = grpc.loadPackageDefinition(def) as any;
  const o = { svc: opts.svc, auth: opts.auth, hrefBase: opts.hrefBase ?? 'http://127.0.0.1:8082' };
  const watches = new Watches({
    ...o,
    events: opts.events,
    heartbeatMs: opts.heartbeatMs ?? 15_000,
    log,
  });
  const health = new Health([CONFIG_SERVICE_NAME]);

  const server = new grpc.Server();
  server.addService(pkg.skein.config.v1.Config.service, {
    ...configHandlers(o, new Rbac(opts.svc, opts.auth), log),
    Watch: watches.handler(),
  });
  server.addService(healthDefinition(), health.implementation());

  const wanted = opts.port ?? DEFAULT_GRPC_PORT;
  const address = `${host.includes(':') ? `[${host}]` : host}:${wanted}`;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(bindError(err, address, wanted)) : resolve(p),
    ),
  );

  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= (async () => {
        health.set('NOT_SERVING');
        health.endWatches();
        await watches.closeAll();
        await new Promise<void>((resolve) => {
          // Unary calls in flight get a moment to finish; then whatever is left is cut.
          const force = setTimeout(() => {
            server.forceShutdown();
            resolve();
          }, 5000);
          server.tryShutdown(() => {
            clearTimeout(force);
            resolve();
          });
        });
      })();
      return closing;
    },
  };
}
