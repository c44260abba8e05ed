import type { LastSyncStatus } from '../../lib/sync';
import type { StepOutcome } from './doctorReport';

function ago(at: Date, nowInMs: number): string {
  const minutes = Math.round((nowInMs - at.getTime()) / 60_000);
  return minutes < 1 ? 'just now' : `${String(minutes)} min ago`;
}

/**
 * What the environment's checkpoint says: the last success, the last full resync and why, the
 * last failure, rows the target could not hold. A warning, never a failure: the sync state is
 * news for the operator, not a reason the app cannot work.
 */
export function syncStateOutcome(status: LastSyncStatus, nowInMs: number): StepOutcome {
  const parts: string[] = [];
  parts.push(
    status.lastSuccessAt === undefined
      ? 'no successful sync yet'
      : `last success ${status.lastSuccessAt.toISOString()} (${ago(status.lastSuccessAt, nowInMs)})`,
  );
  if (status.lastResync !== undefined) {
    parts.push(`last full resync ${status.lastResync.at}: ${status.lastResync.reason}`);
  }
  const rejected = status.rejectedRows;
  if (rejected !== undefined && rejected.count > 0) {
    const first = rejected.examples[0];
    parts.push(
      `${String(rejected.count)}${rejected.more ? '+' : ''} rows missing from the target (too large)${first === undefined ? '' : `, e.g. ${first.id}: ${first.reason}`}`,
    );
  }
  if (status.lastError !== undefined) parts.push(`last error: ${status.lastError}`);
  // Never synced is where every new environment starts: news, not a problem.
  if (status.lastError !== undefined) {
    return {
      status: 'WARN',
      detail: parts.join('; '),
      fix: 'the last error above says what failed and how to fix it; the next run resumes from the checkpoint',
    };
  }
  if (rejected !== undefined && rejected.count > 0) {
    return {
      status: 'WARN',
      detail: parts.join('; '),
      fix: 'shorten those values in Dataverse or leave the columns out of the sync; they are written once they fit',
    };
  }
  return { status: 'PASS', detail: parts.join('; ') };
}
