import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * The processes that share a home's SQLite file and its side files (the instance registry of
 * decision 0020, the record journals of decision 0019) tell each other apart by host and pid.
 *
 * The host name, and on Linux the pid namespace (`/proc/self/ns/pid`): two containers on one host
 * may share a host name (host networking) but not their pids; a pid means something only within
 * the namespace that gave it.
 */
export function hostIdentity(): string {
  try {
    return `${hostname()}/${readlinkSync('/proc/self/ns/pid')}`;
  } catch {
    return hostname();
  }
}

/** `kill(pid, 0)` sends nothing: it fails with ESRCH when no such process exists (EPERM: it exists, another user's). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
