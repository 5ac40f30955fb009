import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DbOptions } from '@skein/store';
import { lockDataDir } from './data-dir-lock';

export interface EmbeddedPostgres {
  url: string;
  /** How the store must talk to PGlite: spread into `Db.open`. */
  dbOptions: Pick<DbOptions, 'poolSize' | 'pipeline' | 'namedStatements'>;
  close(): Promise<void>;
}

/** pg's socket file name for port 5432 under a `host` directory. */
const SOCKET_NAME = '.s.PGSQL.5432';
/** sun_path holds 108 bytes on Linux (104 on macOS). */
const MAX_SOCKET_PATH = 100;

/**
 * PGlite (Postgres compiled to WASM) with its files under the data dir, served so the same pg/TypeORM code path
 * runs against it. The data dir is locked for the process's life first (two processes on one PGlite store
 * corrupt it). It listens on a Unix socket in a 0700 directory, never TCP: PGlite has no authentication, and
 * the store holds the JWT secret, so only this user may reach it.
 *
 * PGlite is one backend session shared by every socket connection: one pooled connection, no pipelining,
 * and no named prepared statements (see DbOptions.namedStatements).
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const root = resolve(dataDir);
  mkdirSync(root, { recursive: true });
  const lock = lockDataDir(root);
  let sockDir: string | undefined;
  let tmpSockDir = false;
  try {
    const dir = join(root, 'pg');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // The store's files hold the JWT secret: like Postgres's own data dir, only the owner may enter it.
    chmodSync(dir, 0o700);
    sockDir = join(root, 'run');
    if (join(sockDir, SOCKET_NAME).length > MAX_SOCKET_PATH) {
      sockDir = mkdtempSync(join(tmpdir(), 'skein-pg-'));
      tmpSockDir = true;
    } else {
      // A socket left by a killed process: the lock says nobody else serves this dir.
      rmSync(sockDir, { recursive: true, force: true });
      mkdirSync(sockDir, { recursive: true, mode: 0o700 });
    }
    chmodSync(sockDir, 0o700);
    const db = await PGlite.create(dir);
    const server = new PGLiteSocketServer({ db, path: join(sockDir, SOCKET_NAME), maxConnections: 8 });
    try {
      await server.start();
    } catch (e) {
      await db.close();
      throw e;
    }
    const sd = sockDir;
    return {
      url: `postgres://postgres@/postgres?host=${encodeURIComponent(sd)}`,
      dbOptions: { poolSize: 1, pipeline: false, namedStatements: false },
      async close() {
        try {
          await server.stop();
          await db.close();
        } finally {
          rmSync(sd, { recursive: true, force: true });
          lock.release();
        }
      },
    };
  } catch (e) {
    if (tmpSockDir && sockDir) rmSync(sockDir, { recursive: true, force: true });
    lock.release();
    throw e;
  }
}

export const defaultDataDir = () => join(process.cwd(), 'data');
