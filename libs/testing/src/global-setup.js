// Jest globalSetup for the whole workspace: Postgres up, and ONE Kafka broker for the run.
//
// Plain CommonJS because Jest loads it without its transform. Postgres handling is not duplicated:
// postgres.ts is compiled on the fly with @swc/core (what @swc/jest uses anyway) and its ensurePostgres()
// called, so the TypeScript file stays the single source of truth.
//
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

function startKafka() {
  return new Promise((resolve, reject) => {
    execFile(
      path.join(repo, 'scripts/kafka/start.sh'),
      [],
      { env: { ...process.env, SKEIN_KAFKA_OWNER_PID: String(process.pid) }, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`scripts/kafka/start.sh failed (exit ${err.code}):\n${stderr}`));
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
  // Both in parallel: the JVM takes a couple of seconds, Postgres usually answers at once.
  const [, broker] = await Promise.all([ensurePostgres(), wantKafka ? startKafka() : undefined]);
  if (broker) {
    process.env.SKEIN_TEST_KAFKA_BROKERS = broker;
    globalThis.__SKEIN_KAFKA_STARTED__ = broker;
  }
};
