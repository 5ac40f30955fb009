import { createHash } from 'node:crypto';

export interface ShareEntry {
  tenant: string;
  tenant_access: number;
}
export interface Perms2 {
  owner: string;
  owner_access: number;
  global_access: number;
  share: ShareEntry[];
}

/** An outgoing reference as stored (refs table row, with the target's identity joined in). */
export interface StoredRef {
  to_uuid: string;
  to_type: string;
  to_fq_name: string[];
  attr: unknown;
  relaxed: boolean;
}

/** One object as the store holds it. `props` includes display_name and annotations. */
export interface StoredObject {
  uuid: string;
  type: string;
  fq_name: string[];
  parent_uuid: string | null;
  parent_type: string;
  props: Record<string, any>;
  id_perms: Record<string, any>;
  perms2: Perms2;
  version: number;
  refs: StoredRef[];
}

/** A pointer to another object with what access checks and responses need. */
export interface LinkedObject {
  uuid: string;
  type: string;
  fq_name: string[];
  attr?: unknown;
  perms2: Perms2;
  user_visible: boolean;
}

/** Digest used for the (type, fq_name) unique key; see the core migration. */
export const fqKey = (fq: readonly string[]) =>
  createHash('sha256').update(JSON.stringify(fq)).digest('base64');
