import type { PeerCertificate } from 'node:tls';
import tls from 'node:tls';

/**
 * TF's XMPP authentication (`xmpp_auth_enable`): STARTTLS inside the stream, then a client certificate
 * signed by `xmpp_ca_cert`. Skein also requires the certificate to name the agent (CN or a DNS SAN), so one
 * agent's certificate cannot speak for another.
 */
export interface XmppTlsOptions {
  /** PEM: `xmpp_server_cert`, `xmpp_server_key`, `xmpp_ca_cert`. */
  cert: string | Buffer;
  key: string | Buffer;
  ca: string | Buffer;
}

/** Checks the options at startup (bad PEM throws here, not at the first agent). */
export function checkTlsOptions(o: XmppTlsOptions): void {
  tls.createSecureContext({ cert: o.cert, key: o.key, ca: o.ca });
}

/** Never listens: each STARTTLS hands it one socket. Client certificates are required and CA-checked. */
export function tlsServer(o: XmppTlsOptions): tls.Server {
  return tls.createServer({
    cert: o.cert,
    key: o.key,
    ca: o.ca,
    minVersion: 'TLSv1.2',
    requestCert: true,
    rejectUnauthorized: true,
  });
}

/** The names a certificate vouches for: its CN and DNS subject-alternative names. */
export function certificateNames(cert: PeerCertificate): string[] {
  const names: string[] = [];
  const cn = cert.subject?.CN;
  if (typeof cn === 'string') names.push(cn);
  else if (Array.isArray(cn)) names.push(...(cn as string[]));
  for (const part of (cert.subjectaltname ?? '').split(',')) {
    const m = /^\s*DNS:(.+)$/.exec(part);
    if (m) names.push(m[1]!.trim());
  }
  return names;
}
