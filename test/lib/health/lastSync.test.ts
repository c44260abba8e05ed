import { describe, expect, it } from 'vitest';

import { lastSyncCheck, scheduleIntervalInMs } from '../../../src/lib/health/lastSync';

const now = new Date('2026-11-23T12:00:30Z');

describe('scheduleIntervalInMs', () => {
  it('reads six-field NCRONTAB with seconds first', () => {
    expect(scheduleIntervalInMs('0 */5 * * * *', now)).toBe(5 * 60_000);
    expect(scheduleIntervalInMs('30 0 * * * *', now)).toBe(3600_000);
  });
});

describe('lastSyncCheck', () => {
  const interval = 5 * 60_000;

  it('passes within three intervals and reports the age', () => {
    const result = lastSyncCheck(
      'contoso',
      { lastSuccessAt: new Date(now.getTime() - 14 * 60_000), lastError: undefined },
      interval,
      now,
      false,
    );
    expect(result).toMatchObject({ status: 'pass', observedValue: 14 * 60, observedUnit: 's' });
  });

  it('warns when older than three intervals, with the last error only in detailed mode', () => {
    const facts = {
      lastSuccessAt: new Date(now.getTime() - 16 * 60_000),
      lastError: 'contoso / read checkpoint: storage unreachable',
    };
    const detailed = lastSyncCheck('contoso', facts, interval, now, true);
    expect(detailed.status).toBe('warn');
    expect(detailed.output).toContain('Last error: contoso / read checkpoint: storage unreachable');

    const summary = lastSyncCheck('contoso', facts, interval, now, false);
    expect(summary.status).toBe('warn');
    expect(summary.output).not.toContain('storage unreachable');
    expect(summary.output).toContain(
      "The last run failed: details and the fix are in the accountSync function's log.",
    );
  });

  it('warns when no sync ever succeeded', () => {
    const result = lastSyncCheck(
      'contoso',
      { lastSuccessAt: undefined, lastError: undefined },
      interval,
      now,
      false,
    );
    expect(result.status).toBe('warn');
    expect(result.output).toContain('No successful account sync yet');
  });
});
