import { NotificationMessage, cease, ceaseCollision, notificationFor } from '../codec/notification';
import { OpenMessage } from '../codec/open';
import { CeaseSubcode, ErrorCode, FsmSubcode, isBgpError } from '../errors';
import { familyOf } from '../families';
import { NegotiatedSession, localOpen, negotiate } from './negotiate';
import { FsmAction, FsmConfig, FsmEvent, FsmReason, SessionState, TimerName, Transition } from './types';

/** What a state function decides: the next state, why (when it changes), and what to do. */
interface Step {
  next: SessionState;
  reason?: FsmReason;
  actions: FsmAction[];
  notification?: Transition['notification'];
}

const DEFAULT_CONNECT_RETRY = 30;
const DEFAULT_OPEN_HOLD = 240;
const ALL_TIMERS: TimerName[] = ['connect-retry', 'hold', 'keepalive'];

/**
 * The RFC 4271 §8 session state machine for one transport connection, with no I/O: events in, actions
 * out. One function per state (as GoBGP's fsm.go), each returning the next state and a typed reason.
 * `random` jitters timers (RFC 4271 §10) and is injected so tests are deterministic.
 *
 * Departure from the RFC text, as GoBGP and BIRD do: a failed connect moves Connect to Active (keep
 * listening, retry on ConnectRetry) instead of Idle.
 */
export class BgpFsm {
  private current: SessionState = 'Idle';
  private session: NegotiatedSession | undefined;
  private peerOpen: OpenMessage | undefined;

  constructor(
    readonly config: FsmConfig,
    private readonly random: () => number = Math.random,
  ) {}

  get state(): SessionState {
    return this.current;
  }

  /** Parameters agreed with the peer once its OPEN was accepted (OpenConfirm, Established). */
  get negotiated(): NegotiatedSession | undefined {
    return this.session;
  }

  /** The peer's OPEN, once received. */
  get receivedOpen(): OpenMessage | undefined {
    return this.peerOpen;
  }

  handle(event: FsmEvent): Transition {
    const from = this.current;
    const step = this.stateFunction(from).call(this, event);
    this.current = step.next;
    if (step.next === 'Idle' || step.next === 'Connect' || step.next === 'Active') {
      this.session = undefined;
      if (from !== step.next) this.peerOpen = undefined;
    }
    const t: Transition = { from, to: step.next, actions: step.actions };
    if (step.reason && step.next !== from) t.reason = step.reason;
    if (step.notification) t.notification = step.notification;
    return t;
  }

  private stateFunction(state: SessionState): (e: FsmEvent) => Step {
    switch (state) {
      case 'Idle':
        return this.idle;
      case 'Connect':
        return this.connect;
      case 'Active':
        return this.active;
      case 'OpenSent':
        return this.openSent;
      case 'OpenConfirm':
        return this.openConfirm;
      case 'Established':
        return this.established;
    }
  }

  private idle(e: FsmEvent): Step {
    if (e.type === 'start') return this.begin('manual-start');
    if (e.type === 'timer' && e.timer === 'idle-hold') return this.begin('automatic-start');
    // Idle refuses connections (RFC 4271 §8.2.2); everything else is ignored.
    if (e.type === 'tcp-connected') return stay('Idle', [{ type: 'close' }]);
    if (e.type === 'stop') return stay('Idle', [{ type: 'stop-timer', timer: 'idle-hold' }]);
    return stay('Idle');
  }

  private connect(e: FsmEvent): Step {
    switch (e.type) {
      case 'stop':
        return this.toIdle('admin-stop', [{ type: 'close' }], false);
      case 'timer':
        if (e.timer !== 'connect-retry') return stay('Connect');
        // Abandon the attempt in progress and try again.
        return {
          next: 'Connect',
          actions: [{ type: 'close' }, this.startConnectRetry(), { type: 'connect' }],
        };
      case 'tcp-connected':
        return this.sendOpen();
      case 'tcp-failed':
        return { next: 'Active', reason: 'tcp-failed', actions: [this.startConnectRetry()] };
      default:
        return stay('Connect');
    }
  }

  private active(e: FsmEvent): Step {
    switch (e.type) {
      case 'stop':
        return this.toIdle('admin-stop', [{ type: 'close' }], false);
      case 'timer':
        if (e.timer !== 'connect-retry') return stay('Active');
        if (this.config.passive) return stay('Active', [this.startConnectRetry()]);
        return {
          next: 'Connect',
          reason: 'connect-retry-expired',
          actions: [this.startConnectRetry(), { type: 'connect' }],
        };
      case 'tcp-connected':
        return this.sendOpen();
      default:
        return stay('Active');
    }
  }

  private openSent(e: FsmEvent): Step {
    const common = this.commonOpenPhase(e, FsmSubcode.OpenSent);
    if (common) return common;
    if (e.type === 'tcp-closed') {
      // RFC 4271: back to Active, listening, with ConnectRetry running.
      return {
        next: 'Active',
        reason: 'connection-closed',
        actions: [...stopTimers(), { type: 'close' }, this.startConnectRetry()],
      };
    }
    if (e.type === 'message' && e.message.type === 'open') {
      this.peerOpen = e.message;
      const result = negotiate(this.config, e.message);
      if (isBgpError(result)) return this.sendNotificationAndIdle('open-rejected', notificationFor(result));
      this.session = result;
      const actions: FsmAction[] = [{ type: 'send', message: { type: 'keepalive' } }];
      actions.push(...this.holdAndKeepaliveTimers(result));
      return { next: 'OpenConfirm', reason: 'open-received', actions };
    }
    return stay('OpenSent');
  }

  private openConfirm(e: FsmEvent): Step {
    const common = this.commonOpenPhase(e, FsmSubcode.OpenConfirm);
    if (common) return common;
    if (e.type === 'tcp-closed') return this.toIdle('connection-closed', [{ type: 'close' }]);
    if (e.type === 'timer' && e.timer === 'keepalive') return this.sendKeepalive('OpenConfirm');
    if (e.type === 'message' && e.message.type === 'keepalive') {
      const session = this.session!;
      const actions: FsmAction[] = [];
      if (session.holdTime > 0) actions.push(this.startTimer('hold', session.holdTime * 1000));
      actions.push({ type: 'established', session });
      return { next: 'Established', reason: 'keepalive-received', actions };
    }
    return stay('OpenConfirm');
  }

  private established(e: FsmEvent): Step {
    const session = this.session!;
    const down = (step: Step): Step => {
      step.actions.push({
        type: 'down',
        reason: step.reason!,
        ...(step.notification ? { notification: step.notification.message } : {}),
      });
      return step;
    };
    const refreshHold = (): FsmAction[] =>
      session.holdTime > 0 ? [this.startTimer('hold', session.holdTime * 1000)] : [];
    switch (e.type) {
      case 'stop':
        return down(this.stop(e));
      case 'timer':
        if (e.timer === 'hold') return down(this.holdExpired());
        if (e.timer === 'keepalive') return this.sendKeepalive('Established');
        return stay('Established');
      case 'update-sent':
        // An UPDATE resets the peer's hold timer just as a KEEPALIVE would.
        return stay('Established', session.keepaliveTime > 0 ? [this.startKeepalive(session)] : []);
      case 'tcp-closed':
        return down(this.toIdle('connection-closed', [{ type: 'close' }]));
      case 'decode-error':
        return down(this.sendNotificationAndIdle('invalid-message', notificationFor(e.error)));
      case 'collision-dump':
        return down(this.sendNotificationAndIdle('collision', ceaseCollision()));
      case 'message': {
        const m = e.message;
        if (m.type === 'keepalive') return stay('Established', refreshHold());
        if (m.type === 'update')
          return stay('Established', [...refreshHold(), { type: 'deliver', message: m }]);
        if (m.type === 'route-refresh') {
          // RFC 2918 §4: a refresh for a family that was not negotiated is ignored.
          const family = familyOf(m.afi, m.safi);
          const wanted = family !== undefined && session.families.includes(family);
          return stay('Established', [
            ...refreshHold(),
            ...(wanted ? [{ type: 'deliver' as const, message: m }] : []),
          ]);
        }
        if (m.type === 'notification') return down(this.notificationReceived(m));
        return down(this.unexpected(FsmSubcode.Established));
      }
      default:
        return stay('Established');
    }
  }

  /** Events handled the same way in OpenSent and OpenConfirm. */
  private commonOpenPhase(e: FsmEvent, subcode: number): Step | undefined {
    switch (e.type) {
      case 'stop':
        return this.stop(e);
      case 'timer':
        return e.timer === 'hold' ? this.holdExpired() : undefined;
      case 'decode-error':
        return this.sendNotificationAndIdle('invalid-message', notificationFor(e.error));
      case 'collision-dump':
        return this.sendNotificationAndIdle('collision', ceaseCollision());
      case 'message': {
        const m = e.message;
        if (m.type === 'notification') return this.notificationReceived(m);
        if (m.type === 'open' && subcode === FsmSubcode.OpenSent) return undefined;
        if (m.type === 'keepalive' && subcode === FsmSubcode.OpenConfirm) return undefined;
        return this.unexpected(subcode);
      }
      default:
        return undefined;
    }
  }

  private begin(reason: FsmReason): Step {
    if (this.config.passive) return { next: 'Active', reason, actions: [this.startConnectRetry()] };
    return { next: 'Connect', reason, actions: [this.startConnectRetry(), { type: 'connect' }] };
  }

  private sendOpen(): Step {
    return {
      next: 'OpenSent',
      reason: 'tcp-connected',
      actions: [
        { type: 'stop-timer', timer: 'connect-retry' },
        { type: 'send', message: localOpen(this.config) },
        this.startTimer('hold', (this.config.openHoldTime ?? DEFAULT_OPEN_HOLD) * 1000),
      ],
    };
  }

  private stop(e: Extract<FsmEvent, { type: 'stop' }>): Step {
    const notification = e.notification ?? cease(CeaseSubcode.AdministrativeShutdown);
    const step = this.toIdle(
      'admin-stop',
      [{ type: 'send', message: notification }, { type: 'close' }],
      false,
    );
    if (e.restartAfter !== undefined) step.actions.push(this.startTimer('idle-hold', e.restartAfter * 1000));
    step.notification = { direction: 'sent', message: notification };
    return step;
  }

  private holdExpired(): Step {
    return this.sendNotificationAndIdle('hold-timer-expired', {
      type: 'notification',
      code: ErrorCode.HoldTimerExpired,
      subcode: 0,
      data: Buffer.alloc(0),
    });
  }

  private unexpected(subcode: number): Step {
    return this.sendNotificationAndIdle('unexpected-message', {
      type: 'notification',
      code: ErrorCode.FsmError,
      subcode,
      data: Buffer.alloc(0),
    });
  }

  private notificationReceived(m: NotificationMessage): Step {
    const step = this.toIdle('notification-received', [{ type: 'close' }]);
    step.notification = { direction: 'received', message: m };
    return step;
  }

  private sendNotificationAndIdle(reason: FsmReason, notification: NotificationMessage): Step {
    const step = this.toIdle(reason, [{ type: 'send', message: notification }, { type: 'close' }]);
    step.notification = { direction: 'sent', message: notification };
    return step;
  }

  /** Stops timers and goes Idle; after errors (`restart`) an automatic start is scheduled. */
  private toIdle(reason: FsmReason, actions: FsmAction[], restart = true): Step {
    const all = [...stopTimers(), ...actions];
    if (restart) {
      const seconds = this.config.idleHoldTime ?? this.config.connectRetryTime ?? DEFAULT_CONNECT_RETRY;
      all.push(this.startTimer('idle-hold', this.jitter(seconds * 1000)));
    }
    return { next: 'Idle', reason, actions: all };
  }

  private sendKeepalive(state: SessionState): Step {
    const session = this.session!;
    const actions: FsmAction[] = [{ type: 'send', message: { type: 'keepalive' } }];
    if (session.keepaliveTime > 0) actions.push(this.startKeepalive(session));
    return stay(state, actions);
  }

  private holdAndKeepaliveTimers(s: NegotiatedSession): FsmAction[] {
    // Hold 0: neither side sends keepalives and nobody times out (RFC 4271 §4.2).
    if (s.holdTime === 0)
      return [
        { type: 'stop-timer', timer: 'hold' },
        { type: 'stop-timer', timer: 'keepalive' },
      ];
    return [this.startTimer('hold', s.holdTime * 1000), this.startKeepalive(s)];
  }

  private startKeepalive(s: NegotiatedSession): FsmAction {
    return this.startTimer('keepalive', this.jitter(s.keepaliveTime * 1000));
  }

  private startConnectRetry(): FsmAction {
    return this.startTimer(
      'connect-retry',
      this.jitter((this.config.connectRetryTime ?? DEFAULT_CONNECT_RETRY) * 1000),
    );
  }

  private startTimer(timer: TimerName, ms: number): FsmAction {
    return { type: 'start-timer', timer, ms: Math.round(ms) };
  }

  /** RFC 4271 §10: a random factor in [0.75, 1]. */
  private jitter(ms: number): number {
    return ms * (0.75 + 0.25 * this.random());
  }
}

function stay(state: SessionState, actions: FsmAction[] = []): Step {
  return { next: state, actions };
}

function stopTimers(): FsmAction[] {
  return ALL_TIMERS.map((timer) => ({ type: 'stop-timer', timer }));
}
