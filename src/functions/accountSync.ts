import { app, type InvocationContext, type Timer } from '@azure/functions';

import { IntegrationError } from '../lib/errors';
import { getSharedRuntime } from '../lib/runtime';

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
  if (report.failureSummary !== undefined) {
    throw new IntegrationError(report.failureSummary, { step: 'account sync' });
  }
}

app.timer('accountSync', {
  schedule: '%SYNC_SCHEDULE%',
  runOnStartup: false,
  handler: accountSync,
});
