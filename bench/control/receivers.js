// The receivers: one process holding K iBGP sessions to the reflector (one per source address). They only
// count: UPDATEs are walked in place (no decodeMessage, no objects per route) and each VPNv4 NLRI sets one
// bit, indexed by its prefix (the feeder's route i is 10.0.0.0 + i/32), so a route sent twice counts once.
// OPEN/KEEPALIVE/NOTIFICATION go through @skein/bgp's codec; there is no FSM beyond "OPEN, then KEEPALIVE".
//
// IPC out: { type: 'established', name } per session, { type: 'complete', name, t } when a session has all
// N routes, { type: 'progress', counts } on request ({ cmd: 'progress' }), and { type: 'down', … } on loss.
'use strict';
const net = require('node:net');
const { MessageFramer, decodeMessage, encodeKeepalive, encodeMessage, localOpen } = require('@skein/bgp');
const { testNetAddress } = require('@skein/agent-sim');
const { now, opt } = require('./lib');

const N = Number(opt('routes', 100_000));
const [host, port] = [opt('host'), Number(opt('port'))];
const locals = opt('locals').split(',');
const AS = Number(opt('as', 64512));
const HOLD = 90;
const BASE = 0x0a000000;
// What the feeder sent for route i (see feeder.js): next hop of its block of 1,000 and label 16 + i % 1000.
const NEXT_HOPS = Array.from({ length: Math.ceil(N / 1000) }, (_, b) =>
  testNetAddress(b)
    .split('.')
    .reduce((a, x) => a * 256 + Number(x), 0),
);

class Receiver {
  constructor(local) {
    this.name = local;
    this.bits = new Uint8Array((N + 7) >> 3);
    this.count = 0;
    this.outOfRange = 0;
    /** Routes whose label or next hop is not what the feeder sent (a reflector must pass both unchanged). */
    this.altered = 0;
    this.withdrawn = 0;
    this.updates = 0;
    this.established = false;
    this.done = false;
    this.framer = new MessageFramer();
    this.socket = net.connect({ host, port, localAddress: local });
    this.socket.setNoDelay(true);
    this.socket.on('connect', () => {
      const open = localOpen({
        localAs: AS,
        routerId: local,
        peerAs: AS,
        holdTime: HOLD,
        families: ['inet-vpn'],
      });
      this.socket.write(encodeMessage(open));
    });
    this.socket.on('data', (chunk) => {
      for (const frame of this.framer.push(chunk)) this.frame(frame);
    });
    this.socket.on('error', (e) => process.send({ type: 'down', name: this.name, error: e.message }));
    this.socket.on('close', () => {
      clearInterval(this.keepalive);
      if (!this.closing) process.send({ type: 'down', name: this.name, count: this.count });
    });
  }

  frame(f) {
    const type = f[18];
    if (type === 2) return this.update(f);
    const m = decodeMessage(f).message;
    if (m.type === 'open') {
      this.hold = Math.min(HOLD, m.holdTime);
      this.socket.write(encodeKeepalive());
    } else if (m.type === 'keepalive' && !this.established) {
      this.established = true;
      if (this.hold > 0)
        this.keepalive = setInterval(() => this.socket.write(encodeKeepalive()), (this.hold / 3) * 1000);
      process.send({ type: 'established', name: this.name });
    } else if (m.type === 'notification') {
      process.send({ type: 'down', name: this.name, notification: `${m.code}/${m.subcode}` });
    }
  }

  /** RFC 4271 §4.3 / RFC 4760: walks withdrawn routes, attributes, MP_REACH (14) and MP_UNREACH (15). */
  update(b) {
    this.updates++;
    let o = 19;
    const wlen = b.readUInt16BE(o);
    o += 2 + wlen;
    const alen = b.readUInt16BE(o);
    o += 2;
    const aend = o + alen;
    while (o < aend) {
      const flags = b[o];
      const type = b[o + 1];
      const ext = flags & 0x10;
      const len = ext ? b.readUInt16BE(o + 2) : b[o + 2];
      const v = o + (ext ? 4 : 3);
      o = v + len;
      if (type === 14) {
        const afi = b.readUInt16BE(v);
        const safi = b[v + 2];
        if (afi !== 1 || safi !== 128) continue;
        const nhLen = b[v + 3];
        // VPN-IPv4 next hop: an 8-octet zero RD, then the address.
        const nh = nhLen === 12 ? b.readUInt32BE(v + 12) : -1;
        this.nlri(b, v + 4 + nhLen + 1, o, nh);
      } else if (type === 15) {
        // Withdrawals (and an empty one: End-of-RIB) are not expected to carry routes in this run.
        let p = v + 3;
        while (p < o) {
          this.withdrawn++;
          p += 1 + ((b[p] + 7) >> 3);
        }
      }
    }
  }

  nlri(b, p, end, nh) {
    while (p < end) {
      const bits = b[p];
      // 24 label bits + 64 RD bits + 32 prefix bits: the only shape the feeder sends.
      if (bits === 120) {
        const i = b.readUInt32BE(p + 12) - BASE;
        if (i >= 0 && i < N) {
          const label = (b[p + 1] << 12) | (b[p + 2] << 4) | (b[p + 3] >> 4);
          if (label !== 16 + (i % 1000) || nh !== NEXT_HOPS[(i / 1000) | 0]) this.altered++;
          const m = 1 << (i & 7);
          if ((this.bits[i >> 3] & m) === 0) {
            this.bits[i >> 3] |= m;
            if (++this.count === N && !this.done) {
              this.done = true;
              process.send({
                type: 'complete',
                name: this.name,
                t: now(),
                altered: this.altered,
                withdrawn: this.withdrawn,
              });
            }
          }
        } else this.outOfRange++;
      } else this.outOfRange++;
      p += 1 + ((bits + 7) >> 3);
    }
  }

  close() {
    this.closing = true;
    clearInterval(this.keepalive);
    this.socket.destroy();
  }
}

const receivers = locals.map((l) => new Receiver(l));

process.on('message', (m) => {
  if (m.cmd === 'progress') {
    process.send({
      type: 'progress',
      counts: receivers.map((r) => r.count),
      updates: receivers.map((r) => r.updates),
      withdrawn: receivers.reduce((n, r) => n + r.withdrawn, 0),
      outOfRange: receivers.reduce((n, r) => n + r.outOfRange, 0),
      altered: receivers.reduce((n, r) => n + r.altered, 0),
    });
  }
});
const quit = () => {
  for (const r of receivers) r.close();
  process.exit(0);
};
process.on('disconnect', quit);
process.on('SIGTERM', quit);
