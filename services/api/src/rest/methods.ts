import { getType, SkeinError, typeForCollection } from '@skein/model';

/**
 * The methods each path serves, for the 405 TF answers (bottle's, with an Allow header) when a path exists but
 * not for the method asked; an unknown path stays 404. Keep in step with the controllers' decorators.
 */
const FIXED: ReadonlyMap<string, readonly string[]> = new Map([
  ['', ['GET']],
  ['fqname-to-id', ['POST']],
  ['id-to-fqname', ['POST']],
  ['ref-update', ['POST']],
  ['ref-relax-for-delete', ['POST']],
  ['prop-collection-get', ['GET']],
  ['prop-collection-update', ['POST']],
  ['useragent-kv', ['POST']],
  ['list-bulk-collection', ['POST']],
  ['obj-perms', ['GET']],
  ['chown', ['POST']],
  ['chmod', ['POST']],
  ['set-tag', ['POST']],
  ['aaa-mode', ['GET', 'PUT']],
  ['auth/tokens', ['POST']],
  ['health', ['GET']],
  ['metrics', ['GET']],
  ['watch', ['GET']],
]);
const VN_ACTIONS = new Set(['ip-alloc', 'ip-free', 'subnet-ip-count']);

/** The methods `path` serves, or undefined for a path that does not exist. */
export function methodsOf(path: string): readonly string[] | undefined {
  const parts = path
    .split('?')[0]
    .split('/')
    .filter((p) => p !== '');
  const fixed = FIXED.get(parts.join('/'));
  if (fixed) return fixed;
  if (parts.length === 1 && typeForCollection(parts[0])) return ['GET', 'POST'];
  if (parts.length === 2 && getType(parts[0])) return ['GET', 'PUT', 'DELETE'];
  if (parts.length === 3 && parts[0] === 'virtual-network' && VN_ACTIONS.has(parts[2])) return ['POST'];
  return undefined;
}

/** A 405 naming what `path` serves, when it exists but not for `method`; undefined otherwise. */
export function methodNotAllowed(method: string, path: string): SkeinError | undefined {
  const allowed = methodsOf(path);
  if (!allowed || allowed.includes(method)) return undefined;
  return new SkeinError(
    405,
    'METHOD_NOT_ALLOWED',
    `Method ${method} not allowed on ${path.split('?')[0]}; allowed: ${allowed.join(', ')}`,
  );
}
