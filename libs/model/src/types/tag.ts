import { bool, str } from '../complex-types/dsl';
import { HexIdType } from '../complex-types/simple';
import type { TypeDef } from '../schema';
import { immutable, prop, ref, refs } from './dsl';

/** Named `<type>=<value>` by the server; global under config-root or scoped to a project. */
export const tag: TypeDef = {
  name: 'tag',
  parents: ['config-root', 'project'],
  refs: refs(ref('tag-type', null, { derived: true, max: 1 })),
  props: {
    tag_type_name: immutable(str(), { operations: 'CR' }),
    tag_value: immutable(str(), { operations: 'CR' }),
    tag_predefined: immutable(bool, { operations: 'CR', default: false }),
    tag_id: prop(HexIdType, {
      operations: 'R',
      allocated: true,
      system: true,
      description: '0x + type id (4 hex digits) + value id (4 hex digits)',
    }),
  },
};
