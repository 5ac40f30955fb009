/**
 * The config event envelope (config-api.md §8), as published on `config.events` and delivered by every
 * EventLog. Field names are the wire names (snake_case), so the JSON on the topic is this object.
 */

export const CONFIG_OPERS = [
  'CREATE',
  'UPDATE',
  'DELETE',
  'REF_ADD',
  'REF_DELETE',
  'PROP_COLLECTION',
] as const;
export type ConfigOper = (typeof CONFIG_OPERS)[number];

/** Per ref field (`<t>_refs`): uuids of the referred objects. */
export interface RefFieldChanges {
  added: string[];
  removed: string[];
  attr_changed: string[];
}

export interface ChangedFields {
  props: string[];
  /** Keyed by ref field name, e.g. `network_policy_refs`. */
  refs: Record<string, RefFieldChanges>;
}

/** The ref a REF_ADD / REF_DELETE is about. */
export interface EventRef {
  type: string;
  uuid: string;
  attr: unknown;
}

/** One element of a prop-collection-update request (config-api.md §5). */
export interface PropCollectionUpdate {
  field: string;
  operation: string;
  value?: unknown;
  position?: string | number;
}

export interface ConfigEvent {
  /** Global, strictly increasing over committed events (with holes where a transaction rolled back). */
  seq: number;
  /** The event's own uuid. */
  id: string;
  /** RFC 3339, UTC, microseconds: `2026-11-21T05:58:07.408123Z`. */
  ts: string;
  oper: ConfigOper;
  /** Dash-case object type, e.g. `virtual-network`. */
  type: string;
  uuid: string;
  fq_name: string[];
  /** The object's version after the change. */
  version: number;
  /** After the change; before it for DELETE. No back-refs or children. */
  object: Record<string, unknown>;
  /** UPDATE (and ref changes made through PUT): what changed. */
  changed?: ChangedFields;
  /** UPDATE: old values of the changed props. */
  before?: Record<string, unknown>;
  /** REF_ADD / REF_DELETE. */
  ref?: EventRef;
  /** PROP_COLLECTION. */
  updates?: PropCollectionUpdate[];
  actor: string;
  request_id: string;
  /** Postgres xid8 of the writing transaction, as a decimal string (64-bit); shared by its events. */
  tx_id: string;
}

/**
 * What a writer stores in `config_events.envelope`: the envelope without the fields the database assigns.
 * `seq`, `ts` and `tx_id` come from the row's columns and are merged in when the event is read.
 */
export type StoredEnvelope = Omit<ConfigEvent, 'seq' | 'ts' | 'tx_id'>;
