import type { FullObject, StoredObject } from '@skein/store';
import type { WriteTx } from '../engine/write-tx';
import type { ObjectWriter } from '../engine/object-writer';

/**
 * Per-type rules that the generic path cannot express (config-api.md §1.3 "Hooks", §6, §7). They run inside
 * the write transaction; they throw SkeinError to refuse, and they may create implicit objects through
 * the writer.
 */
export interface TypeHooks {
  /** Before insert: fill defaults, allocate, check. `obj` is mutable. */
  beforeCreate?(w: WriteTx, obj: StoredObject, writer: ObjectWriter): Promise<void>;
  /** After the object is queued: create derived children (a VN's routing instance). */
  afterCreate?(w: WriteTx, obj: StoredObject, writer: ObjectWriter): Promise<void>;
  /** Before an update is queued; `changed` lists changed props and ref fields. `after` is mutable. */
  beforeUpdate?(
    w: WriteTx,
    before: StoredObject,
    after: StoredObject,
    changed: Set<string>,
    writer: ObjectWriter,
  ): Promise<void>;
  /** Before delete (children already checked): free allocations, remove implicit objects. */
  beforeDelete?(w: WriteTx, obj: FullObject, writer: ObjectWriter): Promise<void>;
}
