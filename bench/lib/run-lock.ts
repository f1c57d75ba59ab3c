/**
 * One bench at a time on a machine: two runs would compete for the same cores and both
 * report nonsense. A run holds bench/results/run.lock (its pid); a second run waits for it.
 */
import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';

const LOCK = new URL('../results/run.lock', import.meta.url);
const POLL_MS = 2_000;

/** The pid of the live run holding the lock, or null. */
function holder(): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(LOCK, 'utf8').trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}

/** Takes the lock, waiting up to `maxWaitMs` for another run to finish; returns the release. */
export async function acquireRunLock(maxWaitMs: number): Promise<() => void> {
  mkdirSync(new URL('./', LOCK), { recursive: true });
  const startedAt = Date.now();
  let announced = false;
  for (;;) {
    try {
      const fd = openSync(LOCK, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      const release = (): void => {
        if (holder() === process.pid) rmSync(LOCK, { force: true });
      };
      process.once('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const pid = holder();
    if (pid === null) {
      rmSync(LOCK, { force: true }); // left by a run that died
      continue;
    }
    if (Date.now() - startedAt > maxWaitMs) {
      throw new Error(`another bench run (pid ${pid}) still holds bench/results/run.lock after ${Math.round(maxWaitMs / 1_000)} s`);
    }
    if (!announced) {
      console.log(`waiting for another bench run (pid ${pid}) to finish, so the two do not share the CPU…`);
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
