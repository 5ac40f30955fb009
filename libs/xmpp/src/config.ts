import { CONFIG_RESOURCE, CONTROL_NODE_JID } from './constants';
import type { StanzaAddress } from './stanza-common';
import { child, childrenNamed, element, openTag, serialize, type XmlElement } from './xml';

/**
 * The /config push, in outline (spec D; TF's IF-MAP over XMPP, `ifmap_xmpp.cc` / agent
 * `controller_ifmap.cc`): `<iq type='set' from='<control node>' to='<agent>/config'><config>` with
 * `<update>` and `<delete>` lists of
 *   `<node type='<type>'><name>fq:name</name>…props…</node>` and
 *   `<link><node type=…><name>…</name></node><node …/><metadata type='<link>'/></link>`.
 * Properties stay XML elements; `propsFromJson`/`propsToJson` convert the common shape (underscored
 * JSON keys ↔ hyphenated element names, arrays as repeated elements).
 */

export interface ConfigNodeRef {
  type: string;
  name: string;
}

export interface ConfigNode extends ConfigNodeRef {
  props: XmlElement[];
}

export interface ConfigLink {
  left: ConfigNodeRef;
  right: ConfigNodeRef;
  /** The link type, e.g. `virtual-router-virtual-machine`. */
  metadata: string;
  /** Link attributes (a ref's attr), if any. */
  props: XmlElement[];
}

export interface ConfigChanges {
  nodes: ConfigNode[];
  links: ConfigLink[];
}

export interface ConfigIq extends StanzaAddress {
  kind: 'config';
  update: ConfigChanges;
  delete: ConfigChanges;
}

const refEl = (r: ConfigNodeRef, props: readonly XmlElement[] = []) =>
  element('node', { type: r.type }, [element('name', {}, r.name), ...props]);

function changesEl(tag: 'update' | 'delete', c: ConfigChanges | undefined): XmlElement | undefined {
  if (c === undefined || (c.nodes.length === 0 && c.links.length === 0)) return undefined;
  return element(tag, {}, [
    ...c.nodes.map((n) => refEl(n, n.props)),
    ...c.links.map((l) =>
      element('link', {}, [
        refEl(l.left),
        refEl(l.right),
        element('metadata', { type: l.metadata }, l.props),
      ]),
    ),
  ]);
}

export function encodeConfigIq(o: {
  agent: string;
  id?: string;
  update?: ConfigChanges;
  delete?: ConfigChanges;
}): string {
  const attrs: Record<string, string> = {
    type: 'set',
    from: CONTROL_NODE_JID,
    to: `${o.agent}/${CONFIG_RESOURCE}`,
  };
  if (o.id !== undefined) attrs['id'] = o.id;
  const config = element('config', {}, [changesEl('update', o.update), changesEl('delete', o.delete)]);
  return `${openTag('iq', attrs)}${serialize(config)}</iq>`;
}

function refOf(el: XmlElement): ConfigNodeRef {
  return { type: el.attrs['type'] ?? '', name: child(el, 'name')?.text.trim() ?? '' };
}

function changesOf(el: XmlElement | undefined): ConfigChanges {
  const c: ConfigChanges = { nodes: [], links: [] };
  if (!el) return c;
  for (const x of el.children) {
    if (x.name === 'node') c.nodes.push({ ...refOf(x), props: x.children.filter((p) => p.name !== 'name') });
    else if (x.name === 'link') {
      const [left, right] = childrenNamed(x, 'node');
      const meta = child(x, 'metadata');
      c.links.push({
        left: left ? refOf(left) : { type: '', name: '' },
        right: right ? refOf(right) : { type: '', name: '' },
        metadata: meta?.attrs['type'] ?? '',
        props: meta?.children ?? [],
      });
    }
  }
  return c;
}

export function decodeConfigIq(_iq: XmlElement, config: XmlElement, addr: StanzaAddress): ConfigIq {
  return {
    kind: 'config',
    ...addr,
    update: changesOf(child(config, 'update')),
    delete: changesOf(child(config, 'delete')),
  };
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** `{ forwarding_mode: 'l3', rpf: 'enable' }` → `<forwarding-mode>l3</forwarding-mode><rpf>enable</rpf>`. */
export function propsFromJson(obj: Record<string, Json>): XmlElement[] {
  const out: XmlElement[] = [];
  const add = (key: string, v: Json): void => {
    const name = key.replace(/_/g, '-');
    if (v === null) return;
    if (Array.isArray(v)) {
      for (const x of v) add(key, x);
    } else if (typeof v === 'object') {
      out.push(element(name, {}, propsFromJson(v)));
    } else {
      out.push(element(name, {}, String(v)));
    }
  };
  for (const [k, v] of Object.entries(obj)) add(k, v);
  return out;
}

/**
 * The reverse, lossy as XML is: leaves come back as strings and a name seen more than once becomes an
 * array. Meant for tests and logs, not for re-deriving typed config.
 */
export function propsToJson(els: readonly XmlElement[]): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const el of els) {
    const key = el.name.replace(/-/g, '_');
    const v: Json = el.children.length > 0 ? propsToJson(el.children) : el.text;
    const prev = out[key];
    if (prev === undefined) out[key] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else out[key] = [prev, v];
  }
  return out;
}
