/** Specs run the built `skein` binary as an operator would: in a child process, every listener on a free port. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const BIN = resolve(__dirname, '../../../bin/skein.js');
const BUILT = resolve(__dirname, '../dist/main.js');

/** Every listener on a free port, so runs never collide with each other or a running Skein. */
export const ZERO_PORTS = [
  '--api-port',
  '0',
  '--grpc-port',
  '0',
  '--bgp-port',
  '0',
  '--xmpp-port',
  '0',
  '--introspect-port',
  '0',
  '--control-grpc-port',
  '0',
];

export interface Run {
  proc: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

/** `skein <args>` with no DATABASE_URL or KAFKA_BROKERS unless `env` sets them. */
export function runSkein(args: string[], env: Record<string, string | undefined> = {}): Run {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` first (npm test does)`);
  const proc = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, DATABASE_URL: '', KAFKA_BROKERS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return { proc, out: () => out, err: () => err, exited };
}
