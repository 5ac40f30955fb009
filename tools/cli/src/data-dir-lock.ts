import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Why a data dir could not be locked: main prints the message as the one line on stderr and exits 1. */
export class DataDirLockedError extends Error {}

export interface DataDirLock {
  path: string;
  release(): void;
}

interface Owner {
  pid: number;
  host: string;
  /** The owner's start time in clock ticks since boot (/proc/<pid>/stat field 22): tells a reused pid apart. */
  start?: string;
}

const LOCK_FILE = 'skein.lock';
/** An unreadable lock file younger than this may be being written. */
const FRESH_MS = 5000;

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function startTime(pid: number): string | undefined {
  try {
    // The command name (field 2) may hold spaces and parentheses; the fields after its last ')' are fixed.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** True when the owner recorded in the file may still run; false only when it certainly does not. */
function alive(o: Owner): boolean {
  // A process on another host (another container sharing the volume) cannot be checked from here.
  if (o.host !== hostname()) return true;
  try {
    process.kill(o.pid, 0);
  } catch (e: any) {
    if (e?.code === 'ESRCH') return false;
  }
  const now = startTime(o.pid);
  return !(o.start && now && now !== o.start);
}

function readOwner(path: string): Owner | undefined {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8'));
    return Number.isInteger(o?.pid) && typeof o?.host === 'string' ? o : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the data dir for this process: a pid file created exclusively (O_EXCL), naming pid, host and the
 * pid's start time. A file left by a process that died (even by SIGKILL) is recognised as stale because that
 * pid no longer runs, or runs with another start time, and is taken over; see docs/store.md for why this and
 * not an mtime-refreshed lock (proper-lockfile) or flock.
 */
export function lockDataDir(dir: string): DataDirLock {
  const path = join(dir, LOCK_FILE);
  const me: Owner = { pid: process.pid, host: hostname(), start: startTime(process.pid) };
  const body = JSON.stringify(me);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (e: any) {
      if (e?.code !== 'EEXIST')
        throw new DataDirLockedError(`cannot lock data dir ${dir}: ${e?.message ?? e}`);
      const owner = readOwner(path);
      if (owner && alive(owner)) {
        throw new DataDirLockedError(
          `data dir ${dir} is in use by another skein process (pid ${owner.pid} on ${owner.host}); ` +
            `stop it first, or remove ${path} if it is certainly not running`,
        );
      }
      // Unreadable: a process between creating the file and writing it (microseconds), or one killed right
      // there. Only an old one is taken over, so two starting together never both win.
      if (!owner && Date.now() - mtime(path) < FRESH_MS) {
        throw new DataDirLockedError(`data dir ${dir} is in use: another skein process is starting on it`);
      }
      // Stale (its owner is gone): take it over.
      try {
        unlinkSync(path);
      } catch (err: any) {
        if (err?.code !== 'ENOENT')
          throw new DataDirLockedError(`cannot lock data dir ${dir}: ${err?.message ?? err}`);
      }
      continue;
    }
    try {
      writeSync(fd, body);
    } finally {
      closeSync(fd);
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      process.removeListener('exit', release);
      // Only our own file: never one a later owner wrote after ours was (wrongly) judged stale.
      if (readOwner(path)?.pid === me.pid) {
        try {
          unlinkSync(path);
        } catch {
          /* already gone */
        }
      }
    };
    process.on('exit', release);
    return { path, release };
  }
  throw new DataDirLockedError(
    `cannot lock data dir ${dir}: ${path} keeps changing; is another skein starting?`,
  );
}
