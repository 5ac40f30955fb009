// Helpers shared by the control-node benchmarks (run.js, xmpp.js): arguments, the machine line, /proc
// sampling of a reflector process, child processes over IPC, and a config API on a fresh database. The
// config API benchmark (bench/api/run.js) uses the arguments, table rows and `skein api` process from here.
'use strict';
const { execFileSync, fork, spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const repo = path.resolve(__dirname, '../..');

function opt(name, def) {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
}

/** Wall-clock milliseconds with sub-ms resolution, comparable between processes of this machine. */
const now = () => performance.timeOrigin + performance.now();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** `cmd args` output (stdout and stderr: bird prints its version on stderr) matched against `re`. */
function versionOf(cmd, args, re) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return re.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`)?.[1] ?? 'unknown';
}

function machine() {
  const cpus = os.cpus();
  const head = versionOf('git', ['-C', repo, 'log', '-1', '--format=%h'], /(\S+)/);
  const dirty = spawnSync('git', ['-C', repo, 'status', '--porcelain', '--', 'libs', 'services', 'tools'], {
    encoding: 'utf8',
  }).stdout.trim();
  return (
    `${cpus.length} × ${cpus[0].model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
    `${os.type()} ${os.release()}, Node ${process.version}, gobgpd ${versionOf('gobgpd', ['--version'], /version (\S+)/)}, ` +
    `BIRD ${versionOf('bird', ['--version'], /BIRD version (\S+)/)}, Skein ${head}${dirty ? ' with uncommitted changes' : ''}`
  );
}

const loadavg = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

const TICK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** RSS and peak RSS (bytes) and CPU seconds (user + system, all threads) of a live process. */
function procStats(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name, which may itself contain spaces.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { rss: kb('VmRSS'), hwm: kb('VmHWM'), cpu: (Number(f[11]) + Number(f[12])) / TICK };
}

/** Polls VmRSS: a cross-check of VmHWM, and the peak of a run that ended without a final sample. */
class Sampler {
  constructor(pid, everyMs = 100) {
    this.pid = pid;
    this.max = 0;
    this.timer = setInterval(() => {
      try {
        this.max = Math.max(this.max, procStats(pid).rss);
      } catch {
        // exited; the caller notices
      }
    }, everyMs);
  }
  stop() {
    clearInterval(this.timer);
  }
}

function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen({ host, port: 0 }, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A child Node process talking over IPC; `next(pred)` waits for a message. */
function forkChild(script, args = [], execArgv = []) {
  const child = fork(path.join(__dirname, script), args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv,
  });
  const inbox = [];
  const waiters = [];
  child.on('message', (m) => {
    const w = waiters.findIndex((x) => x.pred(m));
    if (w >= 0) waiters.splice(w, 1)[0].resolve(m);
    else inbox.push(m);
  });
  child.on('exit', (code, sig) => {
    for (const w of waiters.splice(0))
      w.reject(new Error(`${script} exited (${code ?? sig}) before ${w.what}`));
  });
  child.next = (pred, what = 'message', timeoutMs = 60_000) => {
    const i = inbox.findIndex(pred);
    if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]);
    if (child.exitCode !== null || child.signalCode !== null)
      return Promise.reject(new Error(`${script} already exited before ${what}`));
    return new Promise((resolve, reject) => {
      const w = { pred, what, resolve, reject };
      waiters.push(w);
      const t = setTimeout(() => {
        const k = waiters.indexOf(w);
        if (k >= 0) waiters.splice(k, 1);
        reject(new Error(`${script}: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (f) => (v) => {
        clearTimeout(t);
        f(v);
      };
      w.resolve = done(resolve);
      w.reject = done(reject);
    });
  };
  child.on('message', (m) => child.onAny?.(m));
  return child;
}

/** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
function stopChild(child, graceMs = 3000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

// ===== Config API on a fresh database (the way the control tests configure a node) ======================

const ADMIN = process.env.SKEIN_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function adminQuery(sql) {
  const { Client } = require('pg');
  const c = new Client({ connectionString: ADMIN });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

/**
 * `skein api` (bin/skein.js, built) on `dbUrl` with no auth, on free ports; resolves once it prints its
 * endpoints. `env` overrides its environment (KAFKA_BROKERS for the relay).
 */
async function startApiProcess(dbUrl, env = {}) {
  const port = await freePort();
  const grpc = await freePort();
  const proc = spawn(
    process.execPath,
    [path.join(repo, 'bin/skein.js'), 'api', '--api-port', String(port), '--grpc-port', String(grpc)],
    {
      env: { ...process.env, DATABASE_URL: dbUrl, KAFKA_BROKERS: '', SKEIN_AAA_MODE: 'no-auth', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  for (let i = 0; i < 300 && !/api\s+http/.test(out); i++) await sleep(100);
  if (!/api\s+http/.test(out)) {
    proc.kill('SIGTERM');
    throw new Error(`config API did not start: ${out}`);
  }
  return {
    base: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((r) => (proc.exitCode !== null ? r() : (proc.once('exit', r), proc.kill('SIGTERM')))),
  };
}

async function startConfigApi() {
  const dbName = `skein_bench_ctl_${Date.now()}_${process.pid}`;
  await adminQuery(`CREATE DATABASE ${dbName}`);
  const dbUrl = ADMIN.replace(/\/[^/]*$/, `/${dbName}`);
  const { base, stop } = await startApiProcess(dbUrl);
  const call = async (method, p, body) => {
    const r = await fetch(base + p, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (r.status !== 200) throw new Error(`${method} ${p} → ${r.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const api = {
    dbUrl,
    call,
    async create(type, body) {
      return (await call('POST', `/${type}s`, { [type]: body }))[type].uuid;
    },
    async read(type, uuid) {
      return (await call('GET', `/${type}/${uuid}`))[type];
    },
    async uuidOf(type, fq) {
      return (await call('POST', '/fqname-to-id', { type, fq_name: fq })).uuid;
    },
    async stop() {
      await stop();
      await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    },
  };
  return api;
}

const MASTER = ['default-domain', 'default-project', 'ip-fabric', '__default__'];

/** A control node process (skein-node.js) following the config API's event log. */
async function startSkeinNode(api, o) {
  const args = [
    '--db',
    api.dbUrl,
    '--name',
    o.name,
    '--bgp',
    `${o.host}:${o.bgpPort ?? 0}`,
    '--xmpp',
    `${o.host}:${o.xmppPort ?? 0}`,
  ];
  const child = forkChild('skein-node.js', args, o.execArgv ?? []);
  const ready = await child.next((m) => m.type === 'ready', 'control node ready', 120_000);
  return { pid: child.pid, ports: ready.ports, child, stop: () => stopChild(child, 60_000) };
}

const fmt = {
  s: (ms) => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1),
  mb: (b) => (b / 2 ** 20).toFixed(0),
  int: (n) => n.toLocaleString('en-US'),
};

const row = (cells) => `| ${cells.join(' | ')} |`;

module.exports = {
  ADMIN,
  MASTER,
  Sampler,
  adminQuery,
  fmt,
  forkChild,
  freePort,
  loadavg,
  machine,
  now,
  opt,
  procStats,
  repo,
  row,
  sleep,
  startApiProcess,
  startConfigApi,
  startSkeinNode,
  stopChild,
};
