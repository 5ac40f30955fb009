import { XmppEncodeError } from './errors';

/**
 * The light element tree the stream parser hands out for each stanza. Names are kept as written
 * (`stream:error`, `pubsub`), namespace declarations stay in `attrs`: TF matches elements by name and
 * ignores namespaces, and so do the decoders here.
 *
 * Mixed content is not needed by any TF stanza, so an element keeps its child elements in order and the
 * concatenation of its own character data in `text`.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export function element(
  name: string,
  attrs: Record<string, string | number | undefined> = {},
  content: ReadonlyArray<XmlElement | undefined> | string | number = [],
): XmlElement {
  const a: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) a[k] = String(v);
  if (typeof content === 'string' || typeof content === 'number') {
    return { name, attrs: a, children: [], text: String(content) };
  }
  return { name, attrs: a, children: content.filter((c): c is XmlElement => c !== undefined), text: '' };
}

/** First child with this name. */
export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

/** Character data of the named child, trimmed as TF's generated parsers do; undefined when absent. */
export function childText(el: XmlElement, name: string): string | undefined {
  const c = child(el, name);
  return c === undefined ? undefined : c.text.trim();
}

// XML 1.0 §2.2 Char, minus what we refuse to write: C0 controls other than TAB/LF/CR, lone surrogates,
// U+FFFE/U+FFFF. Received text never contains them (saxes rejects them), so only encoders can trip here.
const NOT_XML_CHAR =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkChars(s: string, what: string): void {
  if (NOT_XML_CHAR.test(s)) throw new XmppEncodeError(`${what} contains a character XML 1.0 cannot carry`);
}

export function escapeText(s: string): string {
  checkChars(s, 'text');
  // `>` is escaped too so that `]]>` can never appear; CR is escaped because a parser would turn it into LF.
  return s.replace(/[&<>\r]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;',
  );
}

export function escapeAttr(s: string): string {
  checkChars(s, 'attribute');
  // Whitespace is escaped because attribute-value normalisation would turn it into plain spaces.
  return s.replace(/[&<>'"\t\n\r]/g, (c) => ATTR_ESCAPES[c]!);
}

const ATTR_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  "'": '&apos;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

const NAME = /^[A-Za-z_][A-Za-z0-9._:-]*$/;

function checkName(name: string): void {
  if (!NAME.test(name)) throw new XmppEncodeError(`invalid XML name ${JSON.stringify(name)}`);
}

export function openTag(name: string, attrs: Record<string, string>, selfClose = false): string {
  checkName(name);
  let s = `<${name}`;
  for (const [k, v] of Object.entries(attrs)) {
    checkName(k);
    s += ` ${k}='${escapeAttr(v)}'`;
  }
  return s + (selfClose ? '/>' : '>');
}

/**
 * Compact serialisation, single-quoted attributes like the examples in routing.md. Iterative so that a
 * deep tree (built from untrusted input) cannot overflow the stack.
 */
export function serialize(root: XmlElement): string {
  const out: string[] = [];
  const stack: Array<XmlElement | string> = [root];
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (typeof top === 'string') {
      out.push(top);
      continue;
    }
    if (top.children.length === 0 && top.text === '') {
      out.push(openTag(top.name, top.attrs, true));
      continue;
    }
    out.push(openTag(top.name, top.attrs) + escapeText(top.text));
    stack.push(`</${top.name}>`);
    for (let i = top.children.length - 1; i >= 0; i--) stack.push(top.children[i]!);
  }
  return out.join('');
}
