import { SkeinError, typeField } from '@skein/model';
import type { StoredObject } from '@skein/store';
import { withDashes } from '../auth/identity';
import type { WriteTx } from '../engine/write-tx';

/**
 * project.quota (config-api.md §5): per-type limits on the objects a project owns; `defaults` covers the
 * rest; −1 or absent is unlimited. Over the limit is 412.
 */
export async function checkQuota(w: WriteTx, obj: StoredObject): Promise<void> {
  const owner = obj.perms2.owner;
  if (obj.type === 'project' || !/^[0-9a-f]{32}$/.test(owner)) return;
  let quota = w.knownQuotas.get(owner);
  if (quota === undefined) {
    const { rows } = await w.c.query(
      `SELECT props->'quota' AS quota FROM objects WHERE uuid = $1 AND type = 'project'`,
      [withDashes(owner)],
    );
    quota = rows[0]?.quota ?? null;
    w.knownQuotas.set(owner, quota ?? null);
  }
  if (!quota) return;
  const limit = quota[typeField(obj.type)] ?? quota.defaults;
  if (limit === undefined || limit === null || limit < 0) return;
  const count = await w.c.query(
    `SELECT count(*)::int AS n FROM objects WHERE type = $1 AND perms2->>'owner' = $2`,
    [obj.type, owner],
  );
  const pending = w.cs.inserts.filter((i) => i.type === obj.type && i.perms2.owner === owner).length;
  if (count.rows[0].n + pending >= limit) {
    throw new SkeinError(
      412,
      'QUOTA_EXCEEDED',
      `quota limit (${limit}) exceeded for resource ${typeField(obj.type)}`,
      { type: obj.type },
    );
  }
}
