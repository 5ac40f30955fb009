/** IPv4 text to an unsigned 32-bit number, or -1; used to order router ids and peer addresses (B6 rules 11, 13). */
export function ipv4ToNumber(text: string | undefined): number {
  if (text === undefined) return -1;
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

const V4_MAPPED = '::ffff:';

/** `::ffff:a.b.c.d` (how inet6-vpn carries an IPv4 tunnel end point, RFC 4659) to `a.b.c.d`. */
export function unmapIpv4(address: string): string {
  if (address.startsWith(V4_MAPPED) && ipv4ToNumber(address.slice(V4_MAPPED.length)) >= 0) {
    return address.slice(V4_MAPPED.length);
  }
  return address;
}

export function mapIpv4(address: string): string {
  return ipv4ToNumber(address) >= 0 ? V4_MAPPED + address : address;
}
