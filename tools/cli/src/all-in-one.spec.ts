/**
 * The one-command start, run as an operator would: the built `skein` binary in a child process, with no
 * database and no broker (embedded PGlite under a fresh data dir). The test command builds first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSkein, ZERO_PORTS, type Run } from './cli-process.spec-helper';

async function waitFor<T>(f: () => T | undefined, ms: number, what: string, r?: Run): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end)
      throw new Error(`timeout waiting for ${what}; stdout: ${r?.out()} stderr: ${r?.err()}`);
    await new Promise((x) => setTimeout(x, 100));
  }
}

async function stop(r: Run) {
  r.proc.kill('SIGTERM');
  await r.exited;
}

describe('skein all-in-one (child process, embedded Postgres)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skein-aio-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const apiUrl = (r: Run) => /api\s+(http:\/\/\S+)/.exec(r.out())?.[1];

  it('starts with no database or broker, prints its endpoints, serves the default networks, and keeps data across restarts', async () => {
    const first = runSkein(['all-in-one', '--data-dir', dir, ...ZERO_PORTS]);
    try {
      const api = await waitFor(() => apiUrl(first), 60_000, 'the api endpoint line', first);
      expect(first.out()).toMatch(/store\s+embedded PGlite/);
      const introspect = /introspect\s+(http:\/\/\S+)/.exec(first.out())![1];
      expect(((await (await fetch(`${introspect}/health`)).json()) as any).status).toBe('ok');
      const r = await fetch(`${api}/virtual-networks`);
      expect(r.status).toBe(200);
      const names = ((await r.json()) as any)['virtual-networks'].map((v: any) => v.fq_name.join(':'));
      expect(names).toEqual(
        expect.arrayContaining([
          'default-domain:default-project:default-virtual-network',
          'default-domain:default-project:ip-fabric',
          'default-domain:default-project:__link_local__',
        ]),
      );
      const c = await fetch(`${api}/virtual-networks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          'virtual-network': {
            fq_name: ['default-domain', 'default-project', 'kept'],
            network_ipam_refs: [
              {
                to: ['default-domain', 'default-project', 'default-network-ipam'],
                attr: { ipam_subnets: [{ subnet: { ip_prefix: '10.9.0.0', ip_prefix_len: 24 } }] },
              },
            ],
          },
        }),
      });
      expect(c.status).toBe(200);
      const iip = await fetch(`${api}/instance-ips`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          'instance-ip': {
            fq_name: ['kept-ip'],
            virtual_network_refs: [{ to: ['default-domain', 'default-project', 'kept'] }],
          },
        }),
      });
      expect(iip.status).toBe(200);
    } finally {
      await stop(first);
    }
    const second = runSkein(['all-in-one', '--data-dir', dir, ...ZERO_PORTS]);
    try {
      const api = await waitFor(() => apiUrl(second), 60_000, 'the api endpoint line', second);
      const r = await fetch(`${api}/fqname-to-id`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'virtual-network',
          fq_name: ['default-domain', 'default-project', 'kept'],
        }),
      });
      expect(r.status).toBe(200);
    } finally {
      await stop(second);
    }
  }, 120_000);

  it('`skein store rebuild` replays the embedded store to identical tables (exit 0)', async () => {
    const r = runSkein(['store', 'rebuild', '--data-dir', dir]);
    expect(await r.exited).toBe(0);
    expect(r.out()).toMatch(/^identical/);
  }, 60_000);

  it('a port in use ends with one line naming the port and the flag, exit code 1', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const busy = (blocker.address() as net.AddressInfo).port;
    const dir2 = mkdtempSync(join(tmpdir(), 'skein-aio-'));
    try {
      const r = runSkein(['all-in-one', '--data-dir', dir2, ...ZERO_PORTS, '--api-port', String(busy)]);
      expect(await r.exited).toBe(1);
      expect(r.err().trim()).toBe(
        `skein: port ${busy} is already in use (--api-port); pick another with the flag or stop the other process`,
      );
    } finally {
      blocker.close();
      rmSync(dir2, { recursive: true, force: true });
    }
  }, 60_000);

  it('an unreachable DATABASE_URL ends with one clear line, exit code 1', async () => {
    const r = runSkein(['all-in-one', ...ZERO_PORTS], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(await r.exited).toBe(1);
    const lines = r.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^skein: cannot reach the database: /);
  }, 60_000);
});
