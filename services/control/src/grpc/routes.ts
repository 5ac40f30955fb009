import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ControlNode } from '../control-node';
import type { RouteRecord } from '../events/route-events';
import { check, readAccess, type Authorize, type ReadAccess, type RequestHeaders } from '../introspect/auth';
import { PEER_KINDS, routesView, type PeerKind, type RoutesQuery } from '../rib';
import { splitVpnKey } from '../rib/rd';

/** TF has no gRPC port on the control node; 8084 sits next to introspect's 8083. */
export const DEFAULT_CONTROL_GRPC_PORT = 8084;
export const ROUTES_SERVICE_NAME = 'skein.control.v1.Routes';

/** src/grpc and dist/grpc are both two levels below services/control, where proto/ lives. */
export const ROUTES_PROTO_PATH = join(
  __dirname,
  '..',
  '..',
  'proto',
  'skein',
  'control',
  'v1',
  'routes.proto',
);

export const ROUTES_PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

/**
 * A watcher this far behind (events buffered while its transport is full) is ended with RESOURCE_EXHAUSTED
 * rather than holding memory for ever; it lists again and re-watches.
 */
const MAX_BACKLOG = 200_000;

export interface ListRoutesRequest {
  table: string;
  prefix: string;
  longer: boolean;
  peer: string;
  source: string;
  limit: number;
  marker: string;
}

export interface WatchRoutesRequest {
  tables: string[];
  prefixes: string[];
  omit_sessions: boolean;
}

const OPS: Record<string, string> = {
  add: 'ROUTE_OP_ADD',
  change: 'ROUTE_OP_CHANGE',
  delete: 'ROUTE_OP_WITHDRAW',
};

class CallError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

/** The `/routes` query of a List request, with the same checks and defaults as introspect's. */
export function routesQuery(req: ListRoutesRequest): RoutesQuery {
  if (req.table === '') throw new CallError(grpc.status.INVALID_ARGUMENT, 'table is required');
  if (req.source !== '' && !(PEER_KINDS as readonly string[]).includes(req.source))
    throw new CallError(grpc.status.INVALID_ARGUMENT, `source must be one of ${PEER_KINDS.join(', ')}`);
  const q: RoutesQuery = { table: req.table };
  if (req.prefix !== '') q.prefix = req.prefix;
  if (req.longer) q.longer = true;
  if (req.peer !== '') q.peer = req.peer;
  if (req.source !== '') q.source = req.source as PeerKind;
  if (req.limit > 0) q.limit = req.limit;
  if (req.marker !== '') q.marker = req.marker;
  return q;
}

/** The IP prefix inside a route key (VPN keys are `<rd>:<prefix>`). */
function ipPrefixOf(table: string, key: string): string {
  return table.startsWith('bgp.l3vpn') ? splitVpnKey(key).prefix : key;
}

/** Which feed records a Watch wants. */
export function watchFilter(req: WatchRoutesRequest): (r: RouteRecord) => boolean {
  const tables = req.tables.length > 0 ? new Set(req.tables) : undefined;
  const prefixes = req.prefixes.length > 0 ? new Set(req.prefixes) : undefined;
  return (r) => {
    const v = r.value;
    if (v['kind'] === 'session') return !req.omit_sessions;
    const table = v['table'] as string;
    const prefix = v['prefix'] as string;
    if (tables !== undefined && !tables.has(table)) return false;
    if (prefixes !== undefined && !prefixes.has(prefix) && !prefixes.has(ipPrefixOf(table, prefix)))
      return false;
    return true;
  };
}

/** A feed record as a `RouteEvent` (the Path view already has the proto's field names). */
export function routeEvent(r: RouteRecord): Record<string, unknown> {
  const v = r.value;
  if (v['kind'] === 'session') {
    const { kind: _k, ts, name, type, state, ...detail } = v;
    return {
      session: {
        name,
        type,
        state: state === 'up' ? 'SESSION_STATE_UP' : 'SESSION_STATE_DOWN',
        ts,
        detail_json: JSON.stringify(detail),
      },
    };
  }
  return {
    route: {
      op: OPS[v['op'] as string] ?? 'ROUTE_OP_UNSPECIFIED',
      ts: v['ts'],
      ri: v['ri'],
      table: v['table'],
      prefix: v['prefix'],
      peer: v['peer'],
      source: v['source'],
      path: v['path'],
    },
  };
}

type WatchCall = grpc.ServerWritableStream<WatchRoutesRequest, Record<string, unknown>>;

/**
 * One Watch: feed records filtered and written in order. The stream buffers what its transport cannot take
 * yet, so a slow client never slows routing; past MAX_BACKLOG buffered events it is cut off instead.
 */
class Watcher {
  private readonly unsubscribe: () => void;
  private done = false;

  constructor(
    private readonly call: WatchCall,
    node: ControlNode,
    private readonly onEnd: (w: Watcher) => void,
  ) {
    const keep = watchFilter(call.request);
    this.unsubscribe = node.routeFeed.subscribe((records) => {
      for (const r of records) if (keep(r)) this.push(routeEvent(r));
    });
    call.on('cancelled', () => this.finish());
    call.on('error', () => this.finish());
    call.on('finish', () => this.finish());
    this.push({ started: { router_id: node.routerId, asn: node.rib.asn } });
  }

  private push(ev: Record<string, unknown>): void {
    if (this.done) return;
    if (this.call.writableLength > MAX_BACKLOG)
      this.end(grpc.status.RESOURCE_EXHAUSTED, 'watcher fell behind');
    else this.call.write(ev);
  }

  end(code: grpc.status, details: string): void {
    if (this.done) return;
    this.finish();
    // grpc-js turns an 'error' on a server stream into the call's status.
    this.call.emit('error', { code, details });
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.unsubscribe();
    this.onEnd(this);
  }
}

/** A call's metadata as request headers (`authorization: Bearer …` arrives as gRPC metadata). */
function headersOf(md: grpc.Metadata): RequestHeaders {
  const out: RequestHeaders = {};
  for (const [k, v] of Object.entries(md.getMap())) if (typeof v === 'string') out[k] = v;
  return out;
}

/** The refusal of a call `access` does not let through, or undefined. */
async function refusal(
  access: ReadAccess,
  call: { metadata: grpc.Metadata },
): Promise<CallError | undefined> {
  const v = await check(access, headersOf(call.metadata));
  if (v.ok) return undefined;
  return new CallError(
    v.status === 401 ? grpc.status.UNAUTHENTICATED : grpc.status.PERMISSION_DENIED,
    v.message,
  );
}

export interface RoutesGrpcOptions {
  /** Demand `authorize`'s approval; default: when bound to a non-loopback address. */
  requireAuth?: boolean;
  authorize?: Authorize;
}

/** gRPC `skein.control.v1.Routes` over the node's Rib and route feed (routing.md Part E). */
export class RoutesGrpcServer {
  private server: grpc.Server | undefined;
  private readonly watchers = new Set<Watcher>();

  constructor(
    private readonly node: ControlNode,
    private readonly opts: RoutesGrpcOptions = {},
  ) {}

  async listen(host: string, port: number): Promise<number> {
    const access = readAccess('gRPC Routes', host, this.opts.requireAuth, this.opts.authorize);
    const def = protoLoader.loadSync(ROUTES_PROTO_PATH, ROUTES_PROTO_LOADER_OPTIONS);
    const pkg = grpc.loadPackageDefinition(def) as any;
    const server = new grpc.Server();
    server.addService(pkg.skein.control.v1.Routes.service, {
      List: (call: grpc.ServerUnaryCall<ListRoutesRequest, unknown>, cb: grpc.sendUnaryData<unknown>) => {
        void (async () => {
          const refused = await refusal(access, call);
          if (refused !== undefined) throw refused;
          const q = routesQuery(call.request);
          const rib = this.node.rib;
          if (rib.table(q.table) === undefined)
            throw new CallError(grpc.status.NOT_FOUND, `no table ${q.table}`);
          cb(null, routesView(rib, q));
        })().catch((err) => cb(this.callError(err)));
      },
      Watch: (call: WatchCall) => {
        void (async () => {
          const refused = await refusal(access, call);
          if (refused !== undefined) throw refused;
          if (call.cancelled) return;
          this.watchers.add(new Watcher(call, this.node, (w) => this.watchers.delete(w)));
        })().catch((err) => call.emit('error', this.callError(err)));
      },
    });
    // IPv6 literals need brackets in a gRPC target.
    const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const bound = await new Promise<number>((resolve, reject) =>
      server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(new Error(`gRPC Routes on ${address}: ${err.message}`)) : resolve(p),
      ),
    );
    this.server = server;
    return bound;
  }

  /** A refusal or bad request as its status; a fault of ours is logged and answered INTERNAL without its text. */
  private callError(err: unknown): { code: grpc.status; details: string } {
    if (err instanceof CallError) return { code: err.code, details: err.message };
    this.node.log('warn', 'gRPC Routes call failed', {
      err: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
    return { code: grpc.status.INTERNAL, details: 'internal error' };
  }

  /** Ends open Watch streams with UNAVAILABLE (clients reconnect), then stops. */
  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s === undefined) return;
    for (const w of [...this.watchers]) w.end(grpc.status.UNAVAILABLE, 'control node shutting down');
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        s.forceShutdown();
        resolve();
      }, 2000);
      s.tryShutdown(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}
