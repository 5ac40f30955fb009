import { AttrFlag } from '../../constants';
import { PathAttributes } from './types';

/**
 * RFC 4271 §5 for attributes this speaker does not recognise, applied when a path is passed on: optional
 * non-transitive ones are dropped, optional transitive ones go out with the Partial bit set.
 */
export function unknownAttributesToPropagate(attrs: PathAttributes): PathAttributes {
  if (!attrs.unknown) return attrs;
  const kept = attrs.unknown
    .filter((a) => (a.flags & AttrFlag.Transitive) !== 0)
    .map((a) => ({ ...a, flags: a.flags | AttrFlag.Partial }));
  const out: PathAttributes = { ...attrs };
  if (kept.length > 0) out.unknown = kept;
  else delete out.unknown;
  return out;
}
