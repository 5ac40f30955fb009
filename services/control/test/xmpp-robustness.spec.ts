import net from 'node:net';
import { encodeAgentStreamHeader, encodeCollection, encodePublish, encodeSubscribe } from '@skein/xmpp';
import { Lab, soon, type Vn } from './harness';

/** A hand-driven agent: raw bytes out, everything received kept, close observed. */
class RawAgent {
  readonly socket: net.Socket;
  received = '';
  closed = false;
  closedAt = 0;

  constructor(port: number) {
    this.socket = net.connect({ host: '127.0.0.1', port });
    this.socket.on('data', (d) => (this.received += d.toString()));
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => {
      this.closed = true;
      this.closedAt = Date.now();
    });
  }

  send(text: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(text);
  }

  open(name: string, to?: string): void {
    const h = encodeAgentStreamHeader(name);
    this.send(
      to === undefined
        ? h
        : h
            .replace("to='network-control@contrailsystems.com'", `to='${to}'`)
            .replace('to="network-control@contrailsystems.com"', `to="${to}"`),
    );
  }

  async streamError(): Promise<string> {
    return soon(() => /<stream:error><([a-z-]+)/.exec(this.received)?.[1], 'a stream error');
  }

  async waitClosed(): Promise<void> {
    await soon(() => this.closed, 'TCP closed');
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function item(ri: string, body: string, node = `1/1/${ri}/10.1.1.99/32`): string {
  return (
    `<iq type='set' from='x' to='network-control@contrailsystems.com/bgp-peer' id='p1'><pubsub xmlns='http://jabber.org/protocol/pubsub'>` +
    `<publish node='${node}'><item><entry>${body}</entry></item></publish></pubsub></iq>` +
    `<iq type='set' from='x' to='network-control@contrailsystems.com/bgp-peer' id='c1'><pubsub xmlns='http://jabber.org/protocol/pubsub'>` +
    `<collection node='${ri}'><associate node='${node}'/></collection></pubsub></iq>`
  );
}

const nh = (addr: string, label: number) =>
  `<next-hop><af>1</af><address>${addr}</address><label>${label}</label><tunnel-encapsulation-list><tunnel-encapsulation>gre</tunnel-encapsulation></tunnel-encapsulation-list></next-hop>`;
const entry = (prefix: string, hops: string, af = 1) =>
  `<nlri><af>${af}</af><safi>1</safi><address>${prefix}</address></nlri><next-hops>${hops}</next-hops><version>1</version>`;

describe('XMPP robustness, hold timer and conflict (Part F 25, 27, 44-46)', () => {
  let lab: Lab;
  let blue: Vn;
  let red: Vn;

  beforeAll(async () => {
    lab = await Lab.start({ global: { fast_convergence_parameters: { xmpp_hold_time: 3 } } });
    blue = await lab.createVn('blue');
    red = await lab.createVn('red');
    for (const n of ['raw1', 'raw2', 'raw3', 'raw4', 'raw5', 'raw6'])
      await lab.createVirtualRouter(n, '192.0.2.200');
    await lab.sync();
  });
  afterAll(async () => lab?.close());

  /** A real agent pair whose route must survive whatever the raw agents do. */
  async function witnesses(tag: string) {
    const a = await lab.agent(`wa-${tag}`, '192.0.2.101');
    const b = await lab.agent(`wb-${tag}`, '192.0.2.102');
    a.addInterface({
      uuid: `vmi-${tag}`,
      ri: blue.ri,
      address: '10.1.1.101',
      label: 101,
      vn: blue.fq.join(':'),
    });
    b.subscribe(blue.ri, 1);
    a.start();
    b.start();
    await b.waitForRoute(blue.ri, '10.1.1.101/32');
    return { a, b };
  }

  it('44: garbage XML → not-well-formed and TCP closed; other agents keep their routes', async () => {
    const { a, b } = await witnesses('44');
    const raw = new RawAgent(lab.cn.ports.xmpp);
    raw.open('raw1');
    raw.send('<iq><unclosed attr=></iq>');
    expect(await raw.streamError()).toBe('not-well-formed');
    await raw.waitClosed();
    const garbage = new RawAgent(lab.cn.ports.xmpp);
    garbage.send(Buffer.from([0xff, 0xfe, 0x00, 0x3c, 0x3c]));
    await garbage.waitClosed();
    expect(b.route(blue.ri, '10.1.1.101/32')).toBeDefined();
    expect(a.state).toBe('established');
    expect((await lab.introspect('/health')).status).toBe('ok');
  });

  it('45: bad items are dropped and counted, the session stays; a publish into an unsubscribed RI closes it', async () => {
    const raw = new RawAgent(lab.cn.ports.xmpp);
    raw.open('raw2');
    raw.send(encodeSubscribe({ from: 'raw2', node: blue.ri, instanceId: 1 }));
    await soon(
      async () => (await lab.introspect('/neighbors/raw2')).subscribed_ris.includes(blue.ri) || undefined,
      'subscribed',
    );
    raw.send(item(blue.ri, entry('10.1.1.99/32', nh('192.0.2.200', 5), 2), `1/1/${blue.ri}/10.1.1.99/32`)); // af 2 under a 1/1 node
    raw.send(item(blue.ri, entry('10.1.1.300/32', nh('192.0.2.200', 5)), `1/1/${blue.ri}/10.1.1.300/32`));
    raw.send(item(blue.ri, entry('10.1.1.99/32', nh('192.0.2.200', 5) + nh('192.0.2.201', 6))));
    raw.send(item(blue.ri, entry('10.1.1.99/32', nh('192.0.2.200', 0))));
    const n = await soon(async () => {
      const v = await lab.introspect('/neighbors/raw2');
      return v.counters.bad_items >= 4 ? v : undefined;
    }, 'bad_items counted');
    expect(n.counters.bad_items).toBe(4);
    expect(n.state).toBe('Established');
    expect(raw.closed).toBe(false);
    const routes = await lab.introspect(`/routes?table=${encodeURIComponent(`${blue.ri}.inet.0`)}&peer=raw2`);
    expect(routes.routes).toEqual([]);

    raw.send(item(red.ri, entry('10.2.2.99/32', nh('192.0.2.200', 5)), `1/1/${red.ri}/10.2.2.99/32`));
    expect(await raw.streamError()).toBe('policy-violation');
    await raw.waitClosed();
  });

  it('46: a 5 MiB stanza → policy-violation; a header to someone else → host-unknown', async () => {
    const big = new RawAgent(lab.cn.ports.xmpp);
    big.open('raw3');
    const chunk = 'x'.repeat(64 * 1024);
    big.send(`<message to='network-control@contrailsystems.com'><body>`);
    for (let i = 0; i < 80 && !big.closed; i++) big.send(chunk);
    expect(await big.streamError()).toBe('policy-violation');
    await big.waitClosed();

    const other = new RawAgent(lab.cn.ports.xmpp);
    other.open('raw4', 'someone-else');
    expect(await other.streamError()).toBe('host-unknown');
    await other.waitClosed();

    const unknown = new RawAgent(lab.cn.ports.xmpp);
    unknown.open('no-such-vrouter');
    expect(await unknown.streamError()).toBe('not-authorized');
  });

  it('25: a silent agent (hold 3 s) is dropped in 3-4 s with connection-timeout, its paths withdrawn', async () => {
    const { b } = await witnesses('25');
    const raw = new RawAgent(lab.cn.ports.xmpp);
    raw.open('raw5');
    raw.send(encodeSubscribe({ from: 'raw5', node: blue.ri, instanceId: 7 }));
    raw.send(
      encodePublish({
        from: 'raw5',
        node: `1/1/${blue.ri}/10.1.1.25/32`,
        entry: {
          nlri: { family: 'inet', prefix: '10.1.1.25/32' },
          nextHops: [{ address: '192.0.2.200', label: 25, tunnelEncapsulations: ['gre'], tags: [] }],
          securityGroups: [],
          communityTags: [],
        },
      }),
    );
    raw.send(
      encodeCollection({
        from: 'raw5',
        ri: blue.ri,
        op: 'associate',
        itemNode: `1/1/${blue.ri}/10.1.1.25/32`,
      } as never),
    );
    await b.waitForRoute(blue.ri, '10.1.1.25/32');
    const silentSince = Date.now();
    expect(await soon(() => raw.streamError(), 'timeout', 6000)).toBe('connection-timeout');
    await raw.waitClosed();
    const after = raw.closedAt - silentSince;
    expect(after).toBeGreaterThanOrEqual(2900);
    expect(after).toBeLessThan(4500);
    await b.waitForWithdraw(blue.ri, '10.1.1.25/32');
  });

  it('27: the same agent name twice → the first stream gets conflict; routes continue from the second', async () => {
    const b = await lab.agent('wb-27', '192.0.2.112');
    b.subscribe(blue.ri, 1);
    b.start();
    const first = await lab.agent('twin', '192.0.2.120');
    first.addInterface({
      uuid: 'vmi-twin',
      ri: blue.ri,
      address: '10.1.1.27',
      label: 27,
      vn: blue.fq.join(':'),
    });
    first.start();
    await b.waitForRoute(blue.ri, '10.1.1.27/32');
    const second = new (first.constructor as typeof import('@skein/agent-sim').Agent)({
      name: 'twin',
      address: '192.0.2.120',
      control: lab.xmppAddress,
      holdTimeMs: 3000,
    });
    lab.agents.push(second);
    second.addInterface({
      uuid: 'vmi-twin',
      ri: blue.ri,
      address: '10.1.1.27',
      label: 28,
      vn: blue.fq.join(':'),
    });
    second.start();
    await soon(() => first.state === 'stopped' || undefined, 'first stream closed');
    expect(first.lastDown).toMatchObject({ kind: 'stream-error-received', condition: 'conflict' });
    await b.waitForRoute(
      blue.ri,
      '10.1.1.27/32',
      (e) => e.nextHops.length === 1 && e.nextHops[0]!.label === 28,
    );
  });
});
