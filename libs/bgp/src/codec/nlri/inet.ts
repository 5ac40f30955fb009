import { readIpv4Prefix, readIpv6Prefix, writePrefix } from '../prefix';
import { ByteWriter } from '../writer';
import { invalidNlri } from './errors';

/**
 * Plain IPv4/IPv6 prefixes (`inet`, `inet6`, and the UPDATE withdrawn/NLRI fields): `<bits><bytes>`.
 * One string per prefix and nothing else is allocated, which matters at a million routes.
 */
export function decodeInetPrefixes(
  buf: Uint8Array,
  off: number,
  end: number,
  v6: boolean,
  out: string[],
): void {
  const max = v6 ? 128 : 32;
  while (off < end) {
    const bits = buf[off++];
    if (bits > max) throw invalidNlri(`prefix length ${bits} exceeds ${max}`);
    const n = (bits + 7) >> 3;
    if (off + n > end) throw invalidNlri(`prefix of /${bits} overruns its field`);
    out.push(v6 ? readIpv6Prefix(buf, off, bits) : readIpv4Prefix(buf, off, bits));
    off += n;
  }
}

export function encodeInetPrefix(w: ByteWriter, prefix: string, v6: boolean): void {
  writePrefix(w, prefix, v6);
}
