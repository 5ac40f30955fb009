/**
 * The object-model registry: every v1 TypeDef (with the common fields added) and every complex type, checked for
 * consistency and deep-frozen at module load, plus the O(1) lookups the generic API code needs (names of
 * collections, ref / back-ref / child fields, parents, children, ref targets and sources).
 *
 * Naming (config-api.md §2): collections are the naive `<type>s` (`network-policys`, `virtual-DNSs`); JSON fields
 * use `_`: refs `<target>_refs`, back-refs `<source>_back_refs`, children the naive plural (`routing_instances`).
 */
import { complexTypes as declaredComplexTypes } from './complex-types';
import type { ComplexType, FieldType, RefDef, TypeDef } from './schema';
import { typeDefs, withCommon } from './types';

/** The implicit root: the parent of top-level types. Not itself a type. */
export const CONFIG_ROOT = 'config-root';

/** Same-type refs of these types are symmetric: both ends list each other, neither has back-refs. */
export const SYMMETRIC_REF_TYPES: readonly string[] = Object.freeze([
  'routing-instance',
  'bgp-router',
  'virtual-network',
]);

// ---- naming (pure) ----

/** `virtual-network` → `virtual_network` (`virtual-DNS` → `virtual_DNS`). */
export const typeField = (type: string): string => type.replace(/-/g, '_');
/** The inverse, for the clients that name types with underscores (`virtual_network` → `virtual-network`). */
export const typeFromField = (name: string): string => name.replace(/_/g, '-');
/** `virtual-network` → `virtual-networks` (REST collection, list envelope key). */
export const collectionName = (type: string): string => `${type}s`;
/** Target type → the ref field on the source: `virtual-network` → `virtual_network_refs`. */
export const refField = (targetType: string): string => `${typeField(targetType)}_refs`;
/** Source type → the back-ref field on the target: `virtual-machine-interface` → `virtual_machine_interface_back_refs`. */
export const backRefField = (sourceType: string): string => `${typeField(sourceType)}_back_refs`;
/** Child type → the children field on the parent: `routing-instance` → `routing_instances`. */
export const childField = (childType: string): string => `${typeField(childType)}s`;

// ---- per-type precomputed view ----

export interface TypeInfo {
  readonly name: string;
  readonly def: TypeDef;
  /** `virtual_network`: the type as a JSON field / watch resource_type. */
  readonly field: string;
  /** `virtual-networks`. */
  readonly collection: string;
  readonly parents: readonly string[];
  /** Types that may have this type as parent. */
  readonly children: readonly string[];
  /** Types this type may reference (keys of `def.refs`). */
  readonly refTargets: readonly string[];
  /** Types that may reference this type and appear as back-refs (same-type symmetric refs excluded). */
  readonly backRefSources: readonly string[];
  /** `virtual_network_refs` → its RefDef. */
  readonly refFields: ReadonlyMap<string, RefDef>;
  /** `virtual_machine_interface_back_refs` → `virtual-machine-interface`. */
  readonly backRefFields: ReadonlyMap<string, string>;
  /** `routing_instances` → `routing-instance`. */
  readonly childFields: ReadonlyMap<string, string>;
  /** Names of the props that are TF List/Map properties. */
  readonly collectionProps: readonly string[];
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

/** Names of the complex types a field type refers to directly. */
function structNames(t: FieldType, out: string[] = []): string[] {
  if (t.kind === 'struct') out.push(t.name);
  else if (t.kind === 'list') structNames(t.of, out);
  return out;
}

function checkConsistency(defs: readonly TypeDef[], cts: Record<string, ComplexType>): void {
  const errors: string[] = [];
  const names = new Set(defs.map((d) => d.name));
  const requireCt = (name: string, where: string) => {
    if (!cts[name]) errors.push(`${where}: unknown complex type ${name}`);
  };
  for (const [name, ct] of Object.entries(cts)) {
    if (ct.name !== name) errors.push(`complex type ${name} is named ${ct.name}`);
    for (const [f, sf] of Object.entries(ct.fields)) {
      for (const s of structNames(sf.type)) requireCt(s, `${name}.${f}`);
    }
  }
  for (const def of defs) {
    if (def.parents.length === 0) errors.push(`${def.name}: no parents`);
    for (const p of def.parents) {
      if (p !== CONFIG_ROOT && !names.has(p)) errors.push(`${def.name}: unknown parent ${p}`);
    }
    for (const [key, r] of Object.entries(def.refs)) {
      if (key !== r.to) errors.push(`${def.name}: ref keyed ${key} targets ${r.to}`);
      if (!names.has(r.to)) errors.push(`${def.name}: ref to unknown type ${r.to}`);
      if (r.attr !== null) requireCt(r.attr, `${def.name} → ${r.to} attr`);
    }
    for (const [pname, p] of Object.entries(def.props)) {
      for (const s of structNames(p.type)) requireCt(s, `${def.name}.${pname}`);
      const c = p.collection;
      if (!c) continue;
      const wrapper = p.type.kind === 'struct' ? cts[p.type.name] : undefined;
      const field = wrapper?.fields[c.field]?.type;
      if (!wrapper || !field || field.kind !== 'list') {
        errors.push(`${def.name}.${pname}: collection field ${c.field} is not a list of the wrapper struct`);
        continue;
      }
      if (c.kind === 'map') {
        const elem = field.of.kind === 'struct' ? cts[field.of.name] : undefined;
        if (!c.key || !elem?.fields[c.key])
          errors.push(`${def.name}.${pname}: map key ${c.key} not in element`);
      }
    }
  }
  if (errors.length) throw new Error(`object model is inconsistent:\n  ${errors.join('\n  ')}`);
}

/**
 * `record[key]` only for the record's own keys. Clients name types, fields and ref types (`__proto__`,
 * `constructor`, `toString` included); a plain index would hand them Object.prototype's members.
 */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** A prototype-less copy: a lookup that forgets `own` still finds nothing for `constructor` or `__proto__`. */
const dict = <T>(r: Record<string, T>): Record<string, T> => Object.assign(Object.create(null), r);

const builtTypes: readonly TypeDef[] = deepFreeze(
  typeDefs.map(withCommon).map((d) => ({ ...d, props: dict(d.props), refs: dict(d.refs) })),
);
const builtComplexTypes: Readonly<Record<string, ComplexType>> = deepFreeze(
  dict(
    Object.fromEntries(
      Object.entries(declaredComplexTypes).map(([n, ct]) => [n, { ...ct, fields: dict(ct.fields) }]),
    ),
  ),
);
checkConsistency(builtTypes, builtComplexTypes);

const byName = new Map<string, TypeDef>();
const byCollection = new Map<string, TypeDef>();
const byField = new Map<string, TypeDef>();
const byRefField = new Map<string, string>();
const byBackRefField = new Map<string, string>();
const byChildField = new Map<string, string>();
for (const def of builtTypes) {
  if (byName.has(def.name)) throw new Error(`type ${def.name} declared twice`);
  byName.set(def.name, def);
  byCollection.set(collectionName(def.name), def);
  byField.set(typeField(def.name), def);
  byRefField.set(refField(def.name), def.name);
  byBackRefField.set(backRefField(def.name), def.name);
  byChildField.set(childField(def.name), def.name);
}

/** Is a ref from `from` to `to` symmetric (same type, and one of SYMMETRIC_REF_TYPES)? */
export const isSymmetricRef = (from: string, to: string): boolean =>
  from === to && SYMMETRIC_REF_TYPES.includes(from);

const infos = new Map<string, TypeInfo>();
for (const def of builtTypes) {
  const children = builtTypes.filter((c) => c.parents.includes(def.name)).map((c) => c.name);
  const backRefSources = builtTypes
    .filter((s) => own(s.refs, def.name) && !isSymmetricRef(s.name, def.name))
    .map((s) => s.name);
  const refTargets = Object.keys(def.refs);
  infos.set(
    def.name,
    deepFreeze({
      name: def.name,
      def,
      field: typeField(def.name),
      collection: collectionName(def.name),
      parents: def.parents,
      children,
      refTargets,
      backRefSources,
      refFields: new Map(refTargets.map((t) => [refField(t), def.refs[t]] as const)),
      backRefFields: new Map(backRefSources.map((s) => [backRefField(s), s] as const)),
      childFields: new Map(children.map((c) => [childField(c), c] as const)),
      collectionProps: Object.keys(def.props).filter((p) => def.props[p].collection),
    }),
  );
}
// Maps are not made immutable by Object.freeze; callers get ReadonlyMap views and must not cast them away.

/** Every v1 TypeDef, common fields included, in declaration order. Deep-frozen. */
export const types: readonly TypeDef[] = builtTypes;
/** Every v1 type name. */
export const typeNames: readonly string[] = Object.freeze(builtTypes.map((d) => d.name));
/** The complex-type registry by TF name. Deep-frozen. */
export const complexTypes: Readonly<Record<string, ComplexType>> = builtComplexTypes;

export const getType = (name: string): TypeDef | undefined => byName.get(name);
export const typeInfo = (name: string): TypeInfo | undefined => infos.get(name);
/** `virtual-networks` → the virtual-network TypeDef. */
export const typeForCollection = (collection: string): TypeDef | undefined => byCollection.get(collection);
/** `virtual_network` → the virtual-network TypeDef (watch `resource_type`, quota keys). */
export const typeForField = (field: string): TypeDef | undefined => byField.get(field);
/** `virtual_network_refs` → `virtual-network` (any supported target). */
export const refTargetForField = (field: string): string | undefined => byRefField.get(field);
/** `virtual_machine_interface_back_refs` → `virtual-machine-interface`. */
export const backRefSourceForField = (field: string): string | undefined => byBackRefField.get(field);
/** `routing_instances` → `routing-instance`. */
export const childTypeForField = (field: string): string | undefined => byChildField.get(field);

const EMPTY: readonly string[] = Object.freeze([]);
export const parentTypesOf = (type: string): readonly string[] => infos.get(type)?.parents ?? EMPTY;
export const childTypesOf = (type: string): readonly string[] => infos.get(type)?.children ?? EMPTY;
export const refTargetsOf = (type: string): readonly string[] => infos.get(type)?.refTargets ?? EMPTY;
export const backRefSourcesOf = (type: string): readonly string[] => infos.get(type)?.backRefSources ?? EMPTY;
/** The RefDef of `from` → `to`, if `from` may reference `to`. */
export const refDef = (from: string, to: string): RefDef | undefined => {
  const def = byName.get(from);
  return def && own(def.refs, to);
};
export const complexType = (name: string): ComplexType | undefined => own(builtComplexTypes, name);
