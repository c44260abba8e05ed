import { app, type InvocationContext, type Timer } from '@azure/functions';

import { getSharedRuntime } from '../lib/sharedRuntime';
import { failedEnvironmentsMessage } from '../lib/sync/runReport';

/**
 * Timer: syncs Dataverse accounts of every configured environment to the target. Fails the
 * invocation (so Functions records it) when any environment failed; the others still ran.
 */
export async function accountSync(timer: Timer, context: InvocationContext): Promise<void> {
  if (timer.isPastDue) {
    context.warn('accountSync is running late (the previous schedule occurrence was missed).');
  }
  const runtime = await getSharedRuntime();
  const report = await runtime.sync.run({ logger: context });
  if (report.anyFailed) throw new Error(failedEnvironmentsMessage(report));
}

app.timer('accountSync', {
  schedule: '%ACCOUNT_SYNC_SCHEDULE%',
  runOnStartup: false,
  handler: accountSync,
});
