import type { Metadata } from '@grpc/grpc-js';

/** Metadata as the header map AuthService reads (authorization, x-skein-actor, x-request-id, …). */
export function headersOf(md: Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(md.getMap())) if (typeof v === 'string') out[k] = v;
  return out;
}
