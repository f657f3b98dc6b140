// Detects other processes competing for the CPU while a system is measured (on a 2-core machine
// one busy neighbour halves a 2-thread figure). Machine-wide busy CPU time from /proc/stat (Linux;
// null elsewhere) minus the child's own CPU time (process.cpuUsage(), all its threads) = CPU
// seconds used by others, reported as average cores busy elsewhere during the run.
import { readFileSync } from 'node:fs';

const USER_HZ = 100; // jiffies per second in /proc/stat on Linux

/** Busy CPU seconds of the whole machine so far, or null without /proc/stat. */
export function machineBusySeconds() {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
    return (user + nice + system + irq + softirq + steal) / USER_HZ;
  } catch {
    return null;
  }
}

/** Average number of cores other processes kept busy, given busy seconds before/after, own CPU seconds and wall seconds. */
export function otherCores(busyBefore, busyAfter, ownSeconds, wallSeconds) {
  if (busyBefore === null || busyAfter === null || !(wallSeconds > 0)) return null;
  return Math.max(0, (busyAfter - busyBefore - ownSeconds) / wallSeconds);
}
