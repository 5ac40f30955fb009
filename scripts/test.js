#!/usr/bin/env node
// `npm test`: installs what the test suite needs where it is missing, builds the workspace, then runs Jest.
// Extra arguments go to Jest (`npm test -- libs/bus -t relay`). Exits with Jest's code.
'use strict';
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');

const repo = path.resolve(__dirname, '..');

// ---- Debian packages the suite runs for real (BGP peers, HAProxy, ...) --------------------------------
// Add one line per tool: { bin: '<executable looked up on PATH, or a shell glob of paths>', pkg: '<Debian package>' }.
// Missing ones are installed with apt-get (as root, or through sudo when available).
const DEBIAN_PACKAGES = [
  { bin: 'gobgpd', pkg: 'gobgpd' },
  { bin: 'bird', pkg: 'bird2' },
  // The server, which Debian keeps off PATH; scripts/postgres/start.sh runs a throwaway cluster with it.
  { bin: '/usr/lib/postgresql/*/bin/postgres', pkg: 'postgresql' },
  // services/api/test/vnc-api.spec.ts: scripts/python/venv.sh makes a venv for TF's vnc_api client (Debian's
  // python3 has no venv/ensurepip without this package; venv.sh names it when a python3 lacks them).
  { bin: 'python3', pkg: 'python3-venv' },
];

function present(bin) {
  const probe = bin.includes('/')
    ? `for f in ${bin}; do [ -x "$f" ] && exit 0; done; exit 1`
    : `command -v "${bin}"`;
  return spawnSync('sh', ['-c', probe], { stdio: 'ignore' }).status === 0;
}

function ensureDebianPackages() {
  const missing = DEBIAN_PACKAGES.filter((p) => !present(p.bin)).map((p) => p.pkg);
  if (missing.length === 0) return;
  const asRoot = process.getuid && process.getuid() === 0;
  const apt = asRoot ? ['apt-get'] : ['sudo', '-n', 'apt-get'];
  console.error(`test: installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync(apt[0], [...apt.slice(1), 'update', '-qq'], { stdio: 'inherit', env });
  execFileSync(apt[0], [...apt.slice(1), 'install', '-y', '-qq', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env,
  });
}

// ---- Kafka broker jars from Maven Central (scripts/kafka/pom.xml), only when missing or incomplete ------
function ensureKafkaJars() {
  execFileSync(path.join(repo, 'scripts/kafka/fetch-jars.sh'), { stdio: 'inherit' });
}

// ---- The workspace build (tsc -b): some tests run the built binaries (bin/skein.js needs dist/) ---------
// Incremental, so a few seconds when little changed. SKEIN_TEST_NO_BUILD=1 skips it for quick local runs.
function build() {
  if (process.env.SKEIN_TEST_NO_BUILD === '1') return;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['run', '-s', 'build'], { cwd: repo, stdio: 'inherit' });
}

function main() {
  ensureDebianPackages();
  ensureKafkaJars();
  build();

  const args = process.argv.slice(2);
  // Two workers. Measured on a 2-core machine (libs/bus + libs/events, 52 tests, broker start included):
  // 23.6 s with -w 2 against 31.3 s with --runInBand; the integration tests spend most of their time
  // waiting on Postgres, Kafka and timers, so a second worker fills that time. The broker is shared by
  // both workers (one per run, started by globalSetup). `npm test -- --runInBand` overrides.
  const chooses = args.some((a) => /^(-i|--runInBand|-w|--maxWorkers)(=|$)/.test(a));
  const jest = require.resolve('jest/bin/jest', { paths: [repo] });
  const child = spawn(process.execPath, [jest, ...(chooses ? [] : ['--maxWorkers=2']), ...args], {
    cwd: repo,
    stdio: 'inherit',
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) =>
    process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 1) : 1)),
  );
}

try {
  main();
} catch (err) {
  // A failed install or build step already printed its own output.
  console.error(`test: ${err.message.split('\n')[0]}`);
  process.exit(typeof err.status === 'number' && err.status > 0 ? err.status : 1);
}
