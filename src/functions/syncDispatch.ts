import { app, type InvocationContext, type Timer } from '@azure/functions';

import { getSharedRuntime } from '../lib/runtime';

/**
 * Timer: enqueues one job per (environment, table) on the dataverse-sync-jobs queue; the
 * syncJob function runs them, on as many instances as Flex Consumption scales out to for the
 * queue's length. Cheap on purpose: a few queue writes, no Dataverse call.
 */
export async function syncDispatch(timer: Timer, context: InvocationContext): Promise<void> {
  if (timer.isPastDue) {
    context.warn('syncDispatch is running late (the previous schedule occurrence was missed).');
  }
  const runtime = await getSharedRuntime();
  await runtime.jobs.dispatch(context);
}

app.timer('syncDispatch', {
  schedule: '%SYNC_SCHEDULE%',
  runOnStartup: false,
  handler: syncDispatch,
});
