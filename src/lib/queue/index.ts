/**
 * The fan-out across instances: a Storage queue in AzureWebJobsStorage with one message per
 * (environment, table), the dispatcher that fills it on the schedule, and the handler the
 * queue-triggered function runs for each message (continuations, dropped duplicates, failures
 * that the host retries and finally moves to the poison queue).
 */
export { createJobQueue, type JobQueue, type JobQueueOptions } from './jobQueue';
export {
  createJobsService,
  type Delivery,
  type JobsService,
  MAX_DEQUEUE_COUNT,
} from './jobsService';
export { encodeJobMessage, parseJobMessage, type SyncJobMessage } from './message';
