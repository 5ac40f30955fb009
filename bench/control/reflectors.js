// The three route reflectors under test, each started the same way: one process on `address`:<free port>,
// AS 64512, every neighbour (feeder and receivers) an iBGP route-reflector client in cluster 0.0.0.1, passive
// (the lightweight peers dial in from their own 127.0.1.x addresses), hold time 90 s, inet-vpn only (no
// route-target family, so every VPN route goes to every client). Each returns { name, pid, port, stop }.
'use strict';
const { execFile, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { MASTER, freePort, sleep, startConfigApi, startSkeinNode, stopChild } = require('./lib');

const AS = 64512;
const ROUTER_ID = '198.51.100.254';
const CLUSTER = 1;

function run(file, args, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs }, (err, stdout, stderr) =>
      err ? reject(new Error(stderr || err.message)) : resolve(stdout),
    );
  });
}

async function until(probe, what, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${what} not ready in ${timeoutMs} ms`);
    await sleep(100);
  }
}

/**
 * Spawns a daemon whose files are in `dir` and waits until `probe` says it is up. `log()` is the tail of its
 * output (shown only if it fails); `stop()` ends it and removes `dir`.
 */
async function startDaemon(cmd, args, dir, probe, what) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d) => (output = (output + d).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const log = () => output;
  const stop = async () => {
    await stopChild(child);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until(probe, what);
  } catch (e) {
    await stop();
    throw new Error(`${e.message}\n${log()}`);
  }
  return { pid: child.pid, log, stop };
}

// ===== Skein ============================================================================================

/** Config through the real config API (as services/control/test/harness.ts does), node in its own process. */
async function startSkein({ address, peers, execArgv = [] }) {
  const api = await startConfigApi();
  try {
    const own = await api.create('bgp-router', {
      fq_name: [...MASTER, 'cn1'],
      parent_type: 'routing-instance',
      bgp_router_parameters: {
        router_type: 'control-node',
        autonomous_system: AS,
        identifier: ROUTER_ID,
        address,
        cluster_id: CLUSTER,
        hold_time: 90,
        address_families: { family: ['inet-vpn'] },
      },
    });
    for (const p of peers) {
      await api.create('bgp-router', {
        fq_name: [...MASTER, p.name],
        parent_type: 'routing-instance',
        bgp_router_parameters: {
          router_type: 'router',
          autonomous_system: AS,
          identifier: p.address,
          address: p.address,
          address_families: { family: ['inet-vpn'] },
        },
        bgp_router_refs: [{ uuid: own, attr: { session: [{ attributes: [{ passive: true }] }] } }],
      });
    }
    const port = await freePort(address);
    const node = await startSkeinNode(api, {
      name: 'cn1',
      host: address,
      bgpPort: port,
      execArgv: ['--expose-gc', ...execArgv],
    });
    return {
      name: 'skein',
      pid: node.pid,
      port,
      async memory() {
        node.child.send({ cmd: 'memory' });
        return node.child.next((m) => m.type === 'memory', 'memory report', 30_000);
      },
      async stop() {
        await node.stop();
        await api.stop();
      },
    };
  } catch (e) {
    await api.stop();
    throw e;
  }
}

// ===== gobgpd ===========================================================================================

async function startGobgp({ address, peers }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skein-bench-gobgp-'));
  const port = await freePort(address);
  const apiPort = await freePort(address);
  const lines = [
    '[global.config]',
    `  as = ${AS}`,
    `  router-id = "${ROUTER_ID}"`,
    `  port = ${port}`,
    `  local-address-list = ["${address}"]`,
    '[global.apply-policy.config]',
    '  default-import-policy = "accept-route"',
    '  default-export-policy = "accept-route"',
  ];
  for (const p of peers) {
    lines.push(
      '[[neighbors]]',
      '  [neighbors.config]',
      `    neighbor-address = "${p.address}"`,
      `    peer-as = ${AS}`,
      '  [neighbors.transport.config]',
      `    local-address = "${address}"`,
      '    passive-mode = true',
      '  [neighbors.timers.config]',
      '    hold-time = 90',
      '    keepalive-interval = 30',
      '  [neighbors.route-reflector.config]',
      '    route-reflector-client = true',
      `    route-reflector-cluster-id = "0.0.0.${CLUSTER}"`,
      '  [[neighbors.afi-safis]]',
      '    [neighbors.afi-safis.config]',
      '      afi-safi-name = "l3vpn-ipv4-unicast"',
    );
  }
  const conf = path.join(dir, 'gobgpd.toml');
  fs.writeFileSync(conf, lines.join('\n') + '\n');
  const d = await startDaemon(
    'gobgpd',
    ['-f', conf, '--api-hosts', `${address}:${apiPort}`, '-l', 'warn', '--pprof-disable'],
    dir,
    async () => (await run('gobgp', ['-u', address, '-p', String(apiPort), 'global'])).includes('AS'),
    'gobgpd',
  );
  return { name: 'gobgpd', port, ...d };
}

// ===== BIRD =============================================================================================

async function startBird({ address, peers }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skein-bench-bird-'));
  const port = await freePort(address);
  const sock = path.join(dir, 'bird.ctl');
  const conf = [
    `router id ${ROUTER_ID};`,
    'log stderr { warning, error, fatal, bug };',
    'protocol device { }',
    'vpn4 table vpntab4;',
    'template bgp rrc {',
    `  local ${address} port ${port} as ${AS};`,
    '  passive on;',
    '  rr client;',
    `  rr cluster id 0.0.0.${CLUSTER};`,
    '  hold time 90; keepalive time 30;',
    '  vpn4 mpls { table vpntab4; import all; export all; };',
    '}',
    ...peers.map(
      (p) =>
        `protocol bgp ${p.name.replace(/[^a-z0-9]/gi, '_')} from rrc { neighbor ${p.address} as ${AS}; }`,
    ),
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'bird.conf'), conf + '\n');
  const d = await startDaemon(
    'bird',
    ['-f', '-c', path.join(dir, 'bird.conf'), '-s', sock, '-P', path.join(dir, 'bird.pid')],
    dir,
    async () => (await run('birdc', ['-s', sock, 'show', 'status'])).includes('Daemon is up'),
    'bird',
  );
  return { name: 'bird', port, ...d, birdc: (...a) => run('birdc', ['-s', sock, ...a]) };
}

const REFLECTORS = { skein: startSkein, gobgpd: startGobgp, bird: startBird };

module.exports = { REFLECTORS, AS };
