import { app, type InvocationContext } from '@azure/functions';

import { getSharedRuntime } from '../lib/runtime';
import { DEFAULT_STORAGE_SETTING, SYNC_QUEUE_NAME } from '../lib/settings';

/** The host's delivery count of this message (1 on the first attempt). */
function dequeueCountOf(context: InvocationContext): number {
  const count = context.triggerMetadata?.dequeueCount;
  return typeof count === 'number' && count >= 1 ? count : 1;
}

/**
 * Queue trigger: runs the one (environment, table) job a message names. Returning completes the
 * message (synced, paused with its continuation enqueued, or dropped because another run holds
 * the lease); throwing makes the host retry it after host.json's visibilityTimeout and, after
 * maxDequeueCount attempts, move it to dataverse-sync-jobs-poison.
 */
export async function syncJob(queueEntry: unknown, context: InvocationContext): Promise<void> {
  const runtime = await getSharedRuntime();
  await runtime.jobs.handle(queueEntry, { dequeueCount: dequeueCountOf(context), logger: context });
}

app.storageQueue('syncJob', {
  queueName: SYNC_QUEUE_NAME,
  connection: DEFAULT_STORAGE_SETTING,
  handler: syncJob,
});
