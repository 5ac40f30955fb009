/** Constructors for property and ref declarations of a `TypeDef` (data only). */
import { struct } from '../complex-types/dsl';
import type { FieldType, PropDef, RefDef } from '../schema';

type PropOpts = Omit<PropDef, 'type'>;
type RefOpts = Omit<RefDef, 'to' | 'attr'>;

/** A property. */
export const prop = (type: FieldType, opts: PropOpts = {}): PropDef => ({ type, ...opts });

/** TF operations "CR"/"CRD": set at create, never changed afterwards (config-api.md "imm."). */
export const immutable = (type: FieldType, opts: PropOpts = {}): PropDef =>
  prop(type, { operations: 'CRD', immutable: true, ...opts });

/** TF ListProperty: the wrapper struct `wrapper` whose list field `field` holds the elements. */
export const listProp = (wrapper: string, field: string, opts: PropOpts = {}): PropDef =>
  prop(struct(wrapper), { collection: { kind: 'list', field }, ...opts });

/** TF MapProperty: like a list property, elements keyed by their `key` field. */
export const mapProp = (wrapper: string, field: string, key: string, opts: PropOpts = {}): PropDef =>
  prop(struct(wrapper), { collection: { kind: 'map', field, key }, ...opts });

/** A ref to `to`, with attr complex type `attr` (null when the ref carries none). */
export const ref = (to: string, attr: string | null = null, opts: RefOpts = {}): RefDef => ({
  to,
  attr,
  ...opts,
});

/** Build the `refs` record (keyed by target type) from a list of refs. */
export const refs = (...list: RefDef[]): Record<string, RefDef> => {
  const out: Record<string, RefDef> = {};
  for (const r of list) {
    if (out[r.to]) throw new Error(`duplicate ref to ${r.to}`);
    out[r.to] = r;
  }
  return out;
};
