/**
 * One process per data dir (issue 7 item 5), run as an operator would: the built `skein` binary. A second
 * all-in-one or a `store rebuild` on a live dir is refused with one line and leaves the first serving with its
 * writes; after a SIGKILL of the first, the next one starts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSkein, ZERO_PORTS, type Run } from './cli-process.spec-helper';
import { DataDirLockedError, lockDataDir } from './data-dir-lock';

async function apiUrl(r: Run): Promise<string> {
  const end = Date.now() + 60_000;
  for (;;) {
    const m = /api\s+(http:\/\/\S+)/.exec(r.out());
    if (m) return m[1];
    if (Date.now() > end || r.proc.exitCode !== null)
      throw new Error(`no api line; stdout: ${r.out()} stderr: ${r.err()}`);
    await new Promise((x) => setTimeout(x, 100));
  }
}

const vn = (name: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ 'virtual-network': { fq_name: ['default-domain', 'default-project', name] } }),
});
const exists = async (api: string, name: string) =>
  (
    await fetch(`${api}/fqname-to-id`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'virtual-network', fq_name: ['default-domain', 'default-project', name] }),
    })
  ).status;

describe('data dir lock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skein-lock-'));
  const refused = new RegExp(
    `^skein: data dir ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by another skein process \\(pid \\d+ on [^)]+\\); `,
  );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second all-in-one and a store rebuild on a live dir; the first keeps serving; after SIGKILL a new one starts', async () => {
    const first = runSkein(['all-in-one', '--data-dir', dir, ...ZERO_PORTS]);
    try {
      const api = await apiUrl(first);
      expect((await fetch(`${api}/virtual-networks`, vn('before'))).status).toBe(200);

      const second = runSkein(['all-in-one', '--data-dir', dir, ...ZERO_PORTS]);
      expect(await second.exited).toBe(1);
      const lines = second.err().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(refused);
      expect(lines[0]).toContain(`pid ${first.proc.pid} `);

      const rebuild = runSkein(['store', 'rebuild', '--data-dir', dir]);
      expect(await rebuild.exited).toBe(2);
      expect(rebuild.err().trim().split('\n').pop()).toMatch(refused);

      // The first is untouched: still serving, earlier writes there, new writes accepted.
      expect(first.proc.exitCode).toBeNull();
      expect(await exists(api, 'before')).toBe(200);
      expect((await fetch(`${api}/virtual-networks`, vn('after'))).status).toBe(200);
    } finally {
      first.proc.kill('SIGKILL');
      await first.exited;
    }
    // The lock file is still there (SIGKILL runs no exit handler) but its owner is gone.
    expect(existsSync(join(dir, 'skein.lock'))).toBe(true);
    const next = runSkein(['all-in-one', '--data-dir', dir, ...ZERO_PORTS]);
    try {
      const api = await apiUrl(next);
      expect(await exists(api, 'before')).toBe(200);
      expect(await exists(api, 'after')).toBe(200);
    } finally {
      next.proc.kill('SIGTERM');
      await next.exited;
    }
    expect(existsSync(join(dir, 'skein.lock'))).toBe(false);
  }, 120_000);
});

describe('lockDataDir', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'skein-lock-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = () => join(dir, 'skein.lock');

  it('refuses while held, and takes the dir after release', () => {
    const a = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    expect(JSON.parse(readFileSync(file(), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    a.release();
    expect(existsSync(file())).toBe(false);
    lockDataDir(dir).release();
  });

  it('takes over a file whose owner is dead, or whose pid now runs another process', () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(file(), JSON.stringify({ pid: dead, host: hostname() }));
    const a = lockDataDir(dir);
    a.release();
    // Our own pid with another start time: a reused pid, not the owner.
    writeFileSync(file(), JSON.stringify({ pid: process.pid, host: hostname(), start: '1' }));
    lockDataDir(dir).release();
  });

  it('refuses a file from another host and a fresh unreadable one; takes an old unreadable one', () => {
    writeFileSync(file(), JSON.stringify({ pid: 1, host: 'elsewhere' }));
    expect(() => lockDataDir(dir)).toThrow(/in use by another skein process \(pid 1 on elsewhere\)/);
    writeFileSync(file(), '');
    expect(() => lockDataDir(dir)).toThrow(/another skein process is starting/);
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(file(), old, old);
    lockDataDir(dir).release();
  });

  it('release leaves a file another owner wrote', () => {
    const a = lockDataDir(dir);
    writeFileSync(file(), JSON.stringify({ pid: 1, host: 'elsewhere' }));
    a.release();
    expect(existsSync(file())).toBe(true);
  });
});
