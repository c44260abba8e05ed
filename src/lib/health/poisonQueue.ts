import { SYNC_POISON_QUEUE_NAME } from '../settings';
import type { HealthCheckResult } from './types';

/**
 * The poison queue's length. A message lands there after failing every attempt; the table's
 * lastSync check names its last error, and the next schedule dispatches the job again, so the
 * count only says how often jobs gave up since the queue was last cleared.
 */
export function poisonQueueCheck(count: number, now: Date): HealthCheckResult {
  const base = {
    componentId: 'sync',
    componentType: 'job queue',
    observedValue: count,
    observedUnit: 'poison messages',
    time: now.toISOString(),
  };
  if (count === 0) return { ...base, status: 'pass' };
  return {
    ...base,
    status: 'warn',
    output: `${String(count)} sync job message(s) failed every attempt and were moved to ${SYNC_POISON_QUEUE_NAME}. The failing table's lastSync check names its last error; once fixed, the next schedule runs it again. Clear the poison queue afterwards (each message names its environment and table).`,
  };
}
