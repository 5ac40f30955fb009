import type net from 'node:net';

/** Binds `server` (port 0: a free one) and resolves with its port; a bind error such as EADDRINUSE rejects. */
export async function listen(server: net.Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as net.AddressInfo).port;
}

/** Resolves once `server` has stopped listening and its open connections are gone. */
export function closeServer(server: net.Server): Promise<void> {
  return new Promise<void>((resolve) => server.close(() => resolve()));
}

/** `::ffff:127.0.0.2` (a dual-stack listener's view of an IPv4 peer) → `127.0.0.2`. */
export function plainAddress(a: string | undefined): string {
  if (a === undefined) return '';
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}
