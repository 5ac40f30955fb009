// A Skein control node as its own process, so a benchmark can read its RSS and CPU from /proc: it follows the
// config event log of a config API's database (as the control tests do, through PgTailEventLog) and listens
// for BGP and XMPP. Started by run.js / xmpp.js over IPC; reports `{ type: 'ready', ports }`.
//   node bench/control/skein-node.js --db <url> --name cn1 --bgp 127.0.0.1:0 --xmpp 127.0.0.1:0
'use strict';
const { startControlNode } = require('@skein/control');
const { PgTailEventLog } = require('@skein/bus');
const { opt } = require('./lib');

const endpoint = (s) => {
  const i = s.lastIndexOf(':');
  return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
};

async function main() {
  const events = new PgTailEventLog({
    connection: opt('db'),
    onError: (e) => console.error(`control node: event log: ${e.message}`),
  });
  const warn = (fields, msg) => console.error(`control node: ${msg} ${JSON.stringify(fields)}`);
  const cn = await startControlNode({
    events,
    name: opt('name', 'cn1'),
    // No default prefix limit: `run.js --routes` may feed more than its 1,000,000 per peer and family.
    bgp: { ...endpoint(opt('bgp', '127.0.0.1:0')), connectRetryTime: 1, defaultPrefixLimit: { maximum: 0 } },
    xmpp: endpoint(opt('xmpp', '127.0.0.1:0')),
    introspect: endpoint(opt('introspect', '127.0.0.1:0')),
    logger: { info: () => undefined, warn },
  });
  const stop = async () => {
    await cn.close().catch(() => undefined);
    await events.close().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.on('disconnect', stop);
  // Diagnostics for the analysis, asked for after a measurement: V8's view of memory, then again after a full
  // collection (needs --expose-gc), to tell live data from garbage the heap has not given back.
  process.on('message', (m) => {
    if (m.cmd !== 'memory') return;
    const before = process.memoryUsage();
    globalThis.gc?.();
    process.send({ type: 'memory', before, after: globalThis.gc ? process.memoryUsage() : undefined });
  });
  process.send({ type: 'ready', ports: cn.ports });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
