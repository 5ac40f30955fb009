// Jest globalSetup for the whole workspace: ONE throwaway Postgres cluster and ONE Kafka broker for the run.
//
// Plain CommonJS because Jest loads it without its transform. Postgres handling is not duplicated:
// postgres.ts is compiled on the fly with @swc/core (what @swc/jest uses anyway) and its ensurePostgres()
// called, so the TypeScript file stays the single source of truth.
//
// The cluster's URL reaches the tests through process.env.SKEIN_TEST_PG_URL, the same way; when it is already
// set, that server is used and nothing is started.
// The broker address reaches the tests through process.env.SKEIN_TEST_KAFKA_BROKERS: workers are forked
// after globalSetup and inherit it; with --runInBand the test environments copy process.env. When the
// variable is already set (an external broker), nothing is started and nothing is stopped.
// SKEIN_TEST_KAFKA=0 skips the broker (tests that need it then fail with a clear message, see kafka.ts).
const { execFile } = require('node:child_process');
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

const repo = path.resolve(__dirname, '../../..');

function requireTs(file) {
  const { transformSync } = require('@swc/core');
  const { code } = transformSync(readFileSync(file, 'utf8'), {
    filename: file,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  const m = new Module(file, module);
  m.filename = file;
  m.paths = Module._nodeModulePaths(path.dirname(file));
  m._compile(code, file);
  return m.exports;
}

/** Runs one of the start scripts, which print the address last on stdout; the watchdog follows this process. */
function start(script, ownerVar) {
  return new Promise((resolve, reject) => {
    execFile(
      path.join(repo, script),
      [],
      { env: { ...process.env, [ownerVar]: String(process.pid) }, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${script} failed (exit ${err.code}):\n${stderr}`));
        else {
          if (process.env.SKEIN_TEST_VERBOSE) process.stderr.write(stderr);
          resolve(stdout.trim().split('\n').pop());
        }
      },
    );
  });
}

module.exports = async () => {
  const { ensurePostgres } = requireTs(path.join(__dirname, 'postgres.ts'));
  const wantKafka = !process.env.SKEIN_TEST_KAFKA_BROKERS && process.env.SKEIN_TEST_KAFKA !== '0';
  const pg = process.env.SKEIN_TEST_PG_URL
    ? ensurePostgres(process.env.SKEIN_TEST_PG_URL).then(() => undefined)
    : start('scripts/postgres/start.sh', 'SKEIN_PG_OWNER_PID');
  // Both in parallel: the JVM takes a couple of seconds, initdb about one.
  const [pgUrl, broker] = await Promise.all([
    pg,
    wantKafka ? start('scripts/kafka/start.sh', 'SKEIN_KAFKA_OWNER_PID') : undefined,
  ]);
  if (pgUrl) {
    process.env.SKEIN_TEST_PG_URL = pgUrl;
    globalThis.__SKEIN_PG_STARTED__ = pgUrl;
  }
  if (broker) {
    process.env.SKEIN_TEST_KAFKA_BROKERS = broker;
    globalThis.__SKEIN_KAFKA_STARTED__ = broker;
  }
};
