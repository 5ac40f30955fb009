import * as grpc from '@grpc/grpc-js';
import {
  EventLogOutOfRangeError,
  type ConfigEvent,
  type EventLog,
  type EventSubscription,
} from '@skein/events';
import { getType, notFound, typeFromField, typeNames } from '@skein/model';
import { compactedBelow } from '@skein/store';
import type { AuthService } from '../auth/auth.service';
import type { Identity } from '../auth/identity';
import type { ConfigService } from '../engine/config-service';
import { eventShape } from '../engine/rest-shape';
import { checkSeq } from '../engine/seq';
import { headersOf } from './metadata';
import type { WatchItem, WatchRequest } from './messages';
import { grpcError, toGrpcError } from './status';

export interface WatchDeps {
  svc: ConfigService;
  auth: AuthService;
  events: EventLog;
  heartbeatMs: number;
  log: (e: unknown) => void;
}

type Call = grpc.ServerWritableStream<WatchRequest, WatchItem>;

const SHUTDOWN = 'shutdown';

/**
 * The Watch RPC: an optional snapshot of the current objects, then the event log from a seq, filtered by type
 * and by what the caller may read, with heartbeats.
 */
export class Watches {
  private readonly open = new Map<Call, { abort: AbortController; finished: Promise<void> }>();

  constructor(private readonly d: WatchDeps) {}

  handler(): grpc.handleServerStreamingCall<WatchRequest, WatchItem> {
    return (call) => {
      const abort = new AbortController();
      call.on('cancelled', () => abort.abort());
      const finished = this.run(call, abort.signal).finally(() => this.open.delete(call));
      this.open.set(call, { abort, finished });
    };
  }

  /** Ends every open Watch with UNAVAILABLE (the server is going away; a client should reconnect elsewhere). */
  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    for (const w of all) w.abort.abort(SHUTDOWN);
    await Promise.all(all.map((w) => w.finished));
  }

  private async run(call: Call, signal: AbortSignal): Promise<void> {
    const { svc, events } = this.d;
    let sub: EventSubscription | undefined;
    let heartbeat: NodeJS.Timeout | undefined;
    try {
      const identity = this.d.auth.identify(headersOf(call.metadata));
      const req = call.request;
      const types = req.types.map(typeFromField);
      for (const t of types) if (!getType(t)) throw notFound(`Unknown type ${t}`);
      const wanted = types.length ? new Set(types) : undefined;
      const readable = svc.visibleTo(identity);
      const send = (item: WatchItem) => write(call, item, signal);

      let after: number;
      if (req.snapshot) {
        after = await this.sendSnapshot(types.length ? types : [...typeNames], identity, send);
        if (signal.aborted) throw new Error('watch ended during its snapshot');
        await send({ snapshot_done_seq: after });
      } else {
        after = checkSeq(req.from_seq, 'from_seq');
        await checkRange(svc, after);
      }

      // Every event up to `position` has been sent or filtered out: a safe seq to resume from.
      let position = after;
      heartbeat = setInterval(() => void send({ heartbeat_head_seq: position }), this.d.heartbeatMs);
      sub = events.subscribe(after, async (batch: ConfigEvent[]) => {
        // The Postgres tail treats missing seqs as rolled-back transactions; rows deleted by compaction look
        // the same, so a gap is checked against the compaction point before it is skipped.
        let prev = position;
        for (const e of batch) {
          if (e.seq > prev + 1) {
            await checkRange(svc, prev);
            break;
          }
          prev = e.seq;
        }
        for (const e of batch) {
          if (signal.aborted) return;
          if ((!wanted || wanted.has(e.type)) && readable(visibilityOf(e))) {
            const ok = write(
              call,
              {
                event: {
                  seq: e.seq,
                  oper: e.oper,
                  type: e.type,
                  uuid: e.uuid,
                  envelope_json: JSON.stringify(e),
                },
              },
              signal,
            );
            position = e.seq;
            await ok;
          } else {
            position = e.seq;
          }
        }
      });
      await Promise.race([sub.done, aborted(signal)]);
      // Not cancelled by the client: the server or its event log is going away, so the client should reconnect.
      if (!signal.aborted || signal.reason === SHUTDOWN) call.emit('error', unavailable());
    } catch (e) {
      if (!signal.aborted) call.emit('error', toGrpcError(e, undefined, this.d.log));
      else if (signal.reason === SHUTDOWN) call.emit('error', unavailable());
    } finally {
      clearInterval(heartbeat);
      await sub?.stop();
    }
  }

  /**
   * The current objects of `types` as CREATE events at the seq S of one snapshot (later events are exactly
   * those with seq > S). Returns S.
   */
  private async sendSnapshot(
    types: string[],
    identity: Identity,
    send: (item: WatchItem) => Promise<void>,
  ): Promise<number> {
    const { svc } = this.d;
    const { value, seq } = await svc.currentObjects(types);
    const readable = svc.visibleTo(identity);
    for (const o of value.flat()) {
      if (!readable({ perms2: o.perms2, user_visible: o.id_perms.user_visible })) continue;
      // Envelope fields that belong to a real change (id, ts, actor, request_id, tx_id, changed) are absent.
      const envelope = {
        seq,
        oper: 'CREATE',
        type: o.type,
        uuid: o.uuid,
        fq_name: o.fq_name,
        version: o.version,
        object: eventShape(o),
      };
      await send({
        event: { seq, oper: 'CREATE', type: o.type, uuid: o.uuid, envelope_json: JSON.stringify(envelope) },
      });
    }
    return seq;
  }
}

const unavailable = () =>
  grpcError(grpc.status.UNAVAILABLE, 'watch ended by the server; reconnect', 'UNAVAILABLE');

const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) =>
    signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }),
  );

const visibilityOf = (e: ConfigEvent) => {
  const o = e.object as Record<string, any>;
  return { perms2: o.perms2, user_visible: o.id_perms?.user_visible };
};

/** Queues an item; resolves once the stream can take more, so a slow client slows the log reading down. */
function write(call: Call, item: WatchItem, signal: AbortSignal): Promise<void> {
  if (signal.aborted || call.writableEnded) return Promise.resolve();
  if (call.write(item)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    call.on('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** OUT_OF_RANGE when events after `afterSeq` were compacted away (the log itself cannot tell). */
async function checkRange(svc: ConfigService, afterSeq: number): Promise<void> {
  const below = await compactedBelow(svc.db);
  if (afterSeq + 1 < below) throw new EventLogOutOfRangeError(afterSeq, below);
}
