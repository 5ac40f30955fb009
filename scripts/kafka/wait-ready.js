// Polls a freshly started broker until it serves metadata with itself in the cluster (the socket server
// only accepts client requests once the broker has registered with the controller and been unfenced).
// Exits non-zero when the JVM dies or the deadline passes; start.sh then prints the broker log.
const { Kafka, logLevel } = require('kafkajs');

const [broker, pid, timeoutS] = process.argv.slice(2);
const deadline = Date.now() + Number(timeoutS || 90) * 1000;

function alive() {
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch {
    return false;
  }
}

async function probe() {
  const kafka = new Kafka({
    brokers: [broker],
    clientId: 'skein-wait-ready',
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 2000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    return brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

(async () => {
  while (Date.now() < deadline) {
    if (!alive()) {
      console.error(`wait-ready: broker process ${pid} exited`);
      process.exit(2);
    }
    if (await probe()) process.exit(0);
    await new Promise((r) => setTimeout(r, 150));
  }
  console.error(`wait-ready: ${broker} not ready in time`);
  process.exit(1);
})();
