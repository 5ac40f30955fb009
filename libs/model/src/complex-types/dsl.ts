/**
 * Small constructors for declaring field shapes as data. They only build `FieldType` / `ComplexType` values
 * (see ../schema.ts); nothing here validates.
 */
import type { ComplexType, FieldType, StringFormat, StructField } from '../schema';

type StringOpts = Omit<Extract<FieldType, { kind: 'string' }>, 'kind'>;

/**
 * TF's xsd:unsignedLong upper bound. 2^64−1 is not representable as a JS number: the literal rounds to 2^64.
 * The validator treats an integer `max` of exactly this value as "2^64−1" and compares exactly (BigInt).
 */
export const U64_MAX = 18446744073709551615;

export const str = (opts: StringOpts = {}): FieldType => ({ kind: 'string', ...opts });
export const fmt = (format: StringFormat): FieldType => ({ kind: 'string', format });
export const enumOf = (...values: string[]): FieldType => ({ kind: 'string', enum: values });
export const pattern = (re: string): FieldType => ({ kind: 'string', pattern: re });
export const int = (min?: number, max?: number): FieldType => {
  const t: { kind: 'integer'; min?: number; max?: number } = { kind: 'integer' };
  if (min !== undefined) t.min = min;
  if (max !== undefined) t.max = max;
  return t;
};
/** xsd:unsignedLong: 0 .. 2^64−1. Values above 2^53 need a lossless JSON parser upstream (see validate.ts). */
export const u64 = (): FieldType => int(0, U64_MAX);
export const bool: FieldType = { kind: 'boolean' };
export const any: FieldType = { kind: 'any' };
export const list = (of: FieldType, maxItems?: number): FieldType =>
  maxItems === undefined ? { kind: 'list', of } : { kind: 'list', of, maxItems };
export const struct = (name: string): FieldType => ({ kind: 'struct', name });

/** A struct field with a description (TF's `description=` in the xsd). */
export const d = (type: FieldType, description: string): StructField => ({ type, description });

const isStructField = (v: FieldType | StructField): v is StructField => !('kind' in v);

/** Declare a TF complex type; field names are TF's JSON names (xsd `-` → `_`). */
export function complexType(name: string, fields: Record<string, FieldType | StructField>): ComplexType {
  const out: Record<string, StructField> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = isStructField(v) ? v : { type: v };
  return { name, fields: out };
}
