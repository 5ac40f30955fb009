/**
 * PGlite for specs, in a child Node process behind an SqlClient. PGlite loads its WASM and Node builtins
 * with dynamic import(), which Jest's module sandbox refuses without --experimental-vm-modules; a plain
 * child process has no such limit, and the allocators still run in the spec's own process.
 */
import { spawn, ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { SqlClient } from '../client';

const CHILD = `
const { PGlite } = require('@electric-sql/pglite');
const db = new PGlite();
process.on('message', async (m) => {
  if (m.close) { await db.close(); process.disconnect(); return; }
  try {
    if (m.exec) {
      await db.exec(m.text);
      process.send({ id: m.id, rows: [], rowCount: null });
    } else {
      const r = await db.query(m.text, m.values);
      process.send({ id: m.id, rows: r.rows, rowCount: r.affectedRows ?? null });
    }
  } catch (e) {
    process.send({ id: m.id, error: { message: e.message, code: e.code } });
  }
});
db.waitReady.then(() => process.send({ ready: true }));
`;

export interface PgliteClient extends SqlClient {
  /** Several statements at once (PGlite's query() takes one). */
  exec(text: string): Promise<void>;
  close(): Promise<void>;
}

interface Reply {
  id?: number;
  ready?: boolean;
  rows?: unknown[];
  rowCount?: number | null;
  error?: { message: string; code?: string };
}

export async function startPglite(): Promise<PgliteClient> {
  const child: ChildProcess = spawn(process.execPath, ['-e', CHILD], {
    cwd: path.resolve(__dirname, '../../../..'),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  let next = 0;
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`PGlite child exited with ${code}`)));
    child.on('message', (m: Reply) => {
      if (m.ready) return resolve();
      const p = m.id === undefined ? undefined : pending.get(m.id);
      if (!p) return;
      pending.delete(m.id!);
      if (m.error) p.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
      else p.resolve(m);
    });
  });
  const call = (msg: object) =>
    new Promise<Reply>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      child.send({ ...msg, id });
    });
  return {
    async query<R = any>(text: string, values?: unknown[]) {
      const r = await call({ text, values });
      return { rows: (r.rows ?? []) as R[], rowCount: r.rowCount ?? null };
    },
    async exec(text: string) {
      await call({ exec: true, text });
    },
    async close() {
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ close: true });
      await exited;
    },
  };
}
