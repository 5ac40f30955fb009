import { randomUUID } from 'node:crypto';
import {
  ChangeSet,
  fqLookupKey,
  type EventDraft,
  type Perms2,
  type SqlClient,
  type StoredObject,
} from '@skein/store';
import type { Identity } from '../auth/identity';
import { eventShape } from './rest-shape';

export interface RequestContext {
  identity: Identity;
  requestId: string;
  /** `<scheme>://<host>` for hrefs. */
  base: string;
}

/**
 * One API transaction: the SQL client inside BEGIN, the changes to flush at the end, and the events they
 * produce (all sharing one tx_id). Hooks receive it to add implicit objects and allocations.
 */
export class WriteTx {
  readonly cs = new ChangeSet();
  /** Objects created or changed in this transaction, so later steps see them before the flush. */
  readonly pending = new Map<string, StoredObject>();
  readonly pendingFq = new Map<string, { uuid: string; perms2: Perms2 }>();
  /** Objects being deleted in this transaction (their refs to each other do not block). */
  readonly deleting = new Set<string>();
  /** True while server code creates implicit objects (hooks relax client-only checks). */
  internal = false;
  /** Project quotas already read in this transaction, by project uuid without dashes (null: none). */
  readonly knownQuotas = new Map<string, Record<string, number> | null>();
  /** Quota check installed by the service (config-api.md §5 Quota). */
  quota?: (w: WriteTx, obj: StoredObject) => Promise<void>;

  constructor(
    readonly c: SqlClient,
    readonly ctx: RequestContext,
  ) {}

  get actor(): string {
    return this.ctx.identity.actor;
  }

  track(obj: StoredObject): void {
    this.pending.set(obj.uuid, obj);
    this.pendingFq.set(fqLookupKey(obj.type, obj.fq_name), { uuid: obj.uuid, perms2: obj.perms2 });
  }

  emit(oper: EventDraft['oper'], obj: StoredObject, extra: Record<string, unknown> = {}): void {
    this.cs.events.push({
      oper,
      type: obj.type,
      uuid: obj.uuid,
      envelope: {
        id: randomUUID(),
        oper,
        type: obj.type,
        uuid: obj.uuid,
        fq_name: obj.fq_name,
        version: obj.version,
        object: eventShape(obj),
        actor: this.actor,
        request_id: this.ctx.requestId,
        ...extra,
      },
    });
  }
}
