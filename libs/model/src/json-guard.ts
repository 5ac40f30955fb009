/**
 * Checks every client-supplied JSON document (REST bodies, gRPC `*_json` fields) before anything else looks at
 * it: a bounded nesting depth, and no string or key Postgres' jsonb (or its text columns) would refuse.
 * Without this, NUL bytes and lone surrogates reached the database and came back as 500s quoting its error,
 * and a deeply nested list-bulk-collection body overflowed the stack of the recursive validators.
 */
import { invalidField } from './errors';

/**
 * Deepest nesting accepted. The deepest legitimate object-model value (a policy rule's address list inside its
 * entries inside the object inside the envelope) is about 8 levels; TF's Python parser gives up near 1000
 * (its recursion limit) with a 500. 64 leaves room for free-form `any` blobs and stays far from any stack limit.
 */
export const MAX_JSON_DEPTH = 64;

/** Why `s` cannot be stored: a NUL byte (jsonb and text reject it) or an unpaired UTF-16 surrogate. */
export function badStringReason(s: string): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return 'NUL characters (\\u0000) are not allowed';
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return 'unpaired UTF-16 surrogates are not allowed';
    }
    if (c >= 0xdc00 && c <= 0xdfff) return 'unpaired UTF-16 surrogates are not allowed';
  }
  return undefined;
}

/** A key as it appears in a field path: printable, even when it is the problem. */
const showKey = (k: string) =>
  /^[A-Za-z0-9_-]+$/.test(k)
    ? k
    : JSON.stringify(k).replace(/[\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);

/**
 * Throws a 400 naming the offending field (`root` and the path below it) when `value` nests deeper than
 * MAX_JSON_DEPTH or holds a string or key that cannot be stored. Iterative, so any depth is safe to check.
 */
export function checkJsonDocument(value: unknown, root: string): void {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: root, depth: 0 }];
  while (stack.length) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const why = badStringReason(v);
      if (why) throw invalidField(path, `Invalid value for ${path}: ${why}`);
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH)
      throw invalidField(path, `${root} nests deeper than ${MAX_JSON_DEPTH} levels at ${path}`);
    if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ v: item, path: `${path}[${i}]`, depth: depth + 1 }));
      continue;
    }
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
      const p = `${path}.${showKey(k)}`;
      const why = badStringReason(k);
      if (why) throw invalidField(p, `Invalid key ${p}: ${why}`);
      stack.push({ v: item, path: p, depth: depth + 1 });
    }
  }
}
