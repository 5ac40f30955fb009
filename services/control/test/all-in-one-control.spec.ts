import net from 'node:net';
import pino from 'pino';
import { createTestDatabase, type TestDatabase } from '@skein/testing';
import { startAllInOne, type Running } from '../../../tools/cli/src/all-in-one';

// Issue 7 item 9 as all-in-one wires it: introspect and gRPC Routes on loopback whatever --host says, and
// with auth required, the config API's own tokens (admin role) are what lets a reader in.

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

const portOf = (url: string) => Number(/:(\d+)/.exec(url.replace(/^http:\/\//, ''))![1]);

describe('all-in-one: control node read ports (issue 7 item 9)', () => {
  let tdb: TestDatabase;
  let running: Running;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    running = await startAllInOne(
      {
        dataDir: '',
        // BGP, XMPP and the API on another loopback address: introspect and Routes must not follow it.
        host: '127.0.0.2',
        apiPort: 0,
        grpcPort: 0,
        control: {
          name: 'cn1',
          bgpPort: 0,
          xmppPort: 0,
          introspectPort: 0,
          grpcPort: 0,
          requireAuth: true,
        },
        databaseUrl: tdb.url,
      },
      pino({ level: 'silent' }),
    );
  });
  afterAll(async () => {
    await running?.stop();
    await tdb?.drop();
  });

  it('binds introspect and gRPC Routes to 127.0.0.1, not the --host address', async () => {
    const e = running.endpoints;
    expect(e['introspect']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(e['routes']).toMatch(/^127\.0\.0\.1:\d+ /);
    expect(e['api']).toMatch(/^http:\/\/127\.0\.0\.2:/);
    const introspect = portOf(e['introspect']!);
    const routes = portOf(e['routes']!);
    expect(await accepts('127.0.0.1', introspect)).toBe(true);
    expect(await accepts('127.0.0.2', introspect)).toBe(false);
    expect(await accepts('127.0.0.1', routes)).toBe(true);
    expect(await accepts('127.0.0.2', routes)).toBe(false);
  });

  it("takes the API's tokens: 401 without, 403 for a member, 200 for an admin; no-auth mode lets nobody in", async () => {
    const api = running.endpoints['api']!;
    const health = `${running.endpoints['introspect']}/health`;
    const call = async (url: string, init: RequestInit = {}) => {
      const r = await fetch(url, init);
      return { status: r.status, json: (await r.json()) as any };
    };
    // Loopback API: no-auth, where every caller counts as admin, so no token proves anything.
    expect((await call(health, { headers: { authorization: 'Bearer anything' } })).status).toBe(401);

    const issue = async (roles: string[]) =>
      (
        await call(`${api}/auth/tokens`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ user: roles[0], project_id: 'a'.repeat(32), roles }),
        })
      ).json.token as string;
    const admin = await issue(['admin']);
    const member = await issue(['member']);
    const mode = await call(`${api}/aaa-mode`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ 'aaa-mode': 'cloud-admin' }),
    });
    expect(mode.status).toBe(200);

    expect((await call(health)).status).toBe(401);
    expect((await call(health, { headers: { authorization: `Bearer ${member}` } })).status).toBe(403);
    const ok = await call(health, { headers: { authorization: `Bearer ${admin}` } });
    expect(ok.status).toBe(200);
    expect(ok.json.status).toBe('ok');
  });
});
