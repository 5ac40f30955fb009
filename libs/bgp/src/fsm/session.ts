import { DecodeContext } from '../codec/attributes/decode';
import { MessageFramer } from '../codec/header';
import {
  BgpMessage,
  DEFAULT_DECODE_CONTEXT,
  DecodeResult,
  decodeMessage,
  encodeMessage,
} from '../codec/message';
import { NotificationMessage } from '../codec/notification';
import { RouteRefreshMessage } from '../codec/route-refresh';
import { UpdateDecodeResult } from '../codec/update';
import { isBgpError } from '../errors';
import { Clock, systemClock } from './clock';
import { BgpFsm } from './fsm';
import { NegotiatedSession, decodeContextFor } from './negotiate';
import { FsmConfig, FsmEvent, FsmReason, SessionState, TimerName, Transition } from './types';

/** The transport, owned by the caller (services/control wires it to a socket). */
export interface SessionIo {
  /** Open a TCP connection to the peer; report with `connected()` / `connectFailed()`. */
  connect(): void;
  send(bytes: Buffer): void;
  close(): void;
}

export interface SessionEvents {
  stateChange?(t: Transition): void;
  established?(session: NegotiatedSession): void;
  down?(reason: FsmReason, notification?: NotificationMessage): void;
  /** A decoded UPDATE; apply `routesOf(result.message, result.treatAsWithdraw)` and count `result.errors`. */
  update?(result: UpdateDecodeResult): void;
  routeRefresh?(m: RouteRefreshMessage): void;
}

type MessageCounts = Record<BgpMessage['type'], number>;
const zeroCounts = (): MessageCounts => ({
  open: 0,
  update: 0,
  notification: 0,
  keepalive: 0,
  'route-refresh': 0,
});

type Work = { kind: 'event'; event: FsmEvent } | { kind: 'bytes'; chunk: Buffer };

/** States in which the peer's bytes are read; anything arriving in another state is noise after a close. */
const READING: ReadonlySet<SessionState> = new Set(['OpenSent', 'OpenConfirm', 'Established']);

/**
 * One BGP connection as bytes in, bytes out: framing, decoding with the negotiated context, the FSM and
 * its timers. No sockets. Work is queued so that callbacks (which may send or receive synchronously) never
 * re-enter the state machine.
 */
export class BgpSession {
  readonly fsm: BgpFsm;
  readonly received: MessageCounts = zeroCounts();
  readonly sent: MessageCounts = zeroCounts();
  /** UPDATEs with RFC 7606 attribute errors handled without a reset (introspect `attr_errors`). */
  attrErrors = 0;
  lastNotificationIn?: NotificationMessage;
  lastNotificationOut?: NotificationMessage;
  lastDownReason?: FsmReason;
  establishedAt?: number;
  /** Times the session left Established. */
  flaps = 0;

  private framer = new MessageFramer();
  private decodeContext: DecodeContext = DEFAULT_DECODE_CONTEXT;
  private timers = new Map<TimerName, unknown>();
  private queue: Work[] = [];
  private busy = false;
  private lastDecoded: DecodeResult | undefined;

  constructor(
    config: FsmConfig,
    private readonly io: SessionIo,
    private readonly clock: Clock = systemClock,
    private readonly events: SessionEvents = {},
    random?: () => number,
  ) {
    this.fsm = new BgpFsm(config, random);
  }

  get state() {
    return this.fsm.state;
  }

  start(): void {
    this.push({ kind: 'event', event: { type: 'start' } });
  }

  stop(notification?: NotificationMessage, restartAfter?: number): void {
    this.push({ kind: 'event', event: { type: 'stop', notification, restartAfter } });
  }

  connected(): void {
    this.push({ kind: 'event', event: { type: 'tcp-connected' } });
  }

  connectFailed(): void {
    this.push({ kind: 'event', event: { type: 'tcp-failed' } });
  }

  closed(): void {
    this.push({ kind: 'event', event: { type: 'tcp-closed' } });
  }

  /** This connection lost a collision (see `collisionLoser`). */
  dumpForCollision(): void {
    this.push({ kind: 'event', event: { type: 'collision-dump' } });
  }

  receive(chunk: Buffer): void {
    this.push({ kind: 'bytes', chunk });
  }

  /** Sends UPDATEs built with `packUpdates`; only meaningful in Established. */
  sendUpdates(messages: readonly Buffer[]): void {
    if (this.fsm.state !== 'Established' || messages.length === 0) return;
    for (const m of messages) this.io.send(m);
    this.sent.update += messages.length;
    this.push({ kind: 'event', event: { type: 'update-sent' } });
  }

  private push(work: Work): void {
    this.queue.push(work);
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length > 0) {
        const w = this.queue.shift()!;
        if (w.kind === 'event') this.dispatch(w.event);
        else this.ingest(w.chunk);
      }
    } finally {
      this.busy = false;
    }
  }

  private ingest(chunk: Buffer): void {
    if (!READING.has(this.fsm.state)) return;
    let frames: Buffer[];
    try {
      frames = this.framer.push(chunk);
    } catch (e) {
      if (!isBgpError(e)) throw e;
      this.dispatch({ type: 'decode-error', error: e });
      return;
    }
    for (const frame of frames) {
      if (!READING.has(this.fsm.state)) return;
      let decoded: DecodeResult;
      try {
        decoded = decodeMessage(frame, this.decodeContext);
      } catch (e) {
        if (!isBgpError(e)) throw e;
        this.dispatch({ type: 'decode-error', error: e });
        return;
      }
      this.received[decoded.message.type]++;
      if (decoded.message.type === 'notification') this.lastNotificationIn = decoded.message;
      this.lastDecoded = decoded;
      this.dispatch({ type: 'message', message: decoded.message });
    }
  }

  private dispatch(event: FsmEvent): void {
    const t = this.fsm.handle(event);
    // Report the change first, so listeners see "Established" before "established"/"down" callbacks.
    if (t.from !== t.to) this.events.stateChange?.(t);
    for (const a of t.actions) {
      switch (a.type) {
        case 'connect':
          this.io.connect();
          break;
        case 'send': {
          const bytes = encodeMessage(a.message, { as4: this.fsm.negotiated?.as4 ?? true });
          this.io.send(bytes);
          this.sent[a.message.type]++;
          if (a.message.type === 'notification') this.lastNotificationOut = a.message;
          break;
        }
        case 'close':
          this.io.close();
          this.framer = new MessageFramer();
          this.decodeContext = DEFAULT_DECODE_CONTEXT;
          break;
        case 'start-timer':
          this.stopTimer(a.timer);
          this.timers.set(
            a.timer,
            this.clock.setTimer(a.ms, () => {
              this.timers.delete(a.timer);
              this.push({ kind: 'event', event: { type: 'timer', timer: a.timer } });
            }),
          );
          break;
        case 'stop-timer':
          this.stopTimer(a.timer);
          break;
        case 'established':
          this.establishedAt = this.clock.now();
          this.events.established?.(a.session);
          break;
        case 'down':
          this.flaps++;
          this.lastDownReason = a.reason;
          this.establishedAt = undefined;
          this.events.down?.(a.reason, a.notification);
          break;
        case 'deliver':
          if (a.message.type === 'route-refresh') this.events.routeRefresh?.(a.message);
          else if (this.lastDecoded?.message === a.message) {
            const r = this.lastDecoded as UpdateDecodeResult;
            if (r.errors.length > 0) this.attrErrors++;
            this.events.update?.(r);
          }
          break;
      }
    }
    // The decoder context follows the negotiation as soon as the peer's OPEN is accepted.
    if (t.to === 'OpenConfirm' && t.from === 'OpenSent')
      this.decodeContext = decodeContextFor(this.fsm.negotiated!);
    if (t.reason && t.from !== 'Established' && t.to === 'Idle') this.lastDownReason = t.reason;
  }

  private stopTimer(timer: TimerName): void {
    const h = this.timers.get(timer);
    if (h !== undefined) {
      this.clock.clearTimer(h);
      this.timers.delete(timer);
    }
  }
}
