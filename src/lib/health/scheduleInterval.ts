/**
 * The interval between two consecutive occurrences of an NCRONTAB schedule (6 fields,
 * seconds first) after `from`. Irregular schedules (e.g. weekdays only) use the next gap,
 * which is what a poller looking right now cares about.
 */
export async function scheduleIntervalInMs(schedule: string, from: Date): Promise<number> {
  // Loaded on first use: the function files load health at registration, croner is not needed then.
  const { Cron } = await import('croner');
  const cron = new Cron(schedule, { paused: true, timezone: 'UTC' });
  const first = cron.nextRun(from);
  const second = first === null ? null : cron.nextRun(first);
  if (first === null || second === null) return Number.POSITIVE_INFINITY;
  return second.getTime() - first.getTime();
}
