import { randomBytes } from 'node:crypto';
import { FakePeer, header, rawUpdate } from './fake-peer';
import { Lab, soon } from './harness';

// routing.md Part F 39-43: each malformed input gets its NOTIFICATION (or treat-as-withdraw), the process
// survives, and the other sessions (a second BGP peer, the agents) keep their routes.
describe('BGP robustness and session config (Part F 33, 37-43)', () => {
  let lab: Lab;
  let steady: FakePeer;
  const passive = { session: [{ attributes: [{ passive: true }] }] };
  const routers: Record<string, string> = {};
  const FAKE = { as: 64512, id: '127.0.0.4', families: ['inet', 'inet-vpn'] as ('inet' | 'inet-vpn')[] };

  async function fake(open = FakePeer.open(FAKE)): Promise<FakePeer> {
    const p = await FakePeer.connect('127.0.0.4', lab.cn.ports.bgp);
    await p.handshake(open);
    return p;
  }

  /** Waits for the previous fake session to be gone, so the next connection is not a collision. */
  async function idle(): Promise<void> {
    await soon(
      async () => (await lab.introspect('/neighbors/fake')).state !== 'Established' || undefined,
      'fake down',
    );
  }

  beforeAll(async () => {
    lab = await Lab.start({
      router: { autonomous_system: 64512, identifier: '198.51.100.254', address: '127.0.0.1', hold_time: 9 },
    });
    const own = lab.ownRouterUuid!;
    for (const [name, address, as] of [
      ['fake', '127.0.0.4', 64512],
      ['steady', '127.0.0.5', 64512],
      ['fake4', '127.0.0.6', 4200000001],
    ] as const) {
      const uuid = await lab.createRouter(name, {
        router_type: 'router',
        autonomous_system: as,
        identifier: address,
        address,
        port: 1, // never dialled: the sessions are passive
        address_families: { family: ['inet', 'inet-vpn'] },
      });
      await lab.refUpdate('ADD', 'bgp-router', own, 'bgp-router', uuid, passive);
      routers[name] = uuid;
    }
    await lab.sync();
    steady = await FakePeer.connect('127.0.0.5', lab.cn.ports.bgp);
    await steady.handshake(FakePeer.open({ ...FAKE, id: '127.0.0.5', holdTime: 0 }));
  });
  afterAll(async () => {
    steady?.destroy();
    await lab?.close();
  });

  afterEach(async () => {
    // The bystanders: the steady peer is still Established and agents still route.
    expect((await lab.introspect('/neighbors/steady')).state).toBe('Established');
    expect((await lab.introspect('/health')).status).toBe('ok');
  });

  it('39: corrupt marker → 1/1; length 18 or 5000 → 1/2; type 9 → 1/3', async () => {
    const cases: [Buffer, string][] = [
      [header(19, 4, Buffer.alloc(16, 0xfe)), '1/1'],
      [header(18, 2), '1/2'],
      [Buffer.concat([header(5000, 2), Buffer.alloc(4981)]), '1/2'],
      [header(19, 9), '1/3'],
    ];
    for (const [bytes, expected] of cases) {
      const p = await fake();
      p.send(bytes);
      expect(await p.notification()).toBe(expected);
      await p.waitClosed();
      await idle();
    }
  });

  it('40: OPEN version 3 → 2/1; hold time 2 → 2/6; wrong peer AS → 2/2', async () => {
    const cases: [Parameters<typeof FakePeer.open>[0], string][] = [
      [{ ...FAKE, version: 3 }, '2/1'],
      [{ ...FAKE, holdTime: 2 }, '2/6'],
      [{ ...FAKE, as: 65999 }, '2/2'],
    ];
    for (const [open, expected] of cases) {
      const p = await FakePeer.connect('127.0.0.4', lab.cn.ports.bgp);
      p.send(FakePeer.open(open));
      expect(await p.notification()).toBe(expected);
      await p.waitClosed();
    }
  });

  it('41: ORIGIN 5 → treat-as-withdraw, session up, attr_errors +1', async () => {
    const p = await fake();
    const before = (await lab.introspect('/neighbors/fake')).counters.attr_errors;
    const attrs = (origin: number) =>
      Buffer.from([
        0x40,
        1,
        1,
        origin, // ORIGIN
        0x40,
        2,
        0, // AS_PATH (empty, iBGP)
        0x40,
        3,
        4,
        192,
        0,
        2,
        9, // NEXT_HOP
        0x40,
        5,
        4,
        0,
        0,
        0,
        100, // LOCAL_PREF
      ]);
    const nlri = Buffer.from([16, 10, 77]);
    p.send(rawUpdate(attrs(0), nlri));
    await soon(
      async () =>
        (await lab.introspect('/routes?table=inet.0&prefix=10.77.0.0/16')).routes.length === 1 || undefined,
      'route in',
    );
    p.send(rawUpdate(attrs(5), nlri));
    await soon(
      async () =>
        (await lab.introspect('/routes?table=inet.0&prefix=10.77.0.0/16')).routes.length === 0 || undefined,
      'withdrawn',
    );
    const n = await lab.introspect('/neighbors/fake');
    expect(n.state).toBe('Established');
    expect(n.counters.attr_errors).toBe(before + 1);
    expect(p.messages.some((m) => m.type === 'notification')).toBe(false);
    p.destroy();
    await idle();
  });

  it('42: an attribute overrunning the message → 3/1; a VPNv4 prefix of 121 bits → 3/10', async () => {
    const overrun = await fake();
    overrun.send(rawUpdate(Buffer.from([0x40, 1, 10, 0])));
    expect(await overrun.notification()).toBe('3/1');
    await idle();
    const vpn = await fake();
    const mpReach = Buffer.concat([
      Buffer.from([0x80, 14, 34, 0, 1, 128, 12]),
      Buffer.alloc(8),
      Buffer.from([192, 0, 2, 9, 0, 121]),
      Buffer.alloc(16),
    ]);
    vpn.send(rawUpdate(Buffer.concat([Buffer.from([0x40, 1, 1, 2, 0x40, 2, 0]), mpReach])));
    expect(await vpn.notification()).toBe('3/10');
    await idle();
  });

  it('43: a peer that stops keepalives → 4/0; random bytes never crash the process', async () => {
    const p = await fake(FakePeer.open({ ...FAKE, holdTime: 3 }));
    const t0 = Date.now();
    expect(await p.notification(6000)).toBe('4/0');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2500);
    await idle();

    // 10,000 random strings: 100 connections of 100 each, before the handshake (framing and OPEN
    // decoding), then 20 established sessions fed random frames with a valid marker (UPDATE decoding).
    let sent = 0;
    for (let c = 0; c < 100; c++) {
      const r = await FakePeer.connect('127.0.0.4', lab.cn.ports.bgp);
      const strings: Buffer[] = [];
      for (let i = 0; i < 100; i++) strings.push(randomBytes(1 + Math.floor(Math.random() * 200)));
      r.send(Buffer.concat(strings));
      sent += strings.length;
      r.destroy();
    }
    for (let c = 0; c < 20; c++) {
      const r = await fake();
      const frames: Buffer[] = [];
      for (let i = 0; i < 50; i++) {
        const body = randomBytes(Math.floor(Math.random() * 120));
        frames.push(Buffer.concat([header(19 + body.length, 2), body]));
      }
      r.send(Buffer.concat(frames));
      await soon(
        async () =>
          r.closed || (await lab.introspect('/neighbors/fake')).state === 'Established' || undefined,
        'fed',
      );
      r.destroy();
      await idle();
    }
    expect(sent).toBe(10_000);
    const n = await lab.introspect('/neighbors/fake');
    expect(n.flaps).toBeGreaterThan(0);
  });

  it('33: a 4-byte-AS peer (My AS 23456 + capability 65) comes up and its AS shows in paths', async () => {
    const p = await FakePeer.connect('127.0.0.6', lab.cn.ports.bgp);
    await p.handshake(FakePeer.open({ ...FAKE, as: 4200000001, id: '127.0.0.6' }));
    const attrs = Buffer.from([
      0x40,
      1,
      1,
      0,
      0x40,
      2,
      6,
      2,
      1,
      0xfa,
      0x56,
      0xea,
      0x01, // AS_SEQUENCE [4200000001], 4-octet
      0x40,
      3,
      4,
      192,
      0,
      2,
      6,
    ]);
    p.send(rawUpdate(attrs, Buffer.from([16, 10, 66])));
    const r = await soon(
      async () => (await lab.introspect('/routes?table=inet.0&prefix=10.66.0.0/16')).routes[0],
      'route',
    );
    expect(r.paths[0]).toMatchObject({ peer: 'fake4', as_path: '4200000001', next_hop: '192.0.2.6' });
    expect((await lab.introspect('/neighbors/fake4')).peer_asn).toBe(4200000001);
    p.destroy();
  });

  it('37/38: a family change resets only that session (6/6); admin_down → 6/2 and idle until cleared', async () => {
    const p = await fake();
    const own = lab.ownRouterUuid!;
    const attr = (extra: Record<string, unknown>) => ({
      session: [{ attributes: [{ passive: true, ...extra }] }],
    });
    await lab.refUpdate(
      'ADD',
      'bgp-router',
      own,
      'bgp-router',
      routers['fake']!,
      attr({ address_families: { family: ['inet'] } }),
    );
    expect(await p.notification()).toBe('6/6');
    await idle();
    const q = await fake(FakePeer.open({ ...FAKE, families: ['inet'] }));
    expect((await lab.introspect('/neighbors/fake')).negotiated_families).toEqual(['inet']);

    await lab.refUpdate('ADD', 'bgp-router', own, 'bgp-router', routers['fake']!, attr({ admin_down: true }));
    expect(await q.notification()).toBe('6/2');
    await idle();
    const refused = await FakePeer.connect('127.0.0.4', lab.cn.ports.bgp);
    await refused.waitClosed();
    expect((await lab.introspect('/neighbors/fake')).state).toBe('Idle');

    await lab.refUpdate('ADD', 'bgp-router', own, 'bgp-router', routers['fake']!, passive);
    await lab.sync();
    const back = await fake();
    expect((await lab.introspect('/neighbors/fake')).state).toBe('Established');
    back.destroy();
    await idle();
  });
});
