import {
  CONFIG_RESOURCE,
  encodeSubscribe,
  encodeUnsubscribe,
  controlNodeJid,
  propsToJson,
  type ConfigIq,
  type ConfigLink,
  type ConfigNodeRef,
  type XmlElement,
} from '@skein/xmpp';
import { Waiters } from './waiters';

export interface ConfigViewNode {
  type: string;
  /** The fq name joined with `:`. */
  name: string;
  props: XmlElement[];
  /** `props` as JSON (`propsToJson`: leaves are strings, repeated names become arrays). */
  json: Record<string, unknown>;
}

export interface ConfigViewLink {
  left: ConfigNodeRef;
  right: ConfigNodeRef;
  metadata: string;
  props: XmlElement[];
  json: Record<string, unknown>;
}

const linkKey = (l: { left: ConfigNodeRef; right: ConfigNodeRef; metadata: string }) =>
  `${l.metadata}\t${l.left.type}:${l.left.name}\t${l.right.type}:${l.right.name}`;

/** What an agent has learned over /config: IF-MAP nodes by type and fq name, and the links between them. */
export class ConfigView {
  private readonly byType = new Map<string, Map<string, ConfigViewNode>>();
  private readonly linkMap = new Map<string, ConfigViewLink>();

  node(type: string, name: string | readonly string[]): ConfigViewNode | undefined {
    return this.byType.get(type)?.get(typeof name === 'string' ? name : name.join(':'));
  }

  has(type: string, name: string | readonly string[]): boolean {
    return this.node(type, name) !== undefined;
  }

  nodes(type?: string): ConfigViewNode[] {
    if (type !== undefined) return [...(this.byType.get(type)?.values() ?? [])];
    return [...this.byType.values()].flatMap((m) => [...m.values()]);
  }

  /** Types with at least one node. */
  types(): string[] {
    return [...this.byType.keys()];
  }

  links(metadata?: string): ConfigViewLink[] {
    const all = [...this.linkMap.values()];
    return metadata === undefined ? all : all.filter((l) => l.metadata === metadata);
  }

  /** The link `metadata` between the two nodes, in either order. */
  link(metadata: string, a: ConfigNodeRef, b: ConfigNodeRef): ConfigViewLink | undefined {
    return (
      this.linkMap.get(linkKey({ metadata, left: a, right: b })) ??
      this.linkMap.get(linkKey({ metadata, left: b, right: a }))
    );
  }

  /** Nodes linked to `n`, optionally only over links named `metadata`. */
  neighbours(n: ConfigNodeRef, metadata?: string): ConfigNodeRef[] {
    const out: ConfigNodeRef[] = [];
    for (const l of this.linkMap.values()) {
      if (metadata !== undefined && l.metadata !== metadata) continue;
      if (l.left.type === n.type && l.left.name === n.name) out.push(l.right);
      else if (l.right.type === n.type && l.right.name === n.name) out.push(l.left);
    }
    return out;
  }

  get size(): { nodes: number; links: number } {
    let nodes = 0;
    for (const m of this.byType.values()) nodes += m.size;
    return { nodes, links: this.linkMap.size };
  }

  /** Updates, then deletes; links before the nodes they join go, and a deleted node takes its links along. */
  apply(iq: ConfigIq): void {
    for (const n of iq.update.nodes) {
      let m = this.byType.get(n.type);
      if (m === undefined) this.byType.set(n.type, (m = new Map()));
      m.set(n.name, { type: n.type, name: n.name, props: n.props, json: propsToJson(n.props) });
    }
    for (const l of iq.update.links) this.linkMap.set(linkKey(l), toViewLink(l));
    for (const l of iq.delete.links) this.linkMap.delete(linkKey(l));
    for (const n of iq.delete.nodes) {
      const m = this.byType.get(n.type);
      if (!m?.delete(n.name)) continue;
      if (m.size === 0) this.byType.delete(n.type);
      for (const [k, l] of this.linkMap) {
        if (
          (l.left.type === n.type && l.left.name === n.name) ||
          (l.right.type === n.type && l.right.name === n.name)
        )
          this.linkMap.delete(k);
      }
    }
  }

  clear(): void {
    this.byType.clear();
    this.linkMap.clear();
  }
}

function toViewLink(l: ConfigLink): ConfigViewLink {
  return { left: l.left, right: l.right, metadata: l.metadata, props: l.props, json: propsToJson(l.props) };
}

/**
 * The agent's /config channel: which nodes it subscribes to (its virtual-router, and virtual-machines), and
 * the view built from what arrives. Subscribes carry no id, as TF's agent sends them.
 */
export class ConfigChannel {
  readonly view = new ConfigView();
  /** Config iqs received, subscribed or not. */
  iqsReceived = 0;
  private readonly nodes = new Set<string>();
  private readonly waiters = new Waiters<ConfigView>();

  constructor(private readonly agent: string) {}

  /** `virtual-router:default-global-system-config:<agent>`, TF's node for an agent's own vrouter. */
  get vrouterNode(): string {
    return `virtual-router:default-global-system-config:${this.agent}`;
  }

  get subscriptions(): ReadonlySet<string> {
    return this.nodes;
  }

  /** Adds a node; returns the iq to send now when the session is up (a repeat returns nothing). */
  subscribe(node: string): string | undefined {
    if (this.nodes.has(node)) return undefined;
    this.nodes.add(node);
    return this.subscribeIq(node);
  }

  unsubscribe(node: string): string | undefined {
    if (!this.nodes.delete(node)) return undefined;
    return encodeUnsubscribe({ from: this.agent, to: controlNodeJid(CONFIG_RESOURCE), node });
  }

  /**
   * A new session gets the full state again, so what the last one sent is dropped first (there is no
   * end-of-config marker to sweep stale nodes against). Returns the subscribes to send.
   */
  established(): string[] {
    this.view.clear();
    this.waiters.check('config');
    return [...this.nodes].map((n) => this.subscribeIq(n));
  }

  receive(iq: ConfigIq): void {
    this.iqsReceived++;
    this.view.apply(iq);
    this.waiters.check('config');
  }

  wait(predicate: (v: ConfigView) => boolean, timeoutMs: number): Promise<ConfigView> {
    return this.waiters.wait(
      'config',
      () => (predicate(this.view) ? this.view : undefined),
      timeoutMs,
      () => {
        const s = this.view.size;
        return `agent ${this.agent}: /config view not as expected (${s.nodes} nodes, ${s.links} links: ${this.view.types().join(', ')})`;
      },
    );
  }

  failWaiters(e: Error): void {
    this.waiters.rejectAll(e);
  }

  private subscribeIq(node: string): string {
    return encodeSubscribe({ from: this.agent, to: controlNodeJid(CONFIG_RESOURCE), node });
  }
}
