import { describe, expect, it } from 'vitest';

import { lastSyncCheck } from '../../../src/lib/health/lastSync';
import { scheduleIntervalInMs } from '../../../src/lib/health/scheduleInterval';

const now = new Date('2026-11-23T12:00:30Z');

describe('scheduleIntervalInMs', () => {
  it('reads six-field NCRONTAB with seconds first', async () => {
    expect(await scheduleIntervalInMs('0 */5 * * * *', now)).toBe(5 * 60_000);
    expect(await scheduleIntervalInMs('30 0 * * * *', now)).toBe(3600_000);
  });
});

describe('lastSyncCheck', () => {
  const interval = 5 * 60_000;

  it('passes within three intervals and reports the age', () => {
    const result = lastSyncCheck(
      'contoso/account',
      { lastSuccessAt: new Date(now.getTime() - 14 * 60_000), lastError: undefined },
      interval,
      now,
      false,
    );
    expect(result).toMatchObject({
      componentId: 'contoso/account',
      componentType: 'table sync',
      status: 'pass',
      observedValue: 14 * 60,
      observedUnit: 's',
    });
  });

  it('warns when older than three intervals, with the last error only in detailed mode', () => {
    const facts = {
      lastSuccessAt: new Date(now.getTime() - 16 * 60_000),
      lastError: 'contoso / read checkpoint: storage unreachable',
    };
    const detailed = lastSyncCheck('contoso/account', facts, interval, now, true);
    expect(detailed.status).toBe('warn');
    expect(detailed.output).toContain('Last error: contoso / read checkpoint: storage unreachable');

    const summary = lastSyncCheck('contoso/account', facts, interval, now, false);
    expect(summary.status).toBe('warn');
    expect(summary.output).not.toContain('storage unreachable');
    expect(summary.output).toContain(
      "The last run failed: details and the fix are in the syncJob function's log.",
    );
  });

  it('shows when and why the last full resync started', () => {
    const result = lastSyncCheck(
      'contoso/account',
      {
        lastSuccessAt: new Date(now.getTime() - 60_000),
        lastError: undefined,
        lastResync: {
          at: '2026-11-23T11:00:00.000Z',
          reason: 'the columns changed (added revenue)',
        },
      },
      interval,
      now,
      false,
    );
    expect(result).toMatchObject({
      status: 'pass',
      lastResyncAt: '2026-11-23T11:00:00.000Z',
      lastResyncReason: 'the columns changed (added revenue)',
    });
  });

  it('warns while rows are missing from the target because it cannot hold them', () => {
    const result = lastSyncCheck(
      'contoso/account',
      {
        lastSuccessAt: new Date(now.getTime() - 60_000),
        lastError: undefined,
        rejectedRows: {
          count: 2,
          more: false,
          examples: [
            {
              id: 'a1',
              reason: 'property description holds 78 KiB; Azure Table allows 64 KiB per property',
            },
          ],
        },
      },
      interval,
      now,
      false,
    );
    expect(result).toMatchObject({ status: 'warn', rejectedRows: 2 });
    expect(result.output).toMatch(
      /2 rows are missing from the target.*a1: property description holds 78 KiB/,
    );
    // The fix names the setting that now holds column lists (ACCOUNT_SYNC_COLUMNS is gone).
    expect(result.output).toContain("the table's column list in SYNC_TABLES");
  });

  it('warns when no sync ever succeeded', () => {
    const result = lastSyncCheck(
      'contoso/account',
      { lastSuccessAt: undefined, lastError: undefined },
      interval,
      now,
      false,
    );
    expect(result.status).toBe('warn');
    expect(result).toMatchObject({ componentId: 'contoso/account', componentType: 'table sync' });
    expect(result.output).toContain('No successful sync of this table yet');
  });
});
