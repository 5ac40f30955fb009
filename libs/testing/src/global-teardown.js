// Stops the broker globalSetup started (only that one). Its data is thrown away, so no clean shutdown.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  const broker = globalThis.__SKEIN_KAFKA_STARTED__;
  if (!broker) return;
  globalThis.__SKEIN_KAFKA_STARTED__ = undefined;
  delete process.env.SKEIN_TEST_KAFKA_BROKERS;
  execFileSync(path.resolve(__dirname, '../../../scripts/kafka/stop.sh'), [broker], {
    env: { ...process.env, SKEIN_KAFKA_STOP_GRACE: '0' },
    stdio: 'inherit',
  });
};
