import { getType, SkeinError, typeForCollection, typeNames } from '@skein/model';

/**
 * The fixed paths the API serves: their methods, and the homepage link name of the actions (TF's names:
 * vnc_api finds its action URLs by link name). Keep in step with the controllers' decorators. One table for
 * GET / and for the 405 TF answers (bottle's, with an Allow header) when a path exists but not for the method.
 */
interface FixedRoute {
  path: string;
  methods: readonly string[];
  /** The `rel: action` link of GET /, when there is one. */
  link?: string;
}

const FIXED_ROUTES: readonly FixedRoute[] = [
  { path: '', methods: ['GET'] },
  { path: 'prop-collection-get', methods: ['GET'], link: 'prop-collection-get' },
  { path: 'prop-collection-update', methods: ['POST'], link: 'prop-collection-update' },
  { path: 'ref-update', methods: ['POST'], link: 'ref-update' },
  { path: 'ref-relax-for-delete', methods: ['POST'], link: 'ref-relax-for-delete' },
  { path: 'fqname-to-id', methods: ['POST'], link: 'name-to-id' },
  { path: 'id-to-fqname', methods: ['POST'], link: 'id-to-name' },
  { path: 'useragent-kv', methods: ['POST'], link: 'useragent-keyvalue' },
  { path: 'list-bulk-collection', methods: ['POST'], link: 'list-bulk-collection' },
  { path: 'obj-perms', methods: ['GET'], link: 'obj-perms' },
  { path: 'chown', methods: ['POST'], link: 'chown' },
  { path: 'chmod', methods: ['POST'], link: 'chmod' },
  { path: 'aaa-mode', methods: ['GET', 'PUT'], link: 'aaa-mode' },
  { path: 'set-tag', methods: ['POST'], link: 'set-tag' },
  { path: 'virtual-network/%s/ip-alloc', methods: ['POST'], link: 'virtual-network-ip-alloc' },
  { path: 'virtual-network/%s/ip-free', methods: ['POST'], link: 'virtual-network-ip-free' },
  { path: 'virtual-network/%s/subnet-ip-count', methods: ['POST'], link: 'virtual-network-subnet-ip-count' },
  // Skein's own.
  { path: 'watch', methods: ['GET'], link: 'watch' },
  { path: 'auth/tokens', methods: ['POST'] },
  { path: 'health', methods: ['GET'] },
  { path: 'metrics', methods: ['GET'] },
];

const BY_PATH = new Map(FIXED_ROUTES.map((r) => [r.path, r.methods]));

/** GET /: links to every collection, resource base and action, each action with TF's link name and method. */
export function homepage(base: string) {
  const links: { link: { href: string; name: string; rel: string; method?: string } }[] = [
    { link: { href: base, name: 'root', rel: 'root' } },
  ];
  for (const t of typeNames) {
    links.push({ link: { href: `${base}/${t}s`, name: t, rel: 'collection' } });
    links.push({ link: { href: `${base}/${t}`, name: t, rel: 'resource-base' } });
  }
  for (const r of FIXED_ROUTES) {
    // TF's link carries the action's one method; aaa-mode's is its write.
    if (r.link)
      links.push({
        link: { href: `${base}/${r.path}`, name: r.link, rel: 'action', method: r.methods.at(-1) },
      });
  }
  return { href: base, links };
}

/** The methods `path` serves, or undefined for a path that does not exist. */
export function methodsOf(path: string): readonly string[] | undefined {
  const parts = path
    .split('?')[0]
    .split('/')
    .filter((p) => p !== '');
  const fixed = BY_PATH.get(parts.join('/'));
  if (fixed) return fixed;
  if (parts.length === 1 && typeForCollection(parts[0])) return ['GET', 'POST'];
  if (parts.length === 2 && getType(parts[0])) return ['GET', 'PUT', 'DELETE'];
  if (parts.length === 3 && parts[0] === 'virtual-network')
    return BY_PATH.get(`virtual-network/%s/${parts[2]}`);
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
