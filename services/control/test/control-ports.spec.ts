import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { startTestApi, type TestApi } from '../../api/test/harness';
import { ROUTES_PROTO_LOADER_OPTIONS, ROUTES_PROTO_PATH, apiAdmins, startControlNode } from '../src';
import { Lab } from './harness';

// Issue 7 items 1 and 9: introspect and gRPC Routes survive hostile paths, bind to loopback by default, and
// off loopback (or when told) answer only the config API's admins.

type Client = grpc.Client & Record<string, any>;

function routesClient(port: number): Client {
  const def = protoLoader.loadSync(ROUTES_PROTO_PATH, ROUTES_PROTO_LOADER_OPTIONS);
  const pkg = grpc.loadPackageDefinition(def) as any;
  return new pkg.skein.control.v1.Routes(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

/** Whether a TCP connect to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** A List call's status code (0 = OK). */
function listStatus(client: Client, token?: string): Promise<number> {
  const md = new grpc.Metadata();
  if (token !== undefined) md.set('authorization', `Bearer ${token}`);
  return new Promise((resolve) =>
    client['List']({ table: 'inet.0' }, md, (err: grpc.ServiceError | null) => resolve(err ? err.code : 0)),
  );
}

/** The first status a Watch ends with, or 0 once its `started` event arrives. */
function watchStatus(client: Client, token?: string): Promise<number> {
  const md = new grpc.Metadata();
  if (token !== undefined) md.set('authorization', `Bearer ${token}`);
  return new Promise((resolve) => {
    const s = client['Watch']({ omit_sessions: true }, md);
    s.on('data', (e: any) => {
      if (e.started) {
        resolve(0);
        s.cancel();
      }
    });
    s.on('error', (e: grpc.ServiceError) => resolve(e.code));
  });
}

const get = async (port: number, path: string, headers: Record<string, string> = {}) => {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
  return { status: r.status, text: await r.text() };
};

describe('introspect: client-chosen names (issue 7 item 1)', () => {
  let lab: Lab;
  beforeAll(async () => {
    // No introspect/gRPC host given: the defaults are under test too.
    lab = await Lab.start({ node: { introspect: { port: 0 }, grpc: { port: 0 } } });
  });
  afterAll(async () => lab?.close());

  it.each(['/constructor', '/__proto__', '/toString', '/hasOwnProperty/x', '/valueOf', '/neighbors/x/y'])(
    'GET %s → 404 and the node still answers /health',
    async (path) => {
      const r = await get(lab.cn.ports.introspect, path);
      expect(r.status).toBe(404);
      expect(JSON.parse(r.text)).toEqual({ error: `no endpoint ${path}` });
      expect((await get(lab.cn.ports.introspect, '/health')).status).toBe(200);
    },
  );

  it('a malformed escape in a name is 400, not a fault', async () => {
    const r = await get(lab.cn.ports.introspect, '/neighbors/%E0%A4%A');
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).error).toMatch(/malformed/);
  });

  it('a handler that throws answers 500 without stack text; the node lives', async () => {
    const spy = jest.spyOn(lab.cn.node.rib, 'routingInstances').mockImplementation(() => {
      throw new Error('boom at /secret/path.ts:12');
    });
    try {
      const r = await get(lab.cn.ports.introspect, '/routing-instances');
      expect(r.status).toBe(500);
      expect(JSON.parse(r.text)).toEqual({ error: 'internal error' });
      expect(r.text).not.toMatch(/boom|secret|\.ts/);
    } finally {
      spy.mockRestore();
    }
    expect((await get(lab.cn.ports.introspect, '/health')).status).toBe(200);
    expect((await get(lab.cn.ports.introspect, '/routing-instances')).status).toBe(200);
  });

  it('introspect and gRPC Routes bind to 127.0.0.1 by default and ask no token there', async () => {
    const { introspect, grpc: grpcPort } = lab.cn.ports;
    // Bound to 127.0.0.1 itself, not a wildcard: another loopback address of this host is refused.
    expect(await accepts('127.0.0.1', introspect)).toBe(true);
    expect(await accepts('127.0.0.2', introspect)).toBe(false);
    expect(await accepts('127.0.0.1', grpcPort!)).toBe(true);
    expect(await accepts('127.0.0.2', grpcPort!)).toBe(false);
    expect((await get(introspect, '/health')).status).toBe(200);
    const client = routesClient(grpcPort!);
    try {
      expect(await listStatus(client)).toBe(0);
    } finally {
      client.close();
    }
  });
});

describe('introspect and gRPC Routes behind the API auth (issue 7 item 9)', () => {
  let api: TestApi;
  let cn: Awaited<ReturnType<typeof startControlNode>>;
  let admin: string;
  let member: string;

  beforeAll(async () => {
    api = await startTestApi({ aaaMode: 'cloud-admin' });
    admin = api.server.auth.issueToken({ user: 'ops', roles: ['admin'] }).token;
    member = api.server.auth.issueToken({ user: 'bob', project_id: 'p1', roles: ['member'] }).token;
    cn = await startControlNode({
      events: api.events,
      name: 'cn1',
      bgp: { host: '127.0.0.1', port: 0 },
      xmpp: { host: '127.0.0.1', port: 0 },
      // Tests may only bind loopback: auth is forced on instead of following from the address.
      introspect: { port: 0, requireAuth: true },
      grpc: { port: 0, requireAuth: true },
      authorize: apiAdmins(api.server.auth),
    });
  });
  afterAll(async () => {
    await cn?.close();
    await api?.close();
  });

  it('introspect: no token 401, member token 403, admin token 200; neither refusal shows state', async () => {
    const none = await get(cn.ports.introspect, '/neighbors');
    expect(none.status).toBe(401);
    expect(JSON.parse(none.text).error).toMatch(/Authentication required/);
    const bad = await get(cn.ports.introspect, '/neighbors', { authorization: 'Bearer not-a-token' });
    expect(bad.status).toBe(401);
    const m = await get(cn.ports.introspect, '/neighbors', { authorization: `Bearer ${member}` });
    expect(m.status).toBe(403);
    expect(m.text).not.toMatch(/neighbors"/);
    const a = await get(cn.ports.introspect, '/neighbors', { authorization: `Bearer ${admin}` });
    expect(a.status).toBe(200);
    expect(JSON.parse(a.text)).toHaveProperty('neighbors');
    // A hostile path behind auth is still refused first, and the node lives.
    expect((await get(cn.ports.introspect, '/constructor')).status).toBe(401);
    expect((await get(cn.ports.introspect, '/constructor', { 'x-auth-token': admin })).status).toBe(404);
  });

  it('gRPC Routes List and Watch: no token UNAUTHENTICATED, member PERMISSION_DENIED, admin OK', async () => {
    const client = routesClient(cn.ports.grpc!);
    try {
      expect(await listStatus(client)).toBe(grpc.status.UNAUTHENTICATED);
      expect(await listStatus(client, member)).toBe(grpc.status.PERMISSION_DENIED);
      expect(await listStatus(client, admin)).toBe(grpc.status.OK);
      expect(await watchStatus(client)).toBe(grpc.status.UNAUTHENTICATED);
      expect(await watchStatus(client, member)).toBe(grpc.status.PERMISSION_DENIED);
      expect(await watchStatus(client, admin)).toBe(grpc.status.OK);
    } finally {
      client.close();
    }
  });

  it('auth required without an authorize callback refuses to start', async () => {
    await expect(
      startControlNode({
        events: api.events,
        name: 'cn2',
        bgp: { host: '127.0.0.1', port: 0 },
        xmpp: { host: '127.0.0.1', port: 0 },
        introspect: { port: 0, requireAuth: true },
      }),
    ).rejects.toThrow(/requires authentication/);
  });
});
