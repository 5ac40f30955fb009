import { badRequest } from '@skein/model';

// XML-illegal code points (config-api.md §2): fq_name elements travel to agents over XMPP.
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\uFDD0-\uFDDF\uFFFE\uFFFF]/;

/** Checks an fq_name's shape (not its parent); 400 INVALID_FQ_NAME naming the problem. */
export function checkFqName(type: string, fq: unknown, topLevel: boolean): string[] {
  if (!Array.isArray(fq) || fq.length === 0 || fq.some((e) => typeof e !== 'string')) {
    throw badRequest('fq_name must be a non-empty list of strings', { field: 'fq_name' }, 'INVALID_FQ_NAME');
  }
  if (topLevel && fq.length !== 1) {
    throw badRequest(
      `fq_name of a ${type} must have exactly one element`,
      { field: 'fq_name', fq_name: fq },
      'INVALID_FQ_NAME',
    );
  }
  if (!topLevel && fq.length < 2) {
    throw badRequest(
      `fq_name of a ${type} must name its parent`,
      { field: 'fq_name', fq_name: fq },
      'INVALID_FQ_NAME',
    );
  }
  for (const e of fq as string[]) {
    if (e.length === 0 || e.length > 1024) {
      throw badRequest(
        'fq_name elements must be 1 to 1024 characters',
        { field: 'fq_name', fq_name: fq },
        'INVALID_FQ_NAME',
      );
    }
    if (ILLEGAL.test(e)) {
      throw badRequest(
        `fq_name element contains a character illegal in XML: ${JSON.stringify(e)}`,
        {
          field: 'fq_name',
        },
        'INVALID_FQ_NAME',
      );
    }
  }
  const name = fq[fq.length - 1] as string;
  if (type !== 'route-target' && name.includes(':')) {
    throw badRequest(
      `Name ${JSON.stringify(name)} may not contain ':'`,
      { field: 'fq_name', fq_name: fq },
      'INVALID_FQ_NAME',
    );
  }
  return fq as string[];
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const isUuid = (s: unknown): s is string => typeof s === 'string' && UUID_RE.test(s);

export function checkUuid(s: unknown, field = 'uuid'): string {
  if (!isUuid(s)) throw badRequest('Invalid UUID format', { field }, 'INVALID_UUID');
  return s;
}

/** uuid → the two unsigned 64-bit halves TF keeps in id_perms, as decimal strings (exact). */
export function uuidHalves(uuid: string): { uuid_mslong: string; uuid_lslong: string } {
  const hex = uuid.replace(/-/g, '');
  return {
    uuid_mslong: BigInt('0x' + hex.slice(0, 16)).toString(),
    uuid_lslong: BigInt('0x' + hex.slice(16)).toString(),
  };
}

/** TF's timestamp shape: UTC `YYYY-MM-DDTHH:MM:SS.ffffff`. */
export function tfTimestamp(d = new Date()): string {
  return d
    .toISOString()
    .replace('Z', '')
    .replace(/\.(\d{3})$/, '.$1000');
}

/** Structural equality of JSON values (key order and object prototypes do not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ka = Object.keys(a).filter((k) => (a as any)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as any)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => jsonEqual((a as any)[k], (b as any)[k]));
}

/** A deep copy of a JSON value. */
export const jsonClone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

/** An fq_name as TF's messages print it (a Python list): `['default-domain', 'p', 'vn']`. */
export const pyList = (fq: readonly string[]) => `[${fq.map((e) => `'${e}'`).join(', ')}]`;
