// Stops the broker and the Postgres cluster globalSetup started (only those). Their data is thrown away,
// so no clean shutdown.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const scripts = path.resolve(__dirname, '../../../scripts');

module.exports = async () => {
  const broker = globalThis.__SKEIN_KAFKA_STARTED__;
  if (broker) {
    globalThis.__SKEIN_KAFKA_STARTED__ = undefined;
    delete process.env.SKEIN_TEST_KAFKA_BROKERS;
    execFileSync(path.join(scripts, 'kafka/stop.sh'), [broker], {
      env: { ...process.env, SKEIN_KAFKA_STOP_GRACE: '0' },
      stdio: 'inherit',
    });
  }
  const pg = globalThis.__SKEIN_PG_STARTED__;
  if (pg) {
    globalThis.__SKEIN_PG_STARTED__ = undefined;
    delete process.env.SKEIN_TEST_PG_URL;
    execFileSync(path.join(scripts, 'postgres/stop.sh'), [pg], { stdio: 'inherit' });
  }
};
