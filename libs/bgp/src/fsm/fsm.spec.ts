import { Capability } from '../codec/capabilities';
import { BgpMessage } from '../codec/message';
import { OpenMessage } from '../codec/open';
import { sessionReset } from '../errors';
import { PeerConnection, collisionLoser, collisionSurvivor } from './collision';
import { BgpFsm } from './fsm';
import { FsmAction, FsmConfig, FsmEvent, SessionState, Transition } from './types';

const CONFIG: FsmConfig = {
  localAs: 64512,
  routerId: '192.0.2.1',
  peerAs: 64512,
  holdTime: 90,
  families: ['inet-vpn', 'route-target'],
  connectRetryTime: 2,
};

const PEER_CAPS: Capability[] = [
  { kind: 'multiprotocol', afi: 1, safi: 128 },
  { kind: 'multiprotocol', afi: 1, safi: 132 },
  { kind: 'route-refresh' },
  { kind: 'four-octet-as', asn: 64512 },
];

const peerOpen = (over: Partial<OpenMessage> = {}): OpenMessage => ({
  type: 'open',
  version: 4,
  myAs: 64512,
  holdTime: 30,
  bgpId: '192.0.2.2',
  capabilities: PEER_CAPS,
  ...over,
});

const msg = (m: BgpMessage): FsmEvent => ({ type: 'message', message: m });
const KEEPALIVE: FsmEvent = { type: 'message', message: { type: 'keepalive' } };

/** A fresh FSM driven to `state` the normal way; jitter factor 1 so timer values are exact. */
function fsmIn(state: SessionState, config: Partial<FsmConfig> = {}, open = peerOpen()): BgpFsm {
  const fsm = new BgpFsm({ ...CONFIG, ...config }, () => 1);
  const path: FsmEvent[] = [
    { type: 'start' },
    { type: 'tcp-connected' },
    { type: 'message', message: open },
    KEEPALIVE,
  ];
  const order: SessionState[] = ['Idle', 'Connect', 'OpenSent', 'OpenConfirm', 'Established'];
  if (state === 'Active') {
    fsm.handle({ type: 'start' });
    fsm.handle({ type: 'tcp-failed' });
  } else {
    for (let i = 0; i < order.indexOf(state); i++) fsm.handle(path[i]);
  }
  expect(fsm.state).toBe(state);
  return fsm;
}

const sent = (t: Transition) => t.actions.flatMap((a) => (a.type === 'send' ? [a.message] : []));
const notificationSent = (t: Transition) => {
  const n = sent(t).find((m) => m.type === 'notification');
  return n && n.type === 'notification' ? `${n.code}/${n.subcode}` : undefined;
};
const timer = (t: Transition, name: string) =>
  t.actions.find(
    (a): a is Extract<FsmAction, { type: 'start-timer' }> => a.type === 'start-timer' && a.timer === name,
  )?.ms;
const has = (t: Transition, type: FsmAction['type']) => t.actions.some((a) => a.type === type);

describe('Idle', () => {
  it('start -> Connect: connects and arms ConnectRetry (2 s in tests)', () => {
    const t = fsmIn('Idle').handle({ type: 'start' });
    expect([t.to, t.reason]).toEqual(['Connect', 'manual-start']);
    expect(has(t, 'connect')).toBe(true);
    expect(timer(t, 'connect-retry')).toBe(2000);
  });

  it('passive start -> Active: listens, never connects', () => {
    const t = fsmIn('Idle', { passive: true }).handle({ type: 'start' });
    expect(t.to).toBe('Active');
    expect(has(t, 'connect')).toBe(false);
  });

  it('refuses a connection handed to it while idle', () => {
    const t = fsmIn('Idle').handle({ type: 'tcp-connected' });
    expect(t.to).toBe('Idle');
    expect(t.actions).toEqual([{ type: 'close' }]);
  });

  it('IdleHold expiry restarts automatically', () => {
    const t = fsmIn('Idle').handle({ type: 'timer', timer: 'idle-hold' });
    expect([t.to, t.reason]).toEqual(['Connect', 'automatic-start']);
  });

  it('ConnectRetry is jittered to 75-100% (RFC 4271 §10)', () => {
    const low = new BgpFsm(CONFIG, () => 0).handle({ type: 'start' });
    expect(timer(low, 'connect-retry')).toBe(1500);
  });
});

describe('Connect', () => {
  it('TCP up -> OpenSent: sends our OPEN and a 240 s hold timer', () => {
    const t = fsmIn('Connect').handle({ type: 'tcp-connected' });
    expect([t.to, t.reason]).toEqual(['OpenSent', 'tcp-connected']);
    expect(sent(t)).toEqual([
      {
        type: 'open',
        version: 4,
        myAs: 64512,
        holdTime: 90,
        bgpId: '192.0.2.1',
        capabilities: [
          { kind: 'multiprotocol', afi: 1, safi: 128 },
          { kind: 'multiprotocol', afi: 1, safi: 132 },
          { kind: 'route-refresh' },
          { kind: 'four-octet-as', asn: 64512 },
        ],
      },
    ]);
    expect(timer(t, 'hold')).toBe(240_000);
  });

  it('a 4-octet local AS goes out as AS_TRANS with capability 65 (routing.md check 33)', () => {
    const t = fsmIn('Connect', { localAs: 4200000000 }).handle({ type: 'tcp-connected' });
    const open = sent(t)[0] as OpenMessage;
    expect(open.myAs).toBe(23456);
    expect(open.capabilities).toContainEqual({ kind: 'four-octet-as', asn: 4200000000 });
  });

  it('connect failure -> Active, ConnectRetry re-armed', () => {
    const t = fsmIn('Connect').handle({ type: 'tcp-failed' });
    expect([t.to, t.reason]).toEqual(['Active', 'tcp-failed']);
    expect(timer(t, 'connect-retry')).toBe(2000);
  });

  it('ConnectRetry expiry abandons the attempt and connects again', () => {
    const t = fsmIn('Connect').handle({ type: 'timer', timer: 'connect-retry' });
    expect(t.to).toBe('Connect');
    expect(t.actions.map((a) => a.type)).toEqual(['close', 'start-timer', 'connect']);
  });

  it('stop -> Idle without NOTIFICATION (no BGP connection yet) and no automatic restart', () => {
    const t = fsmIn('Connect').handle({ type: 'stop' });
    expect([t.to, t.reason]).toEqual(['Idle', 'admin-stop']);
    expect(sent(t)).toEqual([]);
    expect(timer(t, 'idle-hold')).toBeUndefined();
  });
});

describe('Active', () => {
  it('ConnectRetry expiry -> Connect and a new attempt', () => {
    const t = fsmIn('Active').handle({ type: 'timer', timer: 'connect-retry' });
    expect([t.to, t.reason]).toEqual(['Connect', 'connect-retry-expired']);
    expect(has(t, 'connect')).toBe(true);
  });

  it('passive peers stay Active on ConnectRetry expiry', () => {
    const fsm = new BgpFsm({ ...CONFIG, passive: true }, () => 1);
    fsm.handle({ type: 'start' });
    const t = fsm.handle({ type: 'timer', timer: 'connect-retry' });
    expect(t.to).toBe('Active');
    expect(has(t, 'connect')).toBe(false);
  });

  it('accepted connection -> OpenSent', () => {
    const t = fsmIn('Active').handle({ type: 'tcp-connected' });
    expect(t.to).toBe('OpenSent');
    expect(sent(t)[0].type).toBe('open');
  });
});

describe('OpenSent', () => {
  it('acceptable OPEN -> OpenConfirm: KEEPALIVE sent, hold = min(90, 30), keepalive = hold / 3', () => {
    const fsm = fsmIn('OpenSent');
    const t = fsm.handle({ type: 'message', message: peerOpen() });
    expect([t.to, t.reason]).toEqual(['OpenConfirm', 'open-received']);
    expect(sent(t)).toEqual([{ type: 'keepalive' }]);
    expect(timer(t, 'hold')).toBe(30_000);
    expect(timer(t, 'keepalive')).toBe(10_000);
    expect(fsm.negotiated).toMatchObject({
      holdTime: 30,
      keepaliveTime: 10,
      families: ['inet-vpn', 'route-target'],
      as4: true,
      ebgp: false,
    });
  });

  it('hold time 0 on either side: no hold and no keepalive timers', () => {
    const fsm = fsmIn('OpenSent');
    const t = fsm.handle({ type: 'message', message: peerOpen({ holdTime: 0 }) });
    expect(t.to).toBe('OpenConfirm');
    expect(timer(t, 'hold')).toBeUndefined();
    expect(timer(t, 'keepalive')).toBeUndefined();
    expect(fsm.negotiated?.holdTime).toBe(0);
  });

  it('negotiated families are the intersection, in our order', () => {
    const fsm = fsmIn('OpenSent', { families: ['route-target', 'inet-vpn', 'e-vpn'] });
    fsm.handle({ type: 'message', message: peerOpen() });
    expect(fsm.negotiated?.families).toEqual(['route-target', 'inet-vpn']);
  });

  it('no common family -> NOTIFICATION 2/7 listing our multiprotocol capabilities', () => {
    const t = fsmIn('OpenSent', { families: ['e-vpn'] }).handle({ type: 'message', message: peerOpen() });
    expect([t.to, t.reason, notificationSent(t)]).toEqual(['Idle', 'open-rejected', '2/7']);
    expect(t.notification?.message.data.toString('hex')).toBe('010400190046');
  });

  it('a peer without multiprotocol capabilities speaks IPv4 unicast only (RFC 4760 §8)', () => {
    const open = peerOpen({ capabilities: [{ kind: 'four-octet-as', asn: 64512 }] });
    expect(notificationSent(fsmIn('OpenSent').handle({ type: 'message', message: open }))).toBe('2/7');
    const withInet = fsmIn('OpenSent', { families: ['inet', 'inet-vpn'] });
    withInet.handle({ type: 'message', message: open });
    expect(withInet.negotiated?.families).toEqual(['inet']);
  });

  it('wrong peer AS -> 2/2, Idle, automatic restart scheduled (routing.md check 40)', () => {
    const t = fsmIn('OpenSent').handle({
      type: 'message',
      message: peerOpen({ myAs: 65001, capabilities: [] }),
    });
    expect([t.to, notificationSent(t)]).toEqual(['Idle', '2/2']);
    expect(timer(t, 'idle-hold')).toBe(2000);
  });

  it('4-octet peer AS is read from capability 65; My AS must then be AS_TRANS', () => {
    const caps: Capability[] = [
      { kind: 'multiprotocol', afi: 1, safi: 128 },
      { kind: 'four-octet-as', asn: 4200000001 },
    ];
    const ok = fsmIn('OpenSent', { peerAs: 4200000001 });
    ok.handle({ type: 'message', message: peerOpen({ myAs: 23456, capabilities: caps }) });
    expect(ok.negotiated).toMatchObject({ peerAs: 4200000001, as4: true, ebgp: true });
    const lying = fsmIn('OpenSent', { peerAs: 4200000001 }).handle({
      type: 'message',
      message: peerOpen({ myAs: 64999, capabilities: caps }),
    });
    expect(notificationSent(lying)).toBe('2/2');
  });

  it('a 2-octet peer (no capability 65) gives a session without 4-octet AS', () => {
    const fsm = fsmIn('OpenSent', { peerAs: 65001 });
    fsm.handle({
      type: 'message',
      message: peerOpen({ myAs: 65001, capabilities: [{ kind: 'multiprotocol', afi: 1, safi: 128 }] }),
    });
    expect(fsm.negotiated).toMatchObject({ as4: false, ebgp: true, routeRefresh: false });
  });

  it('an iBGP peer with our own BGP identifier -> 2/3; an eBGP one is accepted (RFC 6286)', () => {
    expect(
      notificationSent(
        fsmIn('OpenSent').handle({ type: 'message', message: peerOpen({ bgpId: '192.0.2.1' }) }),
      ),
    ).toBe('2/3');
    const ebgp = fsmIn('OpenSent', { peerAs: 65001 });
    const caps = PEER_CAPS.map((c) => (c.kind === 'four-octet-as' ? { ...c, asn: 65001 } : c));
    ebgp.handle({
      type: 'message',
      message: peerOpen({ myAs: 65001, bgpId: '192.0.2.1', capabilities: caps }),
    });
    expect(ebgp.state).toBe('OpenConfirm');
  });

  it('unacceptable hold time reported by the decoder -> that NOTIFICATION (2/6)', () => {
    const error = sessionReset(2, 6, 'hold time 2');
    const t = fsmIn('OpenSent').handle({ type: 'decode-error', error });
    expect([t.to, t.reason, notificationSent(t)]).toEqual(['Idle', 'invalid-message', '2/6']);
  });

  it('no OPEN within the 240 s hold timer -> 4/0', () => {
    const t = fsmIn('OpenSent').handle({ type: 'timer', timer: 'hold' });
    expect([t.to, t.reason, notificationSent(t)]).toEqual(['Idle', 'hold-timer-expired', '4/0']);
  });

  it.each([
    ['KEEPALIVE', { type: 'keepalive' }],
    ['UPDATE', { type: 'update', withdrawn: [], attributes: {}, nlri: [] }],
    ['ROUTE-REFRESH', { type: 'route-refresh', afi: 1, safi: 128, subtype: 0 }],
  ])('%s before OPEN -> 5/1 (RFC 6608)', (_, m) => {
    const t = fsmIn('OpenSent').handle(msg(m as never));
    expect([t.to, t.reason, notificationSent(t)]).toEqual(['Idle', 'unexpected-message', '5/1']);
  });

  it('NOTIFICATION from the peer -> Idle without answering', () => {
    const n = { type: 'notification' as const, code: 6, subcode: 5, data: Buffer.alloc(0) };
    const t = fsmIn('OpenSent').handle({ type: 'message', message: n });
    expect([t.to, t.reason]).toEqual(['Idle', 'notification-received']);
    expect(sent(t)).toEqual([]);
    expect(t.notification).toEqual({ direction: 'received', message: n });
  });

  it('connection lost -> Active, listening with ConnectRetry', () => {
    const t = fsmIn('OpenSent').handle({ type: 'tcp-closed' });
    expect([t.to, t.reason]).toEqual(['Active', 'connection-closed']);
    expect(timer(t, 'connect-retry')).toBe(2000);
  });

  it('stop -> Cease 6/2 (administrative shutdown)', () => {
    expect(notificationSent(fsmIn('OpenSent').handle({ type: 'stop' }))).toBe('6/2');
  });
});

describe('OpenConfirm', () => {
  it('KEEPALIVE -> Established, with the negotiated session', () => {
    const t = fsmIn('OpenConfirm').handle(KEEPALIVE);
    expect([t.to, t.reason]).toEqual(['Established', 'keepalive-received']);
    const up = t.actions.find((a) => a.type === 'established');
    expect(up).toMatchObject({ session: { peerAs: 64512, peerId: '192.0.2.2', holdTime: 30 } });
    expect(timer(t, 'hold')).toBe(30_000);
  });

  it('keepalive timer -> KEEPALIVE sent, timer re-armed', () => {
    const t = fsmIn('OpenConfirm').handle({ type: 'timer', timer: 'keepalive' });
    expect(t.to).toBe('OpenConfirm');
    expect(sent(t)).toEqual([{ type: 'keepalive' }]);
    expect(timer(t, 'keepalive')).toBe(10_000);
  });

  it('hold timer expiry -> 4/0', () => {
    expect(notificationSent(fsmIn('OpenConfirm').handle({ type: 'timer', timer: 'hold' }))).toBe('4/0');
  });

  it.each([
    ['a second OPEN', peerOpen()],
    ['UPDATE', { type: 'update', withdrawn: [], attributes: {}, nlri: [] }],
  ])('%s -> 5/2', (_, m) => {
    expect(notificationSent(fsmIn('OpenConfirm').handle(msg(m as never)))).toBe('5/2');
  });

  it('losing a collision -> Cease 6/7', () => {
    const t = fsmIn('OpenConfirm').handle({ type: 'collision-dump' });
    expect([t.to, t.reason, notificationSent(t)]).toEqual(['Idle', 'collision', '6/7']);
  });
});

describe('Established', () => {
  const update = { type: 'update' as const, withdrawn: [], attributes: {}, nlri: ['10.1.1.0/24'] };

  it('UPDATE is delivered and restarts the hold timer', () => {
    const t = fsmIn('Established').handle({ type: 'message', message: update });
    expect(t.to).toBe('Established');
    expect(t.actions).toContainEqual({ type: 'deliver', message: update });
    expect(timer(t, 'hold')).toBe(30_000);
  });

  it('KEEPALIVE restarts the hold timer', () => {
    expect(timer(fsmIn('Established').handle(KEEPALIVE), 'hold')).toBe(30_000);
  });

  it('sending an UPDATE postpones our next KEEPALIVE', () => {
    expect(timer(fsmIn('Established').handle({ type: 'update-sent' }), 'keepalive')).toBe(10_000);
  });

  it('hold timer expiry -> 4/0 and session down (routing.md check 43)', () => {
    const t = fsmIn('Established').handle({ type: 'timer', timer: 'hold' });
    expect([t.to, t.reason, notificationSent(t)]).toEqual(['Idle', 'hold-timer-expired', '4/0']);
    expect(t.actions).toContainEqual(expect.objectContaining({ type: 'down', reason: 'hold-timer-expired' }));
    expect(timer(t, 'idle-hold')).toBe(2000);
  });

  it('ROUTE-REFRESH for a negotiated family is delivered, for another one ignored (RFC 2918 §4)', () => {
    const fsm = fsmIn('Established');
    const vpn = { type: 'route-refresh' as const, afi: 1, safi: 128, subtype: 0 };
    expect(fsm.handle({ type: 'message', message: vpn }).actions).toContainEqual({
      type: 'deliver',
      message: vpn,
    });
    const evpn = { type: 'route-refresh' as const, afi: 25, safi: 70, subtype: 0 };
    expect(has(fsm.handle({ type: 'message', message: evpn }), 'deliver')).toBe(false);
    expect(fsm.state).toBe('Established');
  });

  it('OPEN -> 5/3 and down', () => {
    const t = fsmIn('Established').handle({ type: 'message', message: peerOpen() });
    expect([t.to, notificationSent(t)]).toEqual(['Idle', '5/3']);
    expect(has(t, 'down')).toBe(true);
  });

  it('NOTIFICATION from the peer -> down with that notification', () => {
    const n = { type: 'notification' as const, code: 6, subcode: 4, data: Buffer.alloc(0) };
    const t = fsmIn('Established').handle({ type: 'message', message: n });
    expect(t.actions).toContainEqual({ type: 'down', reason: 'notification-received', notification: n });
  });

  it('config change stop -> Cease 6/6 sent, down, stays idle', () => {
    const t = fsmIn('Established').handle({
      type: 'stop',
      notification: { type: 'notification', code: 6, subcode: 6, data: Buffer.alloc(0) },
    });
    expect([t.to, t.reason, notificationSent(t)]).toEqual(['Idle', 'admin-stop', '6/6']);
    expect(timer(t, 'idle-hold')).toBeUndefined();
  });

  it('prefix limit stop -> Cease 6/1 and an automatic restart after idle_timeout', () => {
    const t = fsmIn('Established').handle({
      type: 'stop',
      notification: { type: 'notification', code: 6, subcode: 1, data: Buffer.from('000180000003e8', 'hex') },
      restartAfter: 60,
    });
    expect(notificationSent(t)).toBe('6/1');
    expect(timer(t, 'idle-hold')).toBe(60_000);
  });

  it('connection lost -> down, automatic restart scheduled', () => {
    const t = fsmIn('Established').handle({ type: 'tcp-closed' });
    expect([t.to, t.reason]).toEqual(['Idle', 'connection-closed']);
    expect(sent(t)).toEqual([]);
    expect(timer(t, 'idle-hold')).toBe(2000);
  });

  it('malformed UPDATE that needs a reset -> that NOTIFICATION (3/1) and down', () => {
    const t = fsmIn('Established').handle({ type: 'decode-error', error: sessionReset(3, 1, 'overrun') });
    expect([t.to, t.reason, notificationSent(t)]).toEqual(['Idle', 'invalid-message', '3/1']);
  });

  it('every way out of Established stops hold and keepalive timers', () => {
    for (const e of [
      { type: 'tcp-closed' },
      { type: 'stop' },
      { type: 'timer', timer: 'hold' },
    ] as FsmEvent[]) {
      const t = fsmIn('Established').handle(e);
      const stopped = t.actions.flatMap((a) => (a.type === 'stop-timer' ? [a.timer] : []));
      expect(stopped).toEqual(expect.arrayContaining(['hold', 'keepalive', 'connect-retry']));
    }
  });
});

describe('collision resolution (RFC 4271 §6.8)', () => {
  it('the connection opened by the higher BGP identifier survives, compared as numbers', () => {
    expect(collisionSurvivor({ id: '192.0.2.1', as: 1 }, { id: '192.0.2.2', as: 1 })).toBe('remote');
    // As strings '9.255.255.255' > '10.0.0.2'; as integers it is the other way round.
    expect(collisionSurvivor({ id: '10.0.0.2', as: 1 }, { id: '9.255.255.255', as: 1 })).toBe('local');
    expect(collisionSurvivor({ id: '192.0.2.1', as: 65002 }, { id: '192.0.2.1', as: 65001 })).toBe('local');
  });

  it('both speakers pick the same loser, so exactly one connection survives', () => {
    const a = { id: '192.0.2.1', as: 64512 };
    const b = { id: '192.0.2.2', as: 64512 };
    type Named = PeerConnection & { name: string };
    const aOut: Named = { name: 'A->B', initiatedBy: 'local', state: 'OpenConfirm' };
    const aIn: Named = { name: 'B->A', initiatedBy: 'remote', state: 'OpenConfirm' };
    const bOut: Named = { name: 'B->A', initiatedBy: 'local', state: 'OpenConfirm' };
    const bIn: Named = { name: 'A->B', initiatedBy: 'remote', state: 'OpenConfirm' };
    expect(collisionLoser(aOut, aIn, a, b)?.name).toBe('A->B');
    expect(collisionLoser(bOut, bIn, b, a)?.name).toBe('A->B');
  });

  it('no decision before the peer identifier is known; an Established session always stays', () => {
    const local = { id: '192.0.2.9', as: 1 };
    const remote = { id: '192.0.2.1', as: 1 };
    const open: PeerConnection = { initiatedBy: 'remote', state: 'OpenSent' };
    const confirm: PeerConnection = { initiatedBy: 'local', state: 'OpenConfirm' };
    expect(collisionLoser(open, confirm, local, remote)).toBeUndefined();
    const est: PeerConnection = { initiatedBy: 'remote', state: 'Established' };
    expect(collisionLoser(est, confirm, local, remote)).toBe(confirm);
  });

  it('the losing FSM sends Cease 6/7 from OpenConfirm', () => {
    const loser = fsmIn('OpenConfirm');
    expect(notificationSent(loser.handle({ type: 'collision-dump' }))).toBe('6/7');
    expect(loser.state).toBe('Idle');
  });
});

describe('an FSM instance is reusable after Idle', () => {
  it('restart after a failure negotiates again from scratch', () => {
    const fsm = fsmIn('Established');
    fsm.handle({ type: 'tcp-closed' });
    expect(fsm.negotiated).toBeUndefined();
    fsm.handle({ type: 'timer', timer: 'idle-hold' });
    fsm.handle({ type: 'tcp-connected' });
    fsm.handle({ type: 'message', message: peerOpen({ holdTime: 9 }) });
    expect(fsm.negotiated?.holdTime).toBe(9);
    expect(fsm.handle(KEEPALIVE).to).toBe('Established');
  });
});
