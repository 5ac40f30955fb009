/** Fields every type has (config-api.md §1.2, TF base.yml), added to each TypeDef once by `withCommon`. */
import { int, str, struct } from '../complex-types/dsl';
import type { PropDef, RefDef, TypeDef } from '../schema';
import { mapProp, prop, ref } from './dsl';

export const commonProps: Readonly<Record<string, PropDef>> = {
  display_name: prop(str(), { description: 'Defaults to the name; may be changed any time.' }),
  id_perms: prop(struct('IdPermsType'), {
    description: 'Of a client value only enable, description and (admin) user_visible are honoured.',
  }),
  perms2: prop(struct('PermType2'), { description: 'Ownership and sharing; changed by chown/chmod.' }),
  annotations: mapProp('KeyValuePairs', 'key_value_pair', 'key', {
    description: 'Dictionary of arbitrary (key, value) on a resource.',
  }),
  configuration_version: prop(int(0), { description: 'Configuration version for the object (TF base.yml).' }),
};

/** Any object may reference tags. */
export const commonRefs: Readonly<Record<string, RefDef>> = {
  tag: ref('tag', null),
};

/** The TypeDef with the common props and refs added; the type's own declarations win. */
export function withCommon(def: TypeDef): TypeDef {
  return {
    ...def,
    props: { ...commonProps, ...def.props },
    refs: { ...commonRefs, ...def.refs },
  };
}
