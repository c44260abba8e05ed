import { readdirSync, readFileSync } from 'node:fs';
import { type EventLoopUtilization, performance } from 'node:perf_hooks';

/** Linux's USER_HZ: the unit of utime/stime in /proc/<pid>/stat (fixed at 100 by the ABI). */
const TICKS_PER_SECOND = 100;

/** CPU time used so far by this process and by the Azurite it started. */
export interface CpuSample {
  readonly atInMs: number;
  readonly selfInMs: number;
  readonly eventLoop: EventLoopUtilization;
  /** Undefined where /proc is missing (not Linux) or no Azurite child was found. */
  readonly azuriteInMs: number | undefined;
}

/** CPU used between two samples. */
export interface CpuUse {
  readonly wallInMs: number;
  readonly selfInMs: number;
  /**
   * Share of the wall time this process's event loop was not waiting for I/O. Near 1 while
   * `selfInMs` is well below the wall time: the loop had work but no core to run it on.
   */
  readonly eventLoopBusy: number;
  readonly azuriteInMs: number | undefined;
}

interface ProcStat {
  readonly pid: number;
  readonly parent: number;
  readonly cpuInMs: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { pid, parent: Number(fields[1]), cpuInMs: (ticks * 1000) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** The Azurite process among this process's descendants (the test bed spawns it). */
function findAzurite(): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const stats = entries.map((name) => readStat(Number(name))).filter((s) => s !== undefined);
  const descendants = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const stat of stats) {
      if (descendants.has(stat.parent) && !descendants.has(stat.pid)) {
        descendants.add(stat.pid);
        grew = true;
      }
    }
  }
  descendants.delete(process.pid);
  return [...descendants].find((pid) => {
    try {
      return readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8').includes('azurite');
    } catch {
      return false;
    }
  });
}

/** Samples this process's and Azurite's CPU time (Azurite is looked up once, here). */
export function createCpuMeter(): { sample(): CpuSample } {
  const azurite = findAzurite();
  return {
    sample() {
      const usage = process.cpuUsage();
      return {
        atInMs: performance.now(),
        selfInMs: (usage.user + usage.system) / 1000,
        eventLoop: performance.eventLoopUtilization(),
        azuriteInMs: azurite === undefined ? undefined : readStat(azurite)?.cpuInMs,
      };
    },
  };
}

export function cpuUsedBetween(before: CpuSample, after: CpuSample): CpuUse {
  return {
    wallInMs: after.atInMs - before.atInMs,
    selfInMs: after.selfInMs - before.selfInMs,
    eventLoopBusy: performance.eventLoopUtilization(after.eventLoop, before.eventLoop).utilization,
    azuriteInMs:
      before.azuriteInMs === undefined || after.azuriteInMs === undefined
        ? undefined
        : after.azuriteInMs - before.azuriteInMs,
  };
}

/**
 * "this process 61%, Azurite 47% of one core; event loop busy 95%" (100% of one core = one
 * core busy throughout).
 */
export function describeCpuUse(use: CpuUse): string {
  const percent = (used: number): string => `${String(Math.round((100 * used) / use.wallInMs))}%`;
  const azurite =
    use.azuriteInMs === undefined ? 'Azurite not measured' : `Azurite ${percent(use.azuriteInMs)}`;
  return `this process ${percent(use.selfInMs)}, ${azurite} of one core; event loop busy ${String(Math.round(100 * use.eventLoopBusy))}%`;
}
