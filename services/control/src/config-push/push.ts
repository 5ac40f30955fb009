import type { ConfigEvent } from '@skein/events';
import {
  encodeConfigIq,
  type ConfigChanges,
  type ConfigLink,
  type ConfigNode,
  type XmlElement,
} from '@skein/xmpp';
import { ConfigCache, type CachedObject } from './cache';
import { propsToXml } from './props';
import { linksAmong, reachable, walks } from './reach';

/** The session side of the push: who the agent is, and a way to write whole iqs to it. */
export interface ConfigPeer {
  readonly name: string;
  sendConfig(iqs: readonly string[]): void;
}

export interface ConfigPushOptions {
  log?(level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>): void;
  /** Split a push into iqs of at most this many nodes + links. */
  maxItemsPerIq?: number;
  /** …and roughly this many bytes (estimated before encoding; agents refuse stanzas over 4 MiB). */
  maxBytesPerIq?: number;
}

interface SentNode {
  uuid: string;
  sig: string;
}

interface SentLink {
  sig: string;
  /** The link as sent, without props: what a delete repeats. */
  ref: ConfigLink;
}

interface AgentConfig {
  peer: ConfigPeer;
  /** Subscribed nodes as the agent named them (`virtual-router:<fq>`, `virtual-machine:<uuid>`). */
  roots: Set<string>;
  /** What the agent holds now, by `<type>\t<name>` (the identity it sees). */
  nodes: Map<string, SentNode>;
  links: Map<string, SentLink>;
  /** uuids whose change may alter what this agent holds (see `Reach.interest`). */
  interest: Set<string>;
  /** Some root names no object (yet): recheck on every batch. */
  unresolved: boolean;
  iqSeq: number;
}

export interface ConfigPushStats {
  objects: number;
  agents: number;
  /** Per-agent recomputations of the reachable subgraph since start. */
  recomputed: number;
  iqs: number;
}

const VR_PREFIX = 'virtual-router:';
const VM_PREFIX = 'virtual-machine:';
const GSC = 'default-global-system-config';

/** A subscribe/unsubscribe for the /config channel rather than a routing instance. */
export function isConfigSubscription(s: { to?: string; node: string }): boolean {
  if (s.to !== undefined && /\/config$/.test(s.to)) return true;
  return s.node.startsWith(VR_PREFIX) || s.node.startsWith(VM_PREFIX);
}

type Item =
  | { op: 'update' | 'delete'; node: ConfigNode; size: number }
  | { op: 'update' | 'delete'; link: ConfigLink; size: number };

/**
 * The /config push (routing.md D, outline): per subscribed agent, the subgraph reachable from its
 * virtual-router (and any virtual-machines it subscribed to), sent whole on subscribe and as deltas after
 * each config batch. Only agents whose subgraph a batch could touch are recomputed; an agent that never
 * subscribes costs nothing beyond the shared cache.
 */
export class ConfigPush {
  readonly cache = new ConfigCache();
  private readonly agents = new Map<ConfigPeer, AgentConfig>();
  /** uuid → agents whose result depends on it. */
  private readonly interested = new Map<string, Set<AgentConfig>>();
  private readonly xmlCache = new WeakMap<CachedObject, XmlElement[]>();
  private readonly maxItems: number;
  private readonly maxBytes: number;
  private recomputed = 0;
  private iqs = 0;

  constructor(private readonly o: ConfigPushOptions = {}) {
    this.maxItems = o.maxItemsPerIq ?? 256;
    this.maxBytes = o.maxBytesPerIq ?? 256 * 1024;
  }

  stats(): ConfigPushStats {
    return { objects: this.cache.size, agents: this.agents.size, recomputed: this.recomputed, iqs: this.iqs };
  }

  apply(batch: readonly ConfigEvent[]): void {
    const touched = this.cache.apply(batch);
    const dirty = new Set<AgentConfig>();
    const mark = (uuid: string) => {
      for (const a of this.interested.get(uuid) ?? []) dirty.add(a);
    };
    for (const uuid of touched.written) mark(uuid);
    // The far end of a changed link matters only if the walk crosses such links from there: a new vrouter
    // under the global config is no news to the agents that reach the global config. The near end (the ref
    // holder, the child) was written, so it is covered above.
    for (const h of touched.holders) {
      const t = this.cache.get(h.uuid);
      if (t !== undefined && this.interested.has(h.uuid) && walks(t.type, 'backref', h.type)) mark(h.uuid);
    }
    for (const c of touched.children) {
      const p = this.cache.get(c.uuid);
      if (p !== undefined && this.interested.has(c.uuid) && walks(p.type, 'child', c.type)) mark(c.uuid);
    }
    for (const a of this.agents.values()) if (a.unresolved) dirty.add(a);
    for (const a of dirty) this.refresh(a);
  }

  subscribe(peer: ConfigPeer, node: string): void {
    if (node.startsWith(VR_PREFIX) && node !== `${VR_PREFIX}${GSC}:${peer.name}`) {
      // An agent reads its own vrouter's configuration, not another's.
      this.o.log?.('info', 'config subscribe for another virtual-router ignored', { agent: peer.name, node });
      return;
    }
    if (!node.startsWith(VR_PREFIX) && !node.startsWith(VM_PREFIX)) {
      this.o.log?.('info', 'config subscribe for an unknown node ignored', { agent: peer.name, node });
      return;
    }
    let a = this.agents.get(peer);
    if (a === undefined) {
      a = {
        peer,
        roots: new Set(),
        nodes: new Map(),
        links: new Map(),
        interest: new Set(),
        unresolved: false,
        iqSeq: 0,
      };
      this.agents.set(peer, a);
    }
    if (a.roots.has(node)) return;
    a.roots.add(node);
    this.refresh(a);
  }

  unsubscribe(peer: ConfigPeer, node: string): void {
    const a = this.agents.get(peer);
    if (a === undefined || !a.roots.delete(node)) return;
    this.refresh(a);
  }

  /** The session is gone: forget it (a new session subscribes and gets the full state again). */
  closed(peer: ConfigPeer): void {
    const a = this.agents.get(peer);
    if (a === undefined) return;
    this.agents.delete(peer);
    this.setInterest(a, new Set());
  }

  private resolve(root: string): string | undefined {
    if (root.startsWith(VR_PREFIX))
      return this.cache.byName('virtual-router', root.slice(VR_PREFIX.length))?.uuid;
    const id = root.slice(VM_PREFIX.length);
    // TF's agent names the VM by uuid; a VM's fq_name is usually that uuid too.
    const byUuid = this.cache.get(id);
    if (byUuid?.type === 'virtual-machine') return byUuid.uuid;
    return this.cache.byName('virtual-machine', id)?.uuid;
  }

  private refresh(a: AgentConfig): void {
    this.recomputed++;
    const roots: string[] = [];
    a.unresolved = false;
    for (const r of a.roots) {
      const uuid = this.resolve(r);
      if (uuid === undefined) a.unresolved = true;
      else roots.push(uuid);
    }
    const reach = reachable(this.cache, roots);
    this.setInterest(a, reach.interest);
    const links = linksAmong(this.cache, reach.nodes);

    const update: Item[] = [];
    const updateLinks: Item[] = [];
    const del: Item[] = [];
    const delLinks: Item[] = [];
    const nodes = new Map<string, SentNode>();
    for (const uuid of reach.nodes) {
      const o = this.cache.get(uuid)!;
      nodes.set(o.key, { uuid, sig: o.sig });
      if (a.nodes.get(o.key)?.sig !== o.sig)
        update.push({
          op: 'update',
          node: { type: o.type, name: o.name, props: this.xmlOf(o) },
          size: 2 * o.sig.length + 80,
        });
    }
    for (const key of a.nodes.keys()) {
      if (nodes.has(key)) continue;
      const [type, name] = splitKey(key);
      del.push({ op: 'delete', node: { type, name, props: [] }, size: key.length + 60 });
    }
    const sentLinks = new Map<string, SentLink>();
    for (const [key, l] of links) {
      const ref: ConfigLink = {
        left: { type: l.left.type, name: l.left.name },
        right: { type: l.right.type, name: l.right.name },
        metadata: l.metadata,
        props: [],
      };
      sentLinks.set(key, { sig: l.sig, ref });
      if (a.links.get(key)?.sig !== l.sig)
        updateLinks.push({
          op: 'update',
          link: { ...ref, props: attrXml(l.attr) },
          size: 2 * l.sig.length + key.length + 120,
        });
    }
    for (const [key, l] of a.links) {
      if (!sentLinks.has(key)) delLinks.push({ op: 'delete', link: l.ref, size: key.length + 120 });
    }
    a.nodes = nodes;
    a.links = sentLinks;
    // Nodes before the links that join them; links gone before the nodes they joined.
    this.send(a, [...update, ...updateLinks, ...delLinks, ...del]);
  }

  private send(a: AgentConfig, items: Item[]): void {
    if (items.length === 0) return;
    const iqs: string[] = [];
    let cur: Item[] = [];
    let bytes = 0;
    const flush = () => {
      if (cur.length === 0) return;
      const up: ConfigChanges = { nodes: [], links: [] };
      const down: ConfigChanges = { nodes: [], links: [] };
      for (const it of cur) {
        const c = it.op === 'update' ? up : down;
        if ('node' in it) c.nodes.push(it.node);
        else c.links.push(it.link);
      }
      iqs.push(encodeConfigIq({ agent: a.peer.name, id: `config${++a.iqSeq}`, update: up, delete: down }));
      cur = [];
      bytes = 0;
    };
    for (const it of items) {
      if (cur.length >= this.maxItems || (cur.length > 0 && bytes + it.size > this.maxBytes)) flush();
      cur.push(it);
      bytes += it.size;
    }
    flush();
    this.iqs += iqs.length;
    a.peer.sendConfig(iqs);
  }

  private setInterest(a: AgentConfig, next: Set<string>): void {
    for (const uuid of a.interest) {
      if (next.has(uuid)) continue;
      const s = this.interested.get(uuid);
      s?.delete(a);
      if (s?.size === 0) this.interested.delete(uuid);
    }
    for (const uuid of next) {
      if (a.interest.has(uuid)) continue;
      let s = this.interested.get(uuid);
      if (s === undefined) this.interested.set(uuid, (s = new Set()));
      s.add(a);
    }
    a.interest = next;
  }

  /** Property elements are built once per object version and shared by every agent that receives it. */
  private xmlOf(o: CachedObject): XmlElement[] {
    let x = this.xmlCache.get(o);
    if (x === undefined) this.xmlCache.set(o, (x = propsToXml(o.props)));
    return x;
  }
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf('\t');
  return [key.slice(0, i), key.slice(i + 1)];
}

function attrXml(attr: unknown): XmlElement[] {
  return attr !== null && typeof attr === 'object' && !Array.isArray(attr)
    ? propsToXml(attr as Record<string, unknown>)
    : [];
}
