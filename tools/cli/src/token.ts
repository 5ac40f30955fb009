import { AuthService, type TokenRequest } from '@skein/api';
import { Db } from '@skein/store';

/**
 * `skein token issue`: signs with the store's secret when DATABASE_URL is given, otherwise asks a running
 * API (POST /auth/tokens, admin only; no-auth on loopback counts as admin).
 */
export async function issueToken(
  req: TokenRequest,
  o: { databaseUrl?: string; api: string; adminToken?: string },
): Promise<{ token: string; expires_at: string }> {
  if (o.databaseUrl) {
    const db = await Db.open({ url: o.databaseUrl, poolSize: 1 });
    try {
      const auth = new AuthService(db, { loopbackOnly: true });
      await auth.init();
      return auth.issueToken(req);
    } finally {
      await db.close();
    }
  }
  const r = await fetch(`${o.api}/auth/tokens`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(o.adminToken ? { authorization: `Bearer ${o.adminToken}` } : {}),
    },
    body: JSON.stringify(req),
  });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`the API refused: ${r.status} ${text}`);
  return JSON.parse(text);
}
