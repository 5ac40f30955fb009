import { badStringReason, checkJsonDocument, MAX_JSON_DEPTH } from './json-guard';
import { complexType, getType, own, refDef, typeForCollection, typeForField } from './registry';
import { validateProp, validateRefAttr, validateValue } from './validate';

const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

describe('registry lookups by client-supplied names', () => {
  it.each(PROTO_NAMES)('%s is no type, collection, field, ref or complex type', (n) => {
    expect(getType(n)).toBeUndefined();
    expect(typeForCollection(n)).toBeUndefined();
    expect(typeForField(n)).toBeUndefined();
    expect(refDef('virtual-network', n)).toBeUndefined();
    expect(complexType(n)).toBeUndefined();
    expect(getType('virtual-network')!.props[n]).toBeUndefined();
    expect(complexType('VirtualNetworkType')!.fields[n]).toBeUndefined();
  });

  it.each(PROTO_NAMES)('%s as a property, struct key or ref attr key is UNKNOWN_FIELD, not a crash', (n) => {
    expect(() => validateProp('virtual-network', n, 1)).toThrow(
      expect.objectContaining({ status: 400, code: 'UNKNOWN_FIELD' }),
    );
    const struct = JSON.parse(`{"${n}": 1}`);
    expect(() => validateValue({ kind: 'struct', name: 'VirtualNetworkType' }, struct, 'p')).toThrow(
      `Unknown field: p.${n}`,
    );
    expect(() => validateRefAttr('virtual-network', 'network-policy', struct, 'a')).toThrow(
      `Unknown field: a.${n}`,
    );
    expect(() => validateRefAttr('virtual-network', n, {}, 'a')).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_FIELD' }),
    );
  });

  it('own() reads only own keys', () => {
    expect(own({ a: 1 }, 'a')).toBe(1);
    expect(own({ a: 1 }, 'constructor')).toBeUndefined();
    expect(own(JSON.parse('{"__proto__": 2}'), '__proto__')).toBe(2);
  });
});

describe('checkJsonDocument', () => {
  it('accepts ordinary documents, paired surrogates included', () => {
    expect(() =>
      checkJsonDocument({ a: ['x', { b: 'ok \ud83d\ude00' }], n: 1, t: true, z: null }, 'body'),
    ).not.toThrow();
  });

  it.each([
    ['NUL in a value', { a: { b: 'x\u0000' } }, /body\.a\.b.*NUL/],
    ['NUL in a key', { a: { 'k\u0000': 1 } }, /Invalid key body\.a\."k\\u0000".*NUL/],
    ['lone high surrogate', { a: ['\ud800'] }, /body\.a\[0\].*surrogate/],
    ['lone low surrogate', { a: 'x\udc00y' }, /body\.a.*surrogate/],
    ['high surrogate at the end', { a: 'x\udbff' }, /surrogate/],
  ])('%s is a 400 naming the field', (_n, doc, message) => {
    expect(() => checkJsonDocument(doc, 'body')).toThrow(message);
    expect(() => checkJsonDocument(doc, 'body')).toThrow(
      expect.objectContaining({ status: 400, code: 'INVALID_FIELD' }),
    );
  });

  it(`bounds nesting at ${MAX_JSON_DEPTH} without recursing (a 1e6-deep document is checked safely)`, () => {
    const nest = (n: number) => JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`);
    expect(() => checkJsonDocument(nest(MAX_JSON_DEPTH), 'body')).not.toThrow();
    expect(() => checkJsonDocument(nest(MAX_JSON_DEPTH + 1), 'body')).toThrow(/deeper than 64/);
    expect(() => checkJsonDocument(nest(1_000_000), 'body')).toThrow(/deeper than 64/);
  });

  it('badStringReason', () => {
    expect(badStringReason('plain')).toBeUndefined();
    expect(badStringReason('\ud83d\ude00')).toBeUndefined();
    expect(badStringReason('\u0000')).toMatch(/NUL/);
    expect(badStringReason('\ude00\ud83d')).toMatch(/surrogate/);
  });
});
