import { HexIdType } from '../complex-types/simple';
import type { TypeDef } from '../schema';
import { prop } from './dsl';

export const tagType: TypeDef = {
  name: 'tag-type',
  parents: ['config-root'],
  refs: {},
  props: {
    tag_type_id: prop(HexIdType, {
      operations: 'R',
      allocated: true,
      system: true,
      description: '16-bit id; 0x0000..0x00ff reserved for predefined types',
    }),
  },
};
