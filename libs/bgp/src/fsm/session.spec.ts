/**
 * Two sessions wired back to back through an in-memory "wire" on a manual clock: the whole exchange a
 * network engineer would see on a real peering, without sockets or waiting.
 */
import { NotificationMessage } from '../codec/notification';
import { UpdateDecodeResult, packUpdates, routesOf } from '../codec/update';
import { ManualClock } from './clock';
import { collisionLoser } from './collision';
import { NegotiatedSession } from './negotiate';
import { BgpSession, SessionIo } from './session';
import { FsmConfig, FsmReason } from './types';

const A: FsmConfig = {
  localAs: 64512,
  routerId: '192.0.2.1',
  peerAs: 64512,
  holdTime: 9,
  families: ['inet-vpn', 'route-target'],
  connectRetryTime: 2,
};
const B: FsmConfig = {
  localAs: 64512,
  routerId: '192.0.2.2',
  peerAs: 64512,
  holdTime: 3,
  families: ['route-target', 'inet-vpn', 'e-vpn'],
  connectRetryTime: 2,
  passive: true,
};

interface Side {
  session: BgpSession;
  ups: NegotiatedSession[];
  downs: Array<{ reason: FsmReason; notification?: NotificationMessage }>;
  updates: UpdateDecodeResult[];
  /** Drop everything this side sends (a peer that went silent). */
  mute: boolean;
  /** Raw bytes this side sends instead of/in addition to the session's own. */
  inject(bytes: Buffer): void;
}

/** A connects to B; each connection is a fresh pair of pipes delivering on the next clock tick. */
function peering(configA = A, configB = B) {
  const clock = new ManualClock();
  let wire: { a: Side; b: Side; open: boolean } | undefined;
  const make = (config: FsmConfig, other: () => Side, self: () => Side, onConnect: () => void): Side => {
    const io: SessionIo = {
      connect: onConnect,
      send: (bytes) => {
        if (self().mute || !wire?.open) return;
        const copy = Buffer.from(bytes);
        // Bytes already on the wire still arrive after a close, before the FIN (timers fire in order).
        clock.setTimer(0, () => other().session.receive(copy));
      },
      close: () => {
        if (!wire?.open) return;
        wire.open = false;
        clock.setTimer(0, () => {
          other().session.closed();
        });
      },
    };
    const side: Side = {
      ups: [],
      downs: [],
      updates: [],
      mute: false,
      inject: (bytes) => clock.setTimer(0, () => other().session.receive(bytes)),
      session: undefined as unknown as BgpSession,
    };
    side.session = new BgpSession(
      config,
      io,
      clock,
      {
        established: (s) => side.ups.push(s),
        down: (reason, notification) => side.downs.push({ reason, notification }),
        update: (r) => side.updates.push(r),
      },
      () => 1,
    );
    return side;
  };
  const a: Side = make(
    configA,
    () => b,
    () => a,
    () => {
      // B accepts only while listening; otherwise the attempt fails like a refused TCP connect.
      clock.setTimer(1, () => {
        if (b.session.state !== 'Active') return a.session.connectFailed();
        wire = { a, b, open: true };
        b.session.connected();
        a.session.connected();
      });
    },
  );
  const b: Side = make(
    configB,
    () => a,
    () => b,
    () => undefined,
  );
  b.session.start();
  a.session.start();
  return { a, b, clock };
}

describe('BgpSession back to back', () => {
  it('reaches Established on both sides with the negotiated parameters', () => {
    const { a, b, clock } = peering();
    clock.advance(100);
    expect([a.session.state, b.session.state]).toEqual(['Established', 'Established']);
    expect(a.ups[0]).toMatchObject({
      holdTime: 3,
      keepaliveTime: 1,
      families: ['inet-vpn', 'route-target'],
      as4: true,
    });
    expect(b.ups[0].families).toEqual(['route-target', 'inet-vpn']);
    expect(a.session.sent.open).toBe(1);
    expect(b.session.received.open).toBe(1);
  });

  it('keepalives every hold/3 keep a 3 s session up for a simulated minute', () => {
    const { a, b, clock } = peering();
    clock.advance(60_000);
    expect([a.session.state, b.session.state]).toEqual(['Established', 'Established']);
    expect(a.session.sent.keepalive).toBeGreaterThanOrEqual(55);
    expect(a.downs).toEqual([]);
  });

  it('a silent peer is dropped with 4/0 when the hold time runs out (routing.md checks 25, 43)', () => {
    const { a, b, clock } = peering();
    clock.advance(100);
    // B's last keepalive left at most one keepalive interval (1 s) before it went silent.
    b.mute = true;
    clock.advance(1_999);
    expect(a.session.state).toBe('Established');
    clock.advance(1_001);
    expect(a.session.state).toBe('Idle');
    expect(a.downs).toEqual([
      { reason: 'hold-timer-expired', notification: expect.objectContaining({ code: 4, subcode: 0 }) },
    ]);
    expect(a.session.lastNotificationOut).toMatchObject({ code: 4, subcode: 0 });
  });

  it('UPDATEs packed by one side arrive as routes on the other and postpone its keepalives', () => {
    const { a, b, clock } = peering();
    clock.advance(100);
    const nlri = Array.from({ length: 500 }, (_, i) => ({
      rd: '192.0.2.11:3',
      prefix: `10.${i >> 8}.${i & 255}.0/24`,
      label: 16 + i,
    }));
    const messages = packUpdates(
      {
        family: 'inet-vpn',
        attributes: { origin: 2, asPath: [], localPref: 100 },
        nextHop: '192.0.2.11',
        announce: nlri,
      },
      { as4: true },
    );
    expect(messages.length).toBeGreaterThan(1);
    a.session.sendUpdates(messages);
    clock.advance(10);
    const received = b.updates.flatMap((u) =>
      routesOf(u.message, u.treatAsWithdraw).announce.flatMap((x) => x.nlri),
    );
    expect(received).toEqual(nlri);
    expect(b.session.received.update).toBe(messages.length);

    // While UPDATEs flow every 0.5 s, no KEEPALIVE is needed (they count as one for the peer).
    const keepalives = a.session.sent.keepalive;
    for (let i = 0; i < 10; i++) {
      a.session.sendUpdates(messages.slice(0, 1));
      clock.advance(500);
    }
    expect(a.session.sent.keepalive).toBe(keepalives);
    expect(b.session.state).toBe('Established');
  });

  it('a bad ORIGIN withdraws the route, keeps the session and counts an attribute error (check 41)', () => {
    const { a, b, clock } = peering();
    clock.advance(100);
    const bad = Buffer.from(
      'ffffffffffffffffffffffffffffffff002f0200000014' +
        '40010105' +
        '40020602010000fde8' +
        '400304c6336401' +
        '180a6300',
      'hex',
    );
    a.inject(bad);
    clock.advance(10);
    expect(b.session.state).toBe('Established');
    expect(b.session.attrErrors).toBe(1);
    const r = b.updates[0];
    expect(routesOf(r.message, r.treatAsWithdraw)).toEqual({
      announce: [],
      withdraw: [{ family: 'inet', nlri: ['10.99.0.0/24'] }],
    });
  });

  it('an attribute overrunning the UPDATE resets with 3/1, then the session comes back by itself (check 42)', () => {
    const { a, b, clock } = peering();
    clock.advance(100);
    a.inject(Buffer.from('ffffffffffffffffffffffffffffffff001e0200000007' + '40010100' + '4002ff', 'hex'));
    clock.advance(10);
    expect(b.downs[0]).toMatchObject({ reason: 'invalid-message', notification: { code: 3, subcode: 1 } });
    expect(a.downs[0]).toMatchObject({
      reason: 'notification-received',
      notification: { code: 3, subcode: 1 },
    });
    clock.advance(5_000);
    expect([a.session.state, b.session.state]).toEqual(['Established', 'Established']);
    expect(a.session.flaps).toBe(1);
  });

  it('a proposed hold time of 2 s is refused with 2/6 (check 40)', () => {
    const { a, b, clock } = peering({ ...A, holdTime: 2 });
    clock.advance(100);
    expect(b.session.lastNotificationOut).toMatchObject({ code: 2, subcode: 6 });
    expect(a.session.lastNotificationIn).toMatchObject({ code: 2, subcode: 6 });
    expect(a.session.lastDownReason).toBe('notification-received');
    expect(a.ups).toEqual([]);
  });

  it('no common family: 2/7 and neither side comes up', () => {
    const { a, b, clock } = peering({ ...A, families: ['inet6'] }, { ...B, families: ['e-vpn'] });
    clock.advance(100);
    expect(a.ups).toEqual([]);
    expect(b.ups).toEqual([]);
    expect([a.session.lastNotificationOut?.subcode, b.session.lastNotificationOut?.subcode]).toContain(7);
  });

  it('admin stop sends Cease 6/2 and the peer sees it as the close reason (check 38)', () => {
    const { a, b, clock } = peering();
    clock.advance(100);
    a.session.stop();
    clock.advance(10);
    expect(b.downs).toEqual([
      { reason: 'notification-received', notification: expect.objectContaining({ code: 6, subcode: 2 }) },
    ]);
    clock.advance(30_000);
    expect(a.session.state).toBe('Idle'); // manual stop: no automatic restart
  });
});

describe('collision between two real sessions', () => {
  it('simultaneous opens: each side dumps the same connection and one session survives', () => {
    const clock = new ManualClock();
    // Two connections, each a pair of sessions: conn1 opened by A (id .1), conn2 opened by B (id .2).
    const mk = (config: FsmConfig, peerSend: () => BgpSession, closed: () => void) => {
      let open = true;
      return new BgpSession(
        config,
        {
          connect: () => undefined,
          // 1 ms per hop, so the test can step in while OPENs have crossed but KEEPALIVEs have not.
          send: (bytes) => open && clock.setTimer(1, () => peerSend().receive(Buffer.from(bytes))),
          close: () => {
            if (!open) return;
            open = false;
            clock.setTimer(1, closed);
          },
        },
        clock,
        {},
        () => 1,
      );
    };
    const passive = { passive: true };
    const a1: BgpSession = mk(
      { ...A, ...passive },
      () => b1,
      () => b1.closed(),
    );
    const b1: BgpSession = mk(
      { ...B, ...passive },
      () => a1,
      () => a1.closed(),
    );
    const a2: BgpSession = mk(
      { ...A, ...passive },
      () => b2,
      () => b2.closed(),
    );
    const b2: BgpSession = mk(
      { ...B, ...passive },
      () => a2,
      () => a2.closed(),
    );
    for (const s of [a1, b1, a2, b2]) {
      s.start();
      s.connected();
    }
    clock.advance(1); // OPENs cross: all four in OpenConfirm
    expect([a1, b1, a2, b2].map((s) => s.state)).toEqual(Array(4).fill('OpenConfirm'));

    const aConns = [
      { s: a1, initiatedBy: 'local' as const, state: a1.state },
      { s: a2, initiatedBy: 'remote' as const, state: a2.state },
    ];
    const bConns = [
      { s: b2, initiatedBy: 'local' as const, state: b2.state },
      { s: b1, initiatedBy: 'remote' as const, state: b1.state },
    ];
    const aIds = { id: A.routerId, as: A.localAs };
    const bIds = { id: B.routerId, as: B.localAs };
    collisionLoser(aConns[0], aConns[1], aIds, bIds)!.s.dumpForCollision();
    collisionLoser(bConns[0], bConns[1], bIds, aIds)!.s.dumpForCollision();
    clock.advance(100);
    // B has the higher identifier, so its connection (conn2) is the one kept.
    expect([a1.state, b1.state]).toEqual(['Idle', 'Idle']);
    expect([a2.state, b2.state]).toEqual(['Established', 'Established']);
    expect(a1.lastNotificationOut).toMatchObject({ code: 6, subcode: 7 });
  });
});
