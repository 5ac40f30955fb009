import http from 'node:http';
import type { ControlNode } from '../control-node';
import { closeServer, listen } from '../listener';
import {
  PEER_KINDS,
  explain,
  routeTargetsView,
  routesView,
  routingInstanceView,
  type PeerKind,
} from '../rib';
import { check, readAccess, type Authorize, type ReadAccess } from './auth';
import { neighborViews } from './views';

type Query = URLSearchParams;
type Handler = (node: ControlNode, q: Query, name: string | undefined) => unknown;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** `limit` + `marker` paging over a name-sorted list (Part E). */
function page<T extends { name: string }>(items: T[], q: Query): { items: T[]; next_marker?: string } {
  const limit = Math.max(1, Math.min(Number(q.get('limit') ?? 1000) || 1000, 10_000));
  const marker = q.get('marker');
  const start = marker === null ? 0 : items.findIndex((x) => x.name > marker);
  const from = start < 0 ? items.length : start;
  const slice = items.slice(from, from + limit);
  const out: { items: T[]; next_marker?: string } = { items: slice };
  if (from + limit < items.length) out.next_marker = slice[slice.length - 1]!.name;
  return out;
}

function required(q: Query, name: string): string {
  const v = q.get(name);
  if (v === null || v === '') throw new HttpError(400, `query parameter ${name} is required`);
  return v;
}

/**
 * Endpoints by first path segment. A Map, not an object literal: the segment is the client's, and `/constructor`
 * or `/__proto__` must find nothing rather than Object.prototype's members (issue 7 item 1).
 */
const ROUTES = new Map<string, Handler>(
  Object.entries({
    health: (node: ControlNode) => ({
      status: 'ok',
      uptime: Math.round((Date.now() - node.startedAt) / 1000),
      bgp_up: node.bgp.upCount,
      xmpp_up: node.xmpp.upCount,
      router_id: node.routerId,
      asn: node.rib.asn,
    }),
    neighbors: (node, q, name) => {
      const all = neighborViews(node);
      if (name === undefined) {
        const p = page(all, q);
        return { neighbors: p.items, ...(p.next_marker ? { next_marker: p.next_marker } : {}) };
      }
      const one = all.find((n) => n.name === name);
      if (one === undefined) throw new HttpError(404, `no neighbor ${name}`);
      return one;
    },
    'routing-instances': (node, q, name) => {
      const rib = node.rib;
      const view = (ri: Parameters<typeof routingInstanceView>[1]) => ({
        ...routingInstanceView(rib, ri),
        service_chain: rib.serviceChains.views(ri.name),
        static_routes: rib.staticRoutes.views(ri.name),
      });
      if (name !== undefined) {
        const ri = rib.instance(name);
        if (ri === undefined) throw new HttpError(404, `no routing instance ${name}`);
        return view(ri);
      }
      const all = [...rib.routingInstances()].map(view).sort((a, b) => (a.name < b.name ? -1 : 1));
      const p = page(all, q);
      return { routing_instances: p.items, ...(p.next_marker ? { next_marker: p.next_marker } : {}) };
    },
    routes: (node, q) => {
      const source = q.get('source');
      if (source !== null && !(PEER_KINDS as readonly string[]).includes(source))
        throw new HttpError(400, `source must be one of ${PEER_KINDS.join(', ')}`);
      const limit = q.get('limit');
      const rq: Parameters<typeof routesView>[1] = { table: required(q, 'table') };
      const prefix = q.get('prefix');
      if (prefix !== null) rq.prefix = prefix;
      if (q.get('longer') === '1' || q.get('longer') === 'true') rq.longer = true;
      const peer = q.get('peer');
      if (peer !== null) rq.peer = peer;
      if (source !== null) rq.source = source as PeerKind;
      if (limit !== null) rq.limit = Math.max(1, Number(limit) || 1000);
      const marker = q.get('marker');
      if (marker !== null) rq.marker = marker;
      if (node.rib.table(rq.table) === undefined) throw new HttpError(404, `no table ${rq.table}`);
      return routesView(node.rib, rq);
    },
    'route-targets': (node, q) => ({ route_targets: routeTargetsView(node.rib, q.get('rt') ?? undefined) }),
    explain: (node, q) => {
      const path = q.get('path');
      return explain(
        node.rib,
        required(q, 'peer'),
        required(q, 'table'),
        required(q, 'prefix'),
        path === null ? {} : { path },
      );
    },
    'service-chains': (node, q) => {
      const p = page(node.rib.serviceChains.views(q.get('routing_instance') ?? undefined), q);
      return { service_chains: p.items, ...(p.next_marker ? { next_marker: p.next_marker } : {}) };
    },
    'static-routes': (node, q) => {
      const p = page(node.rib.staticRoutes.views(q.get('routing_instance') ?? undefined), q);
      return { static_routes: p.items, ...(p.next_marker ? { next_marker: p.next_marker } : {}) };
    },
  } satisfies Record<string, Handler>),
);

export interface IntrospectOptions {
  /** Demand `authorize`'s approval; default: when bound to a non-loopback address. */
  requireAuth?: boolean;
  authorize?: Authorize;
}

/** Part E: read-only HTTP JSON over the node's live state (8083). */
export class IntrospectServer {
  private server: http.Server | undefined;

  constructor(
    private readonly node: ControlNode,
    private readonly opts: IntrospectOptions = {},
  ) {}

  async listen(host: string, port: number): Promise<number> {
    const access = readAccess('introspect', host, this.opts.requireAuth, this.opts.authorize);
    const server = http.createServer((req, res) => {
      // Last resort: nothing a request does may reach the process's uncaught-exception handler.
      this.handle(access, req, res).catch((err) => this.fail(res, err));
    });
    const bound = await listen(server, host, port);
    this.server = server;
    return bound;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s === undefined) return;
    s.closeAllConnections();
    await closeServer(s);
  }

  private async handle(
    access: ReadAccess,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    const verdict = await check(access, req.headers);
    if (!verdict.ok) {
      this.reply(res, verdict.status, { error: verdict.message });
      return;
    }
    let status = 200;
    let body: unknown;
    try {
      body = this.route(req);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      status = err.status;
      body = { error: err.message };
    }
    this.reply(res, status, body);
  }

  private route(req: http.IncomingMessage): unknown {
    if (req.method !== 'GET') throw new HttpError(405, 'only GET is served');
    let url: URL;
    let parts: string[];
    let name: string | undefined;
    try {
      url = new URL(req.url ?? '/', 'http://introspect');
      parts = url.pathname.split('/').filter((p) => p !== '');
      name = parts[1] === undefined ? undefined : decodeURIComponent(parts[1]);
    } catch {
      // `new URL` on a path like `//[` and decodeURIComponent on a broken escape: the client's mistake.
      throw new HttpError(400, 'malformed URL');
    }
    const handler = ROUTES.get(parts[0] ?? '');
    if (handler === undefined || parts.length > 2) throw new HttpError(404, `no endpoint ${url.pathname}`);
    return handler(this.node, url.searchParams, name);
  }

  private reply(res: http.ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  /** A fault of ours: logged with its stack, answered 500 without it. */
  private fail(res: http.ServerResponse, err: unknown): void {
    this.node.log('warn', 'introspect request failed', {
      err: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
    try {
      if (res.headersSent) res.destroy();
      else this.reply(res, 500, { error: 'internal error' });
    } catch {
      res.destroy();
    }
  }
}
