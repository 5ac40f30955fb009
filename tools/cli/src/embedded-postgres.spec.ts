/**
 * The embedded PGlite store as all-in-one and `store rebuild` open it (issue 7 items 3 and 9): a statement
 * failing at bind leaves the store usable, and nobody but this user can reach the store. PGlite runs in a
 * child process from the built module (it cannot load inside Jest's VM); the store client runs here.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Db } from '@skein/store';
import { createTestDatabase, type TestDatabase } from '@skein/testing';

const BUILT = resolve(__dirname, '../dist/embedded-postgres.js');

/** startEmbeddedPostgres in a child process: resolves with what it returned (url, dbOptions). */
function serve(dir: string): Promise<{ proc: ChildProcess; url: string; dbOptions: any }> {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` first (npm test does)`);
  const script = `require(${JSON.stringify(BUILT)}).startEmbeddedPostgres(process.argv[1]).then((p) => console.log(JSON.stringify(p)))`;
  const proc = spawn(process.execPath, ['-e', script, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((res, rej) => {
    let out = '';
    let err = '';
    proc.stderr!.on('data', (d) => (err += d));
    proc.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) res({ proc, ...JSON.parse(out) });
    });
    proc.on('exit', (code) => rej(new Error(`embedded postgres exited ${code}: ${err}`)));
  });
}

/** Inodes of the TCP sockets a process listens on. */
function tcpListeners(pid: number | string): Set<string> {
  const mine = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) mine.add(m[1]);
    } catch {
      /* closed meanwhile */
    }
  }
  const out = new Set<string>();
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(f, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // st 0A is LISTEN; column 9 is the inode.
      if (cols[3] === '0A' && mine.has(cols[9])) out.add(cols[9]);
    }
  }
  return out;
}

/** A statement failing at parse/bind, then writes and reads: each must succeed. */
async function failThenWrite(db: Db) {
  await db.query('CREATE TABLE IF NOT EXISTS kv (k text PRIMARY KEY, seq bigint)');
  for (let round = 0; round < 3; round++) {
    // NUL in a text parameter and a bigint out of range fail at bind; a syntax error fails at parse.
    await expect(db.query('SELECT * FROM kv WHERE k = $1', ['a\u0000b'])).rejects.toThrow(
      /invalid byte sequence/,
    );
    await expect(db.query('SELECT * FROM kv WHERE seq > $1', ['99999999999999999999999'])).rejects.toThrow(
      /out of range/,
    );
    await expect(db.query('SELEC * FROM kv WHERE k = $1', ['x'])).rejects.toThrow(/syntax error/);
    await expect(
      db.tx((c) => c.query('SELECT * FROM kv WHERE seq > $1', ['99999999999999999999999'])),
    ).rejects.toThrow(/out of range/);
    await expect(
      db.tx((c) => c.queryAndCommit!('INSERT INTO kv VALUES ($1, $2)', ['a\u0000b', 1])),
    ).rejects.toThrow(/invalid byte sequence/);
    // The same texts again, with good values, on the pool and in a transaction.
    await db.query('INSERT INTO kv VALUES ($1, $2)', [`q${round}`, round]);
    await db.tx(async (c) => {
      await c.query('SELECT * FROM kv WHERE seq > $1', ['-1']);
      await c.queryAndCommit!('INSERT INTO kv VALUES ($1, $2)', [`t${round}`, round]);
    });
    expect((await db.query('SELECT * FROM kv WHERE k = $1', [`q${round}`])).rows).toHaveLength(1);
  }
  expect((await db.query('SELECT count(*)::int AS n FROM kv WHERE seq >= $1', [0])).rows[0].n).toBe(6);
}

describe('embedded PGlite store', () => {
  let dir: string;
  let pg: { proc: ChildProcess; url: string; dbOptions: any };
  let db: Db;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skein-pglite-'));
    pg = await serve(dir);
    db = await Db.open({ url: pg.url, ...pg.dbOptions });
  }, 60_000);

  afterAll(async () => {
    await db?.close();
    pg?.proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('a statement failing at parse or bind leaves the store writable (was: "prepared statement … already exists" until restart)', async () => {
    await failThenWrite(db);
  }, 60_000);

  it('listens on no TCP port, only on a Unix socket in a 0700 directory; the store files are in a 0700 directory', async () => {
    expect(statSync(join(dir, 'pg')).mode & 0o777).toBe(0o700);
    expect(pg.url).not.toMatch(/@[^/]/);
    expect([...tcpListeners(pg.proc.pid!)]).toEqual([]);
    const sockDir = decodeURIComponent(/host=([^&]+)/.exec(pg.url)![1]);
    expect(statSync(sockDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(sockDir, '.s.PGSQL.5432')).isSocket()).toBe(true);
  });

  const asRoot = process.getuid?.() === 0;
  (asRoot ? it : it.skip)('another local user cannot connect to the socket', () => {
    const sock = join(decodeURIComponent(/host=([^&]+)/.exec(pg.url)![1]), '.s.PGSQL.5432');
    const script = `require('net').connect(${JSON.stringify(sock)}).on('connect',()=>{console.log('CONNECTED');process.exit(0)}).on('error',e=>{console.log(e.code);process.exit(0)})`;
    const out = execFileSync('runuser', ['-u', 'nobody', '--', process.execPath, '-e', script], {
      encoding: 'utf8',
    }).trim();
    expect(out).toBe('EACCES');
  });
});

describe('named prepared statements on Postgres', () => {
  let tdb: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    tdb = await createTestDatabase('skein_named');
    db = await Db.open({ url: tdb.url, poolSize: 2 });
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  it('a statement failing at parse or bind leaves the connection and its statements usable', async () => {
    await failThenWrite(db);
  }, 60_000);
});
