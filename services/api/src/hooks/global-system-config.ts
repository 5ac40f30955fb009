import { findByFqName, loadObjects } from '@skein/store';
import { rtRange } from './global';
import type { TypeHooks } from './types';

/**
 * Changing the global ASN re-keys every route target the API allocated (`target:<old asn>:<n>` →
 * `target:<new asn>:<n>`) in the same transaction (config-api.md §6): new route-target objects, the routing
 * instances' refs moved with their attrs, the old objects removed when nothing else uses them.
 */
export const globalSystemConfigHooks: TypeHooks = {
  async beforeUpdate(w, before, after, changed, writer) {
    const oldAsn = before.props.autonomous_system;
    const newAsn = after.props.autonomous_system;
    if (!changed.has('autonomous_system') || oldAsn === newAsn) return;
    const range = rtRange({ asn: oldAsn, fourByte: before.props.enable_4byte_as === true });
    const { rows } = await w.c.query(
      `SELECT r.from_uuid::text AS ri, t.uuid::text AS rt, t.fq_name->>0 AS name
         FROM refs r JOIN objects t ON t.uuid = r.to_uuid
        WHERE r.from_type = 'routing-instance' AND r.to_type = 'route-target' AND t.fq_name->>0 LIKE $1`,
      [`target:${oldAsn}:%`],
    );
    const moves = rows.filter((r: any) => {
      const n = Number(r.name.split(':')[2]);
      return n >= range.lo && n <= range.hi;
    });
    if (!moves.length) return;
    // The new ASN must be visible to the route-target checks below.
    w.pending.set(after.uuid, after);
    const newRt = new Map<string, { uuid: string; fq: string[] }>();
    for (const m of moves) {
      const name = `target:${newAsn}:${m.name.split(':')[2]}`;
      if (newRt.has(name)) continue;
      const hit = await findByFqName(w.c, 'route-target', [name]);
      const rt =
        hit ??
        (await writer.createInternal(w, 'route-target', { fq_name: [name], parent_type: 'config-root' }));
      newRt.set(name, { uuid: rt.uuid, fq: [name] });
    }
    const ris = await loadObjects(w.c, [...new Set(moves.map((m: any) => m.ri as string))], {
      forUpdate: true,
    });
    for (const ri of ris) {
      const next = {
        ...ri,
        refs: ri.refs.map((r) => {
          const m = moves.find((x: any) => x.ri === ri.uuid && x.rt === r.to_uuid);
          if (!m) return r;
          const t = newRt.get(`target:${newAsn}:${m.name.split(':')[2]}`)!;
          return { ...r, to_uuid: t.uuid, to_fq_name: t.fq };
        }),
      };
      await writer.queueUpdate(w, ri, next, 'UPDATE', {
        changed: { props: [], refs: { route_target_refs: { added: [], removed: [], attr_changed: [] } } },
        before: {},
      });
    }
    for (const old of new Set(moves.map((m: any) => m.rt as string))) {
      const { rows: other } = await w.c.query(
        `SELECT 1 FROM refs WHERE to_uuid = $1 AND from_type <> 'routing-instance' LIMIT 1`,
        [old],
      );
      if (!other.length) await writer.delete(w, 'route-target', old, { internal: true });
    }
  },
};
