/**
 * Generic value validation against the registry's field shapes. Strict like TF's api-server
 * (`_validate_simple_type` / `_validate_complex_type`): wrong JSON types, enum values not listed, out-of-range
 * integers, bad formats and unknown struct keys at any depth are 400s naming the full field path.
 *
 * Normalisation: `null` inside a struct means "absent" and is dropped; integers given as decimal strings
 * (TF does `int(value)`) become numbers; a SubnetType's `ip_prefix` becomes its network address (TF's
 * `_validate_subnet_type`). Nothing else is rewritten.
 *
 * Integer precision: JSON numbers above 2^53 arrive already rounded when the body was parsed with JSON.parse.
 * The validator never loses more: a `bigint` (from a lossless parser) or a decimal string is range-checked exactly
 * and returned as a `number` when it is a safe integer, else as a `bigint`; a plain `number` is returned
 * unchanged. Exact unsignedLong values (IdPermsType.uuid halves, ACL hashes, tag ids) therefore need the REST
 * layer to parse large integers as bigint/string and the serialiser to write bigints back as JSON integers.
 */
import { U64_MAX } from './complex-types/dsl';
import { invalidField, SkeinError } from './errors';
import { formats, isIPv4, networkAddress } from './formats';
import { badStringReason } from './json-guard';
import { complexType, getType, own, refDef } from './registry';
import type { FieldType } from './schema';

const U64_MAX_EXACT = (1n << 64n) - 1n;
const DECIMAL = /^-?(0|[1-9][0-9]*)$/;

const unknownField = (path: string) =>
  new SkeinError(400, 'UNKNOWN_FIELD', `Unknown field: ${path}`, { field: path });

function describe(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

const fail = (path: string, expected: string, value: unknown): never => {
  throw invalidField(path, `Invalid value for ${path}: ${expected}, got ${describe(value)}`);
};

const patternCache = new Map<string, RegExp>();
const compiled = (re: string): RegExp => {
  let r = patternCache.get(re);
  if (!r) {
    r = new RegExp(re);
    patternCache.set(re, r);
  }
  return r;
};

function checkInteger(t: { min?: number; max?: number }, value: unknown, path: string): number | bigint {
  let exact: bigint;
  let out: number | bigint;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return fail(path, 'integer value expected', value);
    exact = BigInt(value);
    out = value;
  } else if (typeof value === 'bigint' || (typeof value === 'string' && DECIMAL.test(value))) {
    exact = BigInt(value);
    const n = Number(exact);
    out = Number.isSafeInteger(n) ? n : exact;
  } else {
    return fail(path, 'integer value expected', value);
  }
  const min = t.min === undefined ? undefined : BigInt(t.min);
  const max = t.max === undefined ? undefined : t.max === U64_MAX ? U64_MAX_EXACT : BigInt(t.max);
  if ((min !== undefined && exact < min) || (max !== undefined && exact > max)) {
    const range = `${min ?? '-∞'}..${max ?? '∞'}`;
    return fail(path, `value must be in ${range}`, value);
  }
  return out;
}

/**
 * Cross-field checks TF's api-server applies to every occurrence of a complex type, wherever it appears
 * (`_validate_subnet_type`, `_validate_allowed_address_pair_prefix_len`). They see the already-checked struct.
 */
const structChecks: Record<string, (v: Record<string, any>, path: string) => void> = {
  SubnetType(v, path) {
    if (typeof v.ip_prefix !== 'string' || typeof v.ip_prefix_len !== 'number') return;
    if (isIPv4(v.ip_prefix) && v.ip_prefix_len > 32) {
      fail(`${path}.ip_prefix_len`, 'value must be in 0..32 for an IPv4 prefix', v.ip_prefix_len);
    }
    v.ip_prefix = networkAddress(v.ip_prefix, v.ip_prefix_len);
  },
  AllowedAddressPair(v, path) {
    const ip = v.ip;
    if (v.address_mode !== 'active-standby' || typeof ip?.ip_prefix !== 'string') return;
    if (typeof ip.ip_prefix_len !== 'number') return;
    const min = isIPv4(ip.ip_prefix) ? 24 : 120;
    if (ip.ip_prefix_len < min) {
      fail(
        `${path}.ip.ip_prefix_len`,
        `at least ${min} expected for an active-standby address pair`,
        ip.ip_prefix_len,
      );
    }
  },
};

function check(type: FieldType, value: unknown, path: string): unknown {
  switch (type.kind) {
    case 'string': {
      if (typeof value !== 'string') return fail(path, 'string value expected', value);
      const bad = badStringReason(value);
      if (bad) throw invalidField(path, `Invalid value for ${path}: ${bad}`);
      if (type.enum && !type.enum.includes(value)) {
        return fail(path, `value must be one of [${type.enum.join(', ')}]`, value);
      }
      if (type.maxLength !== undefined && value.length > type.maxLength) {
        return fail(path, `at most ${type.maxLength} characters expected`, value);
      }
      if (type.pattern !== undefined && !compiled(type.pattern).test(value)) {
        return fail(path, `value must match ${type.pattern}`, value);
      }
      if (type.format !== undefined && !formats[type.format](value)) {
        return fail(path, `${type.format} expected`, value);
      }
      return value;
    }
    case 'integer':
      return checkInteger(type, value, path);
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail(path, 'number expected', value);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') return fail(path, 'true/false expected', value);
      return value;
    case 'any':
      return value;
    case 'list': {
      if (!Array.isArray(value)) return fail(path, 'list expected', value);
      if (type.maxItems !== undefined && value.length > type.maxItems) {
        return fail(path, `at most ${type.maxItems} items expected`, value.length);
      }
      return value.map((item, i) => {
        const p = `${path}[${i}]`;
        if (item === null || item === undefined) return fail(p, 'a value expected', item);
        return check(type.of, item, p);
      });
    }
    case 'struct': {
      const ct = complexType(type.name);
      if (!ct) throw new Error(`unknown complex type ${type.name} at ${path}`);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return fail(path, `object (${type.name}) expected`, value);
      }
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        const field = own(ct.fields, key);
        const p = `${path}.${key}`;
        if (!field) throw unknownField(p);
        if (v === null || v === undefined) continue;
        out[key] = check(field.type, v, p);
      }
      structChecks[type.name]?.(out, path);
      return out;
    }
  }
}

/**
 * Validate `value` against `type` and return the normalised value; throws SkeinError 400 (INVALID_FIELD or
 * UNKNOWN_FIELD, `details.field` = the path). `null`/`undefined` at the top level are returned as they are:
 * whether an absent value is acceptable is the caller's business.
 */
export function validateValue(type: FieldType, value: unknown, path: string): unknown {
  if (value === null || value === undefined) return value;
  return check(type, value, path);
}

/** Validate one property of an object of type `typeName` (UNKNOWN_FIELD when the type has no such property). */
export function validateProp(typeName: string, prop: string, value: unknown): unknown {
  const props = getType(typeName)?.props;
  const def = props && own(props, prop);
  if (!def) throw unknownField(prop);
  return validateValue(def.type, value, prop);
}

/**
 * Validate the attr of a ref `from` → `to` at `path` (e.g. `network_ipam_refs[0].attr`). For refs without an
 * attr type, `null`, absent and `{}` are accepted and normalised to `null`.
 */
export function validateRefAttr(from: string, to: string, attr: unknown, path: string): unknown {
  const r = refDef(from, to);
  if (!r) throw unknownField(path);
  if (r.attr === null) {
    const empty =
      attr === null ||
      attr === undefined ||
      (typeof attr === 'object' && !Array.isArray(attr) && Object.keys(attr).length === 0);
    if (!empty) return fail(path, 'no attr expected', attr);
    return null;
  }
  if (attr === null || attr === undefined) return null;
  return check({ kind: 'struct', name: r.attr }, attr, path);
}
