/**
 * File-descriptor room for the bench's processes: every client socket costs the fleet
 * process one descriptor and the server one more, and Node cannot raise its own limit
 * (`ulimit -n`, RLIMIT_NOFILE). So the bench checks the soft limit of each process before
 * it opens N sockets and fails with a clear message instead of a storm of EMFILE errors.
 */
import { readFileSync } from 'node:fs';

/** Descriptors a process needs besides its sockets: stdio, IPC, the event loop, SQLite, tsx. */
export const FD_MARGIN = 200;

/** The soft open-files limit of a process (`self` or a pid), or null where /proc has none. */
export function openFileLimit(pid: number | 'self' = 'self'): number | null {
  try {
    const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    if (soft === undefined) return null;
    return soft === 'unlimited' ? Infinity : Number(soft);
  } catch {
    return null;
  }
}

/** Throws when `sockets` more descriptors would not fit under the process's soft limit. */
export function assertFdRoom(sockets: number, who: string, pid: number | 'self' = 'self'): void {
  const limit = openFileLimit(pid);
  if (limit === null || sockets + FD_MARGIN <= limit) return;
  throw new Error(
    `${who} would hold ${sockets} sockets but its open-files limit (ulimit -n) is ${limit}: ` +
      `raise it (ulimit -n ${sockets + FD_MARGIN} or more before npm run bench)${who.startsWith('client') ? ', or spread the clients over more processes (--fleets)' : ''}`,
  );
}
