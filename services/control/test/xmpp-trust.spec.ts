import net from 'node:net';
import type { Agent } from '@skein/agent-sim';
import { encodeAgentStreamHeader } from '@skein/xmpp';
import { Lab, soon, type Vn } from './harness';

// Issue 7 item 6 (XMPP trusts any client) and item 1's last-resort guard for XMPP sessions. Every agent
// here has a 127.x address of its own (Linux routes all of 127/8 to loopback) and the node checks it even
// on loopback (`verifyAddress: 'always'`).

/** A hand-driven client from a chosen source address. */
class Raw {
  readonly socket: net.Socket;
  received = '';
  closed = false;

  constructor(port: number, from: string) {
    this.socket = net.connect({ host: '127.0.0.1', port, localAddress: from });
    this.socket.on('data', (d) => (this.received += d.toString()));
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => (this.closed = true));
  }

  send(text: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(text);
  }

  async streamError(): Promise<string> {
    return soon(() => /<stream:error><([a-z-]+)/.exec(this.received)?.[1], 'a stream error');
  }

  async waitClosed(): Promise<void> {
    await soon(() => this.closed || undefined, 'closed by the node');
  }

  destroy(): void {
    this.socket.destroy();
  }
}

const tick = () => new Promise((r) => setImmediate(r));

describe('XMPP: who may speak for an agent (issue 7 items 6 and 1)', () => {
  let lab: Lab;
  let blue: Vn;
  const raws: Raw[] = [];
  const raw = (from: string) => {
    const r = new Raw(lab.cn.ports.xmpp, from);
    raws.push(r);
    return r;
  };
  const agent = async (name: string, address: string): Promise<Agent> => {
    const a = await lab.agent(name, address, { localAddress: address });
    a.subscribe(blue.ri, 1);
    a.start();
    await soon(() => lab.cn.node.xmpp.all().next() && session(name)?.established, `${name} up`);
    return a;
  };
  const session = (name: string) => [...lab.cn.node.xmpp.all()].find((s) => s.name === name);

  beforeAll(async () => {
    lab = await Lab.start({
      node: { xmpp: { host: '127.0.0.1', port: 0, verifyAddress: 'always', headerTimeout: 1 } },
    });
    blue = await lab.createVn('blue');
    await lab.createVirtualRouter('lonely', '127.0.0.30');
    await lab.sync();
  });
  afterAll(async () => {
    for (const r of raws) r.destroy();
    await lab?.close();
  });

  it('endless unfinished headers: every socket is closed by the node and what it buffers stays bounded', async () => {
    const n = 40;
    const clients = Array.from({ length: n }, (_, i) => raw(`127.0.1.${i + 1}`));
    for (const c of clients) c.send("<?xml version='1.0'?><stream:stream from='");
    const chunk = 'a'.repeat(1024);
    let maxBuffered = 0;
    // Each keeps writing (up to 256 KiB, far past the 16 KiB header bound) until the node hangs up.
    for (let sent = 0; sent < 256 * 1024 && clients.some((c) => !c.closed); sent += chunk.length) {
      for (const c of clients) if (!c.closed) c.send(chunk);
      await tick();
      maxBuffered = Math.max(maxBuffered, lab.cn.node.xmpp.buffered);
    }
    for (const c of clients) await c.waitClosed();
    for (const c of clients) expect(await c.streamError()).toBe('policy-violation');
    expect(maxBuffered).toBeLessThanOrEqual(n * (16 * 1024 + 64 * 1024));
    await soon(() => lab.cn.node.xmpp.openCount === 0 || undefined, 'no session left open');
    expect(lab.cn.node.xmpp.buffered).toBe(0);
  });

  it('a header that never completes is cut off after the header timeout, keepalives or not', async () => {
    const c = raw('127.0.2.1');
    const started = Date.now();
    c.send("<?xml version='1.0'?><stream:stream from='x' ");
    const keepalive = setInterval(() => c.send(' '), 200);
    try {
      await c.waitClosed();
    } finally {
      clearInterval(keepalive);
    }
    expect(await c.streamError()).toBe('connection-timeout');
    // headerTimeout 1 s; the hold time (90 s by default) no longer applies before the header.
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('an agent name from an address other than its virtual-router: not-authorized, the real agent untouched', async () => {
    const real = await agent('trust-a', '127.0.0.11');
    const downs: unknown[] = [];
    real.on('state', (s: string) => s !== 'established' && downs.push(s));
    const impostor = raw('127.0.0.12');
    impostor.send(encodeAgentStreamHeader('trust-a'));
    expect(await impostor.streamError()).toBe('not-authorized');
    await impostor.waitClosed();
    // A name with no session yet is refused the same way, and nothing comes up for it.
    const other = raw('127.0.0.31');
    other.send(encodeAgentStreamHeader('lonely'));
    expect(await other.streamError()).toBe('not-authorized');
    expect(session('lonely')?.established).toBeFalsy();

    expect(session('trust-a')).toMatchObject({ established: true, remote: '127.0.0.11' });
    expect(real.state).toBe('established');
    expect(downs).toEqual([]);
  });

  it('a second stream from the same address replaces the first (a restarted agent); from elsewhere it is refused', async () => {
    const first = await agent('trust-b', '127.0.0.21');
    const before = session('trust-b')!;
    // Loopback is exempt from nothing here: a stream from 127.0.0.22 is neither the VR's address nor the
    // first session's, so it is refused with the first untouched.
    const stranger = raw('127.0.0.22');
    stranger.send(encodeAgentStreamHeader('trust-b'));
    expect(await stranger.streamError()).toMatch(/^(not-authorized|conflict)$/);
    expect(session('trust-b')).toBe(before);
    expect(first.state).toBe('established');

    const restarted = raw('127.0.0.21');
    restarted.send(encodeAgentStreamHeader('trust-b'));
    await soon(
      () => (session('trust-b') !== before && session('trust-b')?.established) || undefined,
      'replaced',
    );
    await soon(() => first.state === 'stopped' || undefined, 'first stream closed');
    expect(first.lastDown).toMatchObject({ kind: 'stream-error-received', condition: 'conflict' });
  });

  it('a throw while handling one session closes that session only; the node and other agents go on', async () => {
    const good = await agent('trust-good', '127.0.0.41');
    const rib = lab.cn.node.rib;
    const realDown = rib.agentDown.bind(rib);
    const realPublish = rib.agentPublish.bind(rib);
    const down = jest.spyOn(rib, 'agentDown').mockImplementation((name, ...rest) => {
      if (name === 'trust-bad') throw new Error('injected fault in agentDown');
      realDown(name, ...rest);
    });
    const publish = jest.spyOn(rib, 'agentPublish').mockImplementation((name, ...rest) => {
      if (name === 'trust-bad') throw new Error('injected fault in agentPublish');
      return realPublish(name, ...rest);
    });
    try {
      await lab.createVirtualRouter('trust-bad', '127.0.0.42');
      await lab.sync();
      // Input: a publish whose handling throws → internal-server-error for that stream.
      const bad = raw('127.0.0.42');
      bad.send(encodeAgentStreamHeader('trust-bad'));
      await soon(() => session('trust-bad')?.established, 'trust-bad up');
      bad.send(
        `<iq type='set' id='s'><pubsub xmlns='http://jabber.org/protocol/pubsub'><subscribe node='${blue.ri}'><options><instance-id>1</instance-id></options></subscribe></pubsub></iq>` +
          `<iq type='set' id='p'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='1/1/${blue.ri}/10.1.1.42/32'><item><entry>` +
          `<nlri><af>1</af><safi>1</safi><address>10.1.1.42/32</address></nlri><next-hops><next-hop><af>1</af><address>127.0.0.42</address><label>42</label></next-hop></next-hops>` +
          `</entry></item></publish></pubsub></iq>` +
          `<iq type='set' id='c'><pubsub xmlns='http://jabber.org/protocol/pubsub'><collection node='${blue.ri}'><associate node='1/1/${blue.ri}/10.1.1.42/32'/></collection></pubsub></iq>`,
      );
      expect(await bad.streamError()).toBe('internal-server-error');
      await bad.waitClosed();

      // Close: the Rib throws while the node tears the session down after TCP drops (this escaped the
      // socket's 'close' handler and killed the process).
      const again = raw('127.0.0.42');
      again.send(encodeAgentStreamHeader('trust-bad'));
      await soon(() => session('trust-bad')?.established, 'trust-bad up again');
      again.destroy();
      await soon(() => !session('trust-bad') || undefined, 'trust-bad gone');
    } finally {
      down.mockRestore();
      publish.mockRestore();
    }
    expect(good.state).toBe('established');
    expect(session('trust-good')?.established).toBe(true);
    expect((await lab.introspect('/health')).status).toBe('ok');
    // The faulted name is not wedged: it comes back and is served.
    const back = raw('127.0.0.42');
    back.send(encodeAgentStreamHeader('trust-bad'));
    await soon(() => session('trust-bad')?.established, 'trust-bad back');
  });
});
