import { BgpMessage } from '../codec/message';
import { NotificationMessage } from '../codec/notification';
import { RouteRefreshMessage } from '../codec/route-refresh';
import { UpdateMessage } from '../codec/update';
import { BgpError } from '../errors';
import { Family } from '../families';
import { NegotiatedSession } from './negotiate';

/** RFC 4271 §8.2.2 states. */
export type SessionState = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established';

/** `idle-hold` delays the automatic restart after an error (RFC 4271 §8.1.1 IdleHoldTimer). */
export type TimerName = 'connect-retry' | 'hold' | 'keepalive' | 'idle-hold';

export interface FsmConfig {
  localAs: number;
  /** Our BGP identifier. */
  routerId: string;
  /** The AS we expect the peer to have (OPEN check, 2/2). */
  peerAs: number;
  /** Proposed hold time in seconds: 0 (no keepalives) or >= 3. */
  holdTime: number;
  /** Keepalive interval; default and upper bound: a third of the negotiated hold time. */
  keepaliveTime?: number;
  /** Families we offer (one multiprotocol capability each). */
  families: readonly Family[];
  /** Never connect, only accept (RFC 4271 PassiveTcpEstablishment). */
  passive?: boolean;
  /** Seconds, default 30 (routing.md C); jittered by 0.75-1.0 as RFC 4271 §10 asks. */
  connectRetryTime?: number;
  /** Seconds before an automatic restart after an error; default: connectRetryTime. */
  idleHoldTime?: number;
  /** Hold timer while waiting for the peer's OPEN (RFC 4271 §8.2.2 suggests 4 minutes). */
  openHoldTime?: number;
  /** Advertise route refresh (2); default true. */
  routeRefresh?: boolean;
  /** Advertise graceful restart (64) as a helper only: restart time, no families (RFC 4724 §3). */
  gracefulRestartTime?: number;
}

export type FsmEvent =
  /** ManualStart / AutomaticStart. */
  | { type: 'start' }
  /** ManualStop. Default Cease 6/2; `restartAfter` (seconds) schedules an automatic start, e.g. after a prefix limit. */
  | { type: 'stop'; notification?: NotificationMessage; restartAfter?: number }
  /** The transport is up: our connect succeeded, or an accepted connection was handed to this FSM. */
  | { type: 'tcp-connected' }
  /** Our connect attempt failed. */
  | { type: 'tcp-failed' }
  /** An established transport went away (peer closed, read/write error). */
  | { type: 'tcp-closed' }
  | { type: 'message'; message: BgpMessage }
  /** The decoder rejected what the peer sent; the error names the NOTIFICATION. */
  | { type: 'decode-error'; error: BgpError }
  | { type: 'timer'; timer: TimerName }
  /** An UPDATE went out: it counts as a keepalive (RFC 4271 §8.2.2, Established). */
  | { type: 'update-sent' }
  /** This connection lost a collision (RFC 4271 §6.8, Event 23). */
  | { type: 'collision-dump' };

export type FsmAction =
  | { type: 'connect' }
  | { type: 'send'; message: BgpMessage }
  | { type: 'close' }
  | { type: 'start-timer'; timer: TimerName; ms: number }
  | { type: 'stop-timer'; timer: TimerName }
  | { type: 'established'; session: NegotiatedSession }
  /** Left Established; routes learned on the session must be withdrawn (or kept stale by a GR helper). */
  | { type: 'down'; reason: FsmReason; notification?: NotificationMessage }
  /** UPDATE or ROUTE-REFRESH for the RIB. */
  | { type: 'deliver'; message: UpdateMessage | RouteRefreshMessage };

/** Why the state changed (GoBGP `fsmStateReasonType`), for "peer down" logs and introspect `close_reason`. */
export type FsmReason =
  | 'manual-start'
  | 'automatic-start'
  | 'admin-stop'
  | 'tcp-connected'
  | 'tcp-failed'
  | 'connection-closed'
  | 'connect-retry-expired'
  | 'open-received'
  | 'open-rejected'
  | 'keepalive-received'
  | 'hold-timer-expired'
  | 'notification-received'
  | 'invalid-message'
  | 'unexpected-message'
  | 'collision';

export interface Transition {
  from: SessionState;
  to: SessionState;
  /** Set when the state changed. */
  reason?: FsmReason;
  /** The NOTIFICATION sent or received that caused the change, if any. */
  notification?: { direction: 'sent' | 'received'; message: NotificationMessage };
  actions: FsmAction[];
}
