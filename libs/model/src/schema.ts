/**
 * The shape of the object-model declaration. Everything type-specific in Skein (validation, REST routes,
 * gRPC names, storage mapping, OpenAPI) is derived from values of these types; nothing else declares types.
 *
 * Names follow TF: type names are dash-case (`virtual-network`), field names are snake_case.
 */

/** A value shape. Complex types are referenced by name and declared once in `complex-types.ts`. */
export type FieldType =
  | {
      kind: 'string';
      enum?: readonly string[];
      /** Checked with `formats.ts`; the name appears in error messages. */
      format?: StringFormat;
      pattern?: string;
      maxLength?: number;
    }
  | { kind: 'integer'; min?: number; max?: number }
  | { kind: 'number' }
  | { kind: 'boolean' }
  /** Free-form JSON (TF's xsd:anyType / opaque blobs). */
  | { kind: 'any' }
  | { kind: 'list'; of: FieldType; maxItems?: number }
  /** A named complex type from the complex-type registry. */
  | { kind: 'struct'; name: string };

export type StringFormat =
  'uuid' | 'ipv4' | 'ipv6' | 'ip' | 'ip-prefix' | 'mac' | 'datetime' | 'route-target' | 'hex';

/** One field of a complex type (TF types.yml `xsd:complexType` element). */
export interface StructField {
  type: FieldType;
  required?: boolean;
  description?: string;
}

export interface ComplexType {
  name: string;
  fields: Record<string, StructField>;
}

/** Which CRUD operations a client may use on a property or ref (TF `operations`). */
export type Operations = string; // a subset of "CRUD"

/**
 * A property collection (TF ListProperty / MapProperty): the stored value is the wrapper struct,
 * `/prop-collection-*` operate on its single list field. For a map, `key` names the element field that is the key.
 */
export interface CollectionDef {
  kind: 'list' | 'map';
  /** The list field inside the wrapper struct, e.g. `fat_flow_protocol` or `key_value_pair`. */
  field: string;
  /** For maps: the key field of an element, e.g. `key`. */
  key?: string;
}

export interface PropDef {
  type: FieldType;
  default?: unknown;
  required?: boolean;
  /** Default "CRUD". */
  operations?: Operations;
  /** Set at create, never changed afterwards (400 "<field> cannot be updated"). */
  immutable?: boolean;
  /** Server-allocated; a client-provided different value is 403. */
  allocated?: boolean;
  /** Writable only by admin or controller actors (config-api.md "sys"). */
  system?: boolean;
  collection?: CollectionDef;
  description?: string;
}

export interface RefDef {
  /** Target type name, dash-case. */
  to: string;
  /** Complex type of the ref attr, or null when the ref carries none. */
  attr: string | null;
  required?: boolean;
  /** At most this many refs of this kind (VMI → virtual-network: 1). */
  max?: number;
  /** Maintained by a controller (schema, svc-monitor) or the API itself, not by clients. */
  derived?: boolean;
  /** Writable only by admin or controller actors. */
  system?: boolean;
  /** Does not block deletion of the target (e.g. VM → SI, health-check → SI). */
  weak?: boolean;
  operations?: Operations;
}

export interface TypeDef {
  /** dash-case, e.g. `virtual-network`. */
  name: string;
  /** Parent type names; `config-root` for top-level types. */
  parents: readonly string[];
  props: Record<string, PropDef>;
  /** Keyed by target type name. */
  refs: Record<string, RefDef>;
  /** Exists once (global-system-config). */
  singleton?: boolean;
  /** Children of this type are created and deleted by the server along with their parent (RI under VN). */
  derived?: boolean;
  /** Marked optional in config-api.md (alias-ip, virtual-DNS). */
  optional?: boolean;
  description?: string;
}
