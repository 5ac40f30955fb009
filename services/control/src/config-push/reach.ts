import type { CachedObject, ConfigCache } from './cache';

/**
 * How the walk may leave a node of a given type: along its own refs, to its parent, to its children, or to
 * the objects that ref it, each restricted to one type of object at the other end.
 */
export type Edge =
  | { via: 'ref'; type: string }
  | { via: 'parent'; type: string }
  | { via: 'child'; type: string }
  | { via: 'backref'; type: string };

const ref = (type: string): Edge => ({ via: 'ref', type });
const parent = (type: string): Edge => ({ via: 'parent', type });
const child = (type: string): Edge => ({ via: 'child', type });
const backref = (type: string): Edge => ({ via: 'backref', type });

/**
 * The walk, per source type, after TF's `IFMapGraphWalker::AddNodesToWhitelist` narrowed to what Skein
 * models. Edges are directed on purpose: a VMI leads to its VN, but a VN does not lead back to every VMI on
 * it (that would hand an agent other vrouters' ports); a floating-ip leads to its pool, not to the other
 * VMIs it is attached to; a tag leads to the policy sets that match on it, not to everything it tags.
 */
const WALK: Readonly<Record<string, readonly Edge[]>> = {
  'virtual-router': [
    ref('virtual-machine'),
    child('virtual-machine-interface'),
    // A VMI may name its vrouter by ref instead of parentage (either direction).
    ref('virtual-machine-interface'),
    backref('virtual-machine-interface'),
    parent('global-system-config'),
  ],
  'global-system-config': [child('global-vrouter-config')],
  // The global application-policy-set refs the vrouter config: that is how global firewall policy arrives.
  'global-vrouter-config': [backref('application-policy-set')],
  'virtual-machine': [backref('virtual-machine-interface'), child('virtual-machine-interface'), ref('tag')],
  'virtual-machine-interface': [
    ref('virtual-machine'),
    parent('virtual-machine'),
    parent('project'),
    ref('virtual-network'),
    ref('routing-instance'),
    ref('security-group'),
    ref('tag'),
    backref('instance-ip'),
    backref('floating-ip'),
    backref('alias-ip'),
  ],
  project: [ref('application-policy-set'), ref('tag')],
  'virtual-network': [
    child('routing-instance'),
    child('access-control-list'),
    child('floating-ip-pool'),
    ref('network-ipam'),
    ref('network-policy'),
    ref('tag'),
  ],
  'instance-ip': [ref('virtual-network')],
  'floating-ip': [parent('floating-ip-pool'), parent('instance-ip')],
  'floating-ip-pool': [parent('virtual-network')],
  'alias-ip': [parent('alias-ip-pool')],
  'alias-ip-pool': [parent('virtual-network')],
  'security-group': [child('access-control-list')],
  'network-policy': [],
  tag: [backref('application-policy-set')],
  'application-policy-set': [ref('firewall-policy')],
  'firewall-policy': [ref('firewall-rule')],
  'firewall-rule': [ref('tag'), ref('address-group'), ref('service-group')],
  'address-group': [ref('tag')],
};

/** Whether the walk leaves a `from` node along a link `via` to an object of `type`. */
export function walks(from: string, via: Edge['via'], type: string): boolean {
  return (WALK[from] ?? []).some((e) => e.via === via && e.type === type);
}

export interface Reach {
  /** Objects the agent receives. */
  nodes: Set<string>;
  /**
   * Objects whose change could alter this result: the nodes, plus ref/parent targets not (yet) in the
   * cache, so their later arrival still marks the agent dirty.
   */
  interest: Set<string>;
}

/** Everything reachable from `roots` (uuids) along `WALK`. */
export function reachable(cache: ConfigCache, roots: Iterable<string>): Reach {
  const nodes = new Set<string>();
  const interest = new Set<string>();
  const queue: CachedObject[] = [];
  const visit = (uuid: string): void => {
    if (nodes.has(uuid)) return;
    const o = cache.get(uuid);
    interest.add(uuid);
    if (o === undefined) return;
    nodes.add(uuid);
    queue.push(o);
  };
  for (const r of roots) visit(r);
  while (queue.length > 0) {
    const o = queue.pop()!;
    for (const e of WALK[o.type] ?? []) {
      switch (e.via) {
        case 'ref':
          for (const r of o.refs) {
            const t = cache.get(r.uuid);
            if (t === undefined) interest.add(r.uuid);
            else if (t.type === e.type) visit(r.uuid);
          }
          break;
        case 'parent':
          if (o.parentUuid !== undefined) {
            const p = cache.get(o.parentUuid);
            if (p === undefined) interest.add(o.parentUuid);
            else if (p.type === e.type) visit(o.parentUuid);
          }
          break;
        case 'child':
          for (const c of cache.children(o.uuid, e.type)) visit(c);
          break;
        case 'backref':
          for (const h of cache.holders(o.uuid, e.type)) visit(h);
          break;
      }
    }
  }
  return { nodes, interest };
}

export interface LinkRec {
  key: string;
  left: CachedObject;
  right: CachedObject;
  /** IF-MAP link name: `<ref holder>-<ref target>` or `<parent>-<child>`. */
  metadata: string;
  attr: unknown;
  sig: string;
}

/**
 * Every link both of whose ends are in `nodes` (TF's exporter sends a link once the client is interested in
 * both ends). Each link is held by exactly one object (a ref by its holder, parentage by the child), so
 * scanning the nodes' own refs and parents finds each once; a same-type ref held by both ends (VN↔VN,
 * RI↔RI) is one link, its ends put in name order.
 */
export function linksAmong(cache: ConfigCache, nodes: ReadonlySet<string>): Map<string, LinkRec> {
  const out = new Map<string, LinkRec>();
  const put = (left: CachedObject, right: CachedObject, attr: unknown): void => {
    if (left.type === right.type && left.name > right.name) [left, right] = [right, left];
    const metadata = `${left.type}-${right.type}`;
    const key = `${metadata}\t${left.name}\t${right.name}`;
    if (!out.has(key)) out.set(key, { key, left, right, metadata, attr, sig: JSON.stringify(attr ?? null) });
  };
  for (const uuid of nodes) {
    const o = cache.get(uuid)!;
    if (o.parentUuid !== undefined && nodes.has(o.parentUuid)) put(cache.get(o.parentUuid)!, o, null);
    for (const r of o.refs) if (nodes.has(r.uuid)) put(o, cache.get(r.uuid)!, r.attr);
  }
  return out;
}
