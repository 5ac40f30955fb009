// The feeder: one iBGP speaker that announces N VPNv4 routes to the reflector. Every UPDATE is encoded
// before the clock starts, so what is timed is the reflector taking them in, not our encoding.
//
// Route i: prefix 10.0.0.0 + i (/32), label 16 + i % 1000, in blocks of 1,000 that share a next hop
// (testNetAddress(block)) and a type-1 RD `<next hop>:1`, as one vRouter's routes would; every route carries
// target:64512:1 and encapsulation:mpls. A block is one packUpdates batch (about 255 NLRI per UPDATE).
//
// IPC in: { cmd: 'go' }. Out: established, { type: 'started', first } (wall-clock ms of the first write), and
// { type: 'sent', first, last } once the socket drained after the last one.
'use strict';
const net = require('node:net');
const { BgpSession, packUpdates, parseExtCommunity, systemClock } = require('@skein/bgp');
const { testNetAddress } = require('@skein/agent-sim');
const { now, opt } = require('./lib');

const N = Number(opt('routes', 100_000));
const BLOCK = 1000;
const [host, port] = [opt('host'), Number(opt('port'))];
const local = opt('local');
const AS = Number(opt('as', 64512));

function ipv4(n) {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function encodeAll() {
  const attributes = {
    origin: 0,
    asPath: [],
    localPref: 100,
    extCommunities: [parseExtCommunity('target:64512:1'), parseExtCommunity('encapsulation:mpls')],
  };
  const out = [];
  const base = 0x0a000000;
  for (let b = 0; b * BLOCK < N; b++) {
    const nextHop = testNetAddress(b);
    const rd = `${nextHop}:1`;
    const announce = [];
    for (let i = b * BLOCK; i < Math.min(N, (b + 1) * BLOCK); i++)
      announce.push({ rd, prefix: `${ipv4(base + i)}/32`, label: 16 + (i % 1000) });
    out.push(...packUpdates({ family: 'inet-vpn', attributes, nextHop, announce }, { as4: true }));
  }
  return out;
}

const updates = encodeAll();
let socket;

const io = {
  connect() {
    socket = net.connect({ host, port, localAddress: local });
    socket.setNoDelay(true);
    socket.on('connect', () => session.connected());
    socket.on('data', (c) => session.receive(c));
    socket.on('error', () => undefined);
    socket.on('close', () => session.closed());
  },
  send(bytes) {
    if (socket && !socket.destroyed) socket.write(bytes);
  },
  close() {
    socket?.destroy();
  },
};

const session = new BgpSession(
  { localAs: AS, routerId: local, peerAs: AS, holdTime: 90, families: ['inet-vpn'], connectRetryTime: 1 },
  io,
  systemClock,
  {
    established: () =>
      process.send({
        type: 'established',
        updates: updates.length,
        bytes: updates.reduce((n, b) => n + b.length, 0),
      }),
    down: (reason) => process.send({ type: 'down', reason }),
  },
);

async function go() {
  const first = now();
  process.send({ type: 'started', first });
  // Written with backpressure (not session.sendUpdates, which writes all at once), so the feeder does not
  // buffer the whole table in user space; keepalives from the session interleave between whole messages.
  for (const u of updates) {
    if (!socket.write(u)) await new Promise((r) => socket.once('drain', r));
  }
  await new Promise((r) => (socket.writableLength === 0 ? r() : socket.once('drain', r)));
  process.send({ type: 'sent', first, last: now() });
}

process.on('message', (m) => {
  if (m.cmd === 'go') go().catch((e) => process.send({ type: 'error', error: String(e) }));
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
session.start();
