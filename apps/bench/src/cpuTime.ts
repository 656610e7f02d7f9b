import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second on Linux (`getconf CLK_TCK`). */
const TICKS_PER_SECOND = 100;

/** User plus system CPU seconds a process has used so far, from /proc (0 once it is gone). */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which is in parentheses and may hold spaces): utime is 14th, stime 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The CPU seconds so far of each PostgreSQL process on this machine (server, backends, background writers), by pid. */
export function postgresCpuByPid(): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres')
        byPid.set(Number(entry), processCpuSeconds(Number(entry)));
    } catch {
      // The process ended while being read.
    }
  }
  return byPid;
}

/** The CPU seconds of every PostgreSQL process on this machine (server, backends, background writers). */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const seconds of postgresCpuByPid().values()) total += seconds;
  return total;
}

/**
 * The CPU seconds PostgreSQL processes used between two samples by pid: a process born meanwhile counts
 * whole, one that ended meanwhile is missed (a difference of totals would count it as negative).
 */
export function postgresCpuBetween(from: Map<number, number>, to: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of to) total += seconds - (from.get(pid) ?? 0);
  return total;
}

export type CpuSample = { server: number; postgres: number; bench: number };

/** Where the machine's CPU went so far: the server process, PostgreSQL and this bench process. */
export function sampleCpu(serverPid: number): CpuSample {
  const own = process.cpuUsage();
  return {
    server: processCpuSeconds(serverPid),
    postgres: postgresCpuSeconds(),
    bench: (own.user + own.system) / 1e6,
  };
}

/** The CPU seconds each part used between two samples. */
export function cpuBetween(from: CpuSample, to: CpuSample): CpuSample {
  return {
    server: to.server - from.server,
    postgres: to.postgres - from.postgres,
    bench: to.bench - from.bench,
  };
}

export function formatCpu(c: CpuSample): string {
  return `server ${c.server.toFixed(1)}, postgres ${c.postgres.toFixed(1)}, bench ${c.bench.toFixed(1)}`;
}
