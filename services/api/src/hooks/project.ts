import { forbidden } from '@skein/model';
import type { WriteTx } from '../engine/write-tx';
import type { TypeHooks } from './types';

/** A project's quota limits what its members may create, so only admin sets it (config-api.md §5). */
function checkQuotaWriter(w: WriteTx, quota: unknown) {
  if (quota === undefined || w.internal || w.ctx.identity.admin) return;
  throw forbidden('Only admin may set project quota', { field: 'quota' });
}

export const projectHooks: TypeHooks = {
  async beforeCreate(w, obj) {
    checkQuotaWriter(w, obj.props.quota);
  },
  async beforeUpdate(w, _before, after, changed) {
    if (changed.has('quota')) checkQuotaWriter(w, after.props.quota ?? null);
  },
};
