import { element, type XmlElement } from '@skein/xmpp';

const NAME = /^[A-Za-z_][A-Za-z0-9._-]*$/;
// What XML 1.0 cannot carry (same set the codec refuses to write).
const NOT_XML_CHAR =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const text = (s: string): string => s.replace(NOT_XML_CHAR, '\uFFFD');

/**
 * JSON → property elements, the shape of `propsFromJson` (underscores become hyphens, arrays repeat the
 * element), but total: config is user data, and a map key such as `k8s.io/app` or a control character in
 * a description must not make a whole push unencodable. Such keys become `<entry key='…'>`.
 */
export function propsToXml(obj: Record<string, unknown>): XmlElement[] {
  const out: XmlElement[] = [];
  for (const [k, v] of Object.entries(obj)) add(out, k, v);
  return out;
}

function add(out: XmlElement[], key: string, v: unknown): void {
  if (v === null || v === undefined) return;
  if (Array.isArray(v)) {
    for (const x of v) add(out, key, x);
    return;
  }
  const name = key.replace(/_/g, '-');
  const valid = NAME.test(name) && !/^xml/i.test(name);
  const attrs = valid ? {} : { key: text(key) };
  const tag = valid ? name : 'entry';
  if (typeof v === 'object') out.push(element(tag, attrs, propsToXml(v as Record<string, unknown>)));
  else out.push(element(tag, attrs, text(String(v))));
}
