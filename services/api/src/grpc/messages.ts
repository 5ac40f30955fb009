/**
 * skein.config.v1 messages as the server sees them: field names as in the .proto (keepCase), 64-bit integers
 * as numbers (seqs and versions stay far below 2^53), every field present (defaults).
 */

export interface CreateRequest {
  type: string;
  object_json: string;
}

export interface ReadRequest {
  type: string;
  uuid: string;
  fq_name: string[];
  fields: string[];
}

export interface UpdateRequest {
  type: string;
  uuid: string;
  patch_json: string;
  if_version: number;
}

export interface DeleteRequest {
  type: string;
  uuid: string;
  if_version: number;
}

export interface ObjectReply {
  type: string;
  uuid: string;
  fq_name: string[];
  version: number;
  object_json: string;
  seq: number;
}

export interface ListRequest {
  type: string;
  parent_uuids: string[];
  back_ref_uuids: string[];
  obj_uuids: string[];
  filters: string;
  fields: string[];
  detail: boolean;
  shared: boolean;
  count: boolean;
  page_marker: string;
  page_limit: number;
}

export interface ListReply {
  items: ObjectReply[];
  next_marker: string;
  count: number;
  as_of_seq: number;
}

export interface RefUpdateRequest {
  add: boolean;
  type: string;
  uuid: string;
  ref_type: string;
  ref_uuid: string;
  ref_fq_name: string[];
  attr_json: string;
  relax_ref_for_delete: boolean;
}

export interface WatchRequest {
  from_seq: number;
  types: string[];
  snapshot: boolean;
}

export interface WatchEvent {
  seq: number;
  oper: string;
  type: string;
  uuid: string;
  envelope_json: string;
}

export type WatchItem =
  { event: WatchEvent } | { snapshot_done_seq: number } | { heartbeat_head_seq: number };
