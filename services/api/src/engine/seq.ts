import { badRequest } from '@skein/model';

/**
 * The largest event seq a client may name. Postgres' bigint would hold 2^63-1, but seqs are JavaScript numbers
 * everywhere in the process (pg returns them as such, frames carry them as JSON numbers), so anything above
 * 2^53-1 would silently round to a different seq. The log gains one seq per event; it never gets near this.
 */
export const MAX_SEQ = Number.MAX_SAFE_INTEGER;

/**
 * A client-supplied event seq (SSE Last-Event-ID, gRPC Watch from_seq): an integer 0..MAX_SEQ, else a 400 /
 * INVALID_ARGUMENT naming `field`, before any SQL sees it.
 */
export function checkSeq(raw: unknown, field: string): number {
  const n =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^[0-9]{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_SEQ) {
    const shown =
      typeof raw === 'string' ? JSON.stringify(raw.length > 32 ? `${raw.slice(0, 32)}…` : raw) : String(raw);
    throw badRequest(
      `${field} must be an event seq, an integer 0..${MAX_SEQ}; got ${shown}`,
      { field },
      'INVALID_FIELD',
    );
  }
  return n;
}
