import { ManualClock, type BgpMessage, type NotificationMessage } from '@skein/bgp';
import { GobgpPeer } from '@skein/testing';
import { FakePeer, vpnUpdate } from './fake-peer';
import { Lab, never, soon, type Vn } from './harness';

// Issue 7 item 7: TF's per-family prefix limit (bgp_session_attributes.family_attributes[].prefix_limit).
// The peers are hand-driven over real sockets; the node runs on a manual clock so the idle timeout is
// crossed by moving time, not by waiting for it.

const OPEN = (id: string) => FakePeer.open({ as: 64512, id, holdTime: 0, families: ['inet-vpn'] });

describe('BGP prefix limit (issue 7 item 7)', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  let lab: Lab;
  let blue: Vn;
  const peers: FakePeer[] = [];

  /** A VPNv4 UPDATE announcing `count` /32s from 10.<n>.0.x with blue's RT. */
  function announce(n: number, from: number, count: number): BgpMessage {
    const nlri = Array.from({ length: count }, (_, i) => ({
      rd: `192.0.2.${n}:1`,
      prefix: `10.${n}.0.${from + i}/32`,
      label: 100 + i,
    }));
    return vpnUpdate(`192.0.2.${n}`, nlri, Number(blue.rt.split(':')[2]));
  }

  /** A passive peer at `id` whose session carries `prefix_limit` for inet-vpn (none when undefined). */
  async function peerWithLimit(name: string, id: string, limit?: { maximum: number; idle_timeout: number }) {
    const attributes: Record<string, unknown> = { passive: true };
    if (limit) attributes['family_attributes'] = [{ address_family: 'inet-vpn', prefix_limit: limit }];
    await lab.createRouter(
      name,
      {
        router_type: 'router',
        identifier: id,
        address: id,
        port: 1,
        address_families: { family: ['inet-vpn'] },
      },
      [{ uuid: lab.ownRouterUuid!, attr: { session: [{ attributes: [attributes] }] } }],
    );
  }

  async function connect(id: string): Promise<FakePeer> {
    const p = await FakePeer.connect(id, lab.cn.ports.bgp);
    peers.push(p);
    return p;
  }

  /** Prefixes of bgp.l3vpn.0 learned from `peer`. */
  const routesOf = async (peer: string): Promise<string[]> =>
    (await lab.introspect(`/routes?table=bgp.l3vpn.0&peer=${peer}`)).routes.map((r: any) => r.prefix);

  const state = async (peer: string) => (await lab.introspect(`/neighbors/${peer}`)).state;

  beforeAll(async () => {
    lab = await Lab.start({
      router: { autonomous_system: 64512, identifier: '198.51.100.254', address: '127.0.0.1', hold_time: 9 },
      node: {
        clock,
        bgp: { host: '127.0.0.1', port: 0, defaultPrefixLimit: { maximum: 5, idleTimeout: 0 } },
      },
    });
    blue = await lab.createVn('blue');
    await peerWithLimit('limited', '127.0.0.11', { maximum: 3, idle_timeout: 60 });
    await peerWithLimit('other', '127.0.0.12', { maximum: 100, idle_timeout: 60 });
    await peerWithLimit('zero', '127.0.0.13', { maximum: 2, idle_timeout: 0 });
    await peerWithLimit('defaulted', '127.0.0.14');
    await lab.sync();
  });
  afterAll(async () => {
    for (const p of peers) p.destroy();
    await lab?.close();
  });

  it('maximum+1 prefixes: Cease 6/1 with AFI/SAFI/limit, its routes withdrawn, other peers kept; no return before idle_timeout', async () => {
    const other = await connect('127.0.0.12');
    await other.handshake(OPEN('127.0.0.12'));
    other.send(announce(12, 1, 4));
    await soon(async () => (await routesOf('other')).length === 4 || undefined, "other's 4 routes");

    const limited = await connect('127.0.0.11');
    await limited.handshake(OPEN('127.0.0.11'));
    limited.send(announce(11, 1, 3));
    await soon(async () => (await routesOf('limited')).length === 3 || undefined, 'limited at its maximum');
    expect(await state('limited')).toBe('Established');

    limited.send(announce(11, 4, 1));
    const n = (await limited.waitFor((m) => m.type === 'notification')) as NotificationMessage;
    expect([n.code, n.subcode]).toEqual([6, 1]);
    // RFC 4486 §4: AFI (2 octets), SAFI (1), the configured upper bound (4).
    expect(n.data.toString('hex')).toBe('0001' + '80' + '00000003');
    await limited.waitClosed();

    await soon(
      async () => (await routesOf('limited')).length === 0 || undefined,
      "limited's routes withdrawn",
    );
    expect(await routesOf('other')).toHaveLength(4);
    expect(await state('other')).toBe('Established');
    const view = await lab.introspect('/neighbors/limited');
    expect(view.close_reason).toMatch(/prefix limit exceeded: more than 3 inet-vpn prefixes/);
    expect(view.last_notification_out).toMatch(/^6\/1 /);
    expect(view.idle_until).toBe(new Date(clock.now() + 60_000).toISOString());

    // During the idle timeout the peer's connections are refused before any OPEN.
    clock.advance(59_000);
    const early = await connect('127.0.0.11');
    early.send(OPEN('127.0.0.11'));
    await early.waitClosed();
    expect(early.messages.filter((m) => m.type === 'open')).toHaveLength(0);
    expect(await state('limited')).not.toBe('Established');

    clock.advance(1_000);
    expect((await lab.introspect('/neighbors/limited')).idle_until).toBeNull();
    const back = await connect('127.0.0.11');
    await back.handshake(OPEN('127.0.0.11'));
    expect(await state('limited')).toBe('Established');
    expect((await lab.introspect('/neighbors/limited')).close_reason).not.toMatch(/prefix limit/);
  });

  it('idle_timeout 0 (TF): no wait beyond the usual retry, a passive peer may come straight back', async () => {
    const z = await connect('127.0.0.13');
    await z.handshake(OPEN('127.0.0.13'));
    z.send(announce(13, 1, 3));
    expect(await z.notification()).toBe('6/1');
    await z.waitClosed();
    expect((await lab.introspect('/neighbors/zero')).idle_until).toBeNull();
    const again = await connect('127.0.0.13');
    await again.handshake(OPEN('127.0.0.13'));
    expect(await state('zero')).toBe('Established');
  });

  it('a session with no prefix_limit gets the node default (defaultPrefixLimit)', async () => {
    const d = await connect('127.0.0.14');
    await d.handshake(OPEN('127.0.0.14'));
    d.send(announce(14, 1, 5));
    await soon(async () => (await routesOf('defaulted')).length === 5 || undefined, 'five routes kept');
    expect(await never(() => d.closed, 200)).toBe(true);
    d.send(announce(14, 6, 1));
    const n = (await d.waitFor((m) => m.type === 'notification')) as NotificationMessage;
    expect([n.code, n.subcode, n.data.readUInt32BE(3)]).toEqual([6, 1, 5]);
    await soon(async () => (await routesOf('defaulted')).length === 0 || undefined, 'withdrawn');
  });
});

describe('BGP prefix limit against gobgpd (the node dials)', () => {
  let lab: Lab;
  let gobgp: GobgpPeer;
  let blue: Vn;

  const neighbor = () => lab.introspect('/neighbors/gobgp');
  const routes = async (): Promise<number> =>
    (await lab.introspect('/routes?table=bgp.l3vpn.0&peer=gobgp')).routes.length;
  const add = (i: number) =>
    gobgp.addVpnv4({
      prefix: `10.77.0.${i}/32`,
      rd: '127.0.0.2:1',
      rts: [blue.rt],
      label: 100 + i,
      nextHop: '127.0.0.2',
    });

  beforeAll(async () => {
    gobgp = await GobgpPeer.start({
      address: '127.0.0.2',
      as: 64512,
      neighbors: [{ address: '127.0.0.1', as: 64512, passive: true, families: ['l3vpn-ipv4-unicast'] }],
    });
    // connectRetryTime 1 s (the Lab's): without the idle timeout the node would dial again within a second.
    lab = await Lab.start({
      router: { autonomous_system: 64512, identifier: '198.51.100.254', address: '127.0.0.1', hold_time: 9 },
    });
    blue = await lab.createVn('blue');
    await lab.createRouter(
      'gobgp',
      {
        router_type: 'router',
        autonomous_system: 64512,
        identifier: '127.0.0.2',
        address: '127.0.0.2',
        port: gobgp.port,
        address_families: { family: ['inet-vpn'] },
      },
      [
        {
          uuid: lab.ownRouterUuid!,
          attr: {
            session: [
              {
                attributes: [
                  {
                    family_attributes: [
                      { address_family: 'inet-vpn', prefix_limit: { maximum: 2, idle_timeout: 3600 } },
                    ],
                  },
                ],
              },
            ],
          },
        },
      ],
    );
    await lab.sync();
    await soon(
      async () => (await neighbor()).state === 'Established' || undefined,
      'gobgp Established',
      10_000,
    );
  });
  afterAll(async () => {
    await lab?.close();
    await gobgp?.stop();
  });

  it('gobgpd sending maximum+1 routes gets Cease 6/1, loses its routes, and is not dialled again', async () => {
    await add(1);
    await add(2);
    await soon(async () => (await routes()) === 2 || undefined, 'two routes from gobgp');
    await add(3);
    await soon(async () => (await neighbor()).state !== 'Established' || undefined, 'session closed', 10_000);
    const n = await neighbor();
    expect(n.last_notification_out).toMatch(/^6\/1 /);
    expect(n.close_reason).toMatch(/more than 2 inet-vpn prefixes/);
    expect(Date.parse(n.idle_until) - Date.now()).toBeGreaterThan(3_500_000);
    expect(await routes()).toBe(0);
    // gobgpd saw the NOTIFICATION and is down too.
    await soon(
      async () => (await gobgp.neighborState('127.0.0.1')) !== 'established' || undefined,
      'gobgp down',
    );
    const received = (await gobgp.neighbor('127.0.0.1')).state?.messages?.received;
    expect(Number(received?.notification ?? 0)).toBeGreaterThanOrEqual(1);
    // Three connect-retry periods pass without a new session.
    expect(await never(async () => (await gobgp.neighborState('127.0.0.1')) === 'established', 3000)).toBe(
      true,
    );
    expect((await neighbor()).state).not.toBe('Established');
  });
});
