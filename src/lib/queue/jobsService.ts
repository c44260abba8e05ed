import { describeError, IntegrationError } from '../errors';
import { SYNC_POISON_QUEUE_NAME } from '../settings';
import type { SyncHooks, SyncService, TableSyncResult } from '../sync';
import type { Logger } from '../util';
import type { JobQueue } from './jobQueue';
import { parseJobMessage } from './message';

/**
 * host.json `extensions.queues.maxDequeueCount`: attempts before the host moves a message to
 * the poison queue (a test keeps the two equal).
 */
export const MAX_DEQUEUE_COUNT = 5;

/** How the host delivered a message (InvocationContext.triggerMetadata). */
export interface Delivery {
  /** 1 on the first attempt; the host moves the message to poison after MAX_DEQUEUE_COUNT. */
  readonly dequeueCount: number;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  /** Test seam: crash points inside the job's run. */
  readonly hooks?: SyncHooks;
}

/** The fan-out: a dispatcher that enqueues jobs, and the handler that runs one. */
export interface JobsService {
  /** Enqueues one message per configured (environment, table); returns how many. */
  dispatch(logger: Logger, signal?: AbortSignal): Promise<number>;
  /**
   * Runs the job a message names. Resolves when the message is done with (synced; paused with
   * its continuation enqueued; dropped because another run holds the lease); throws when the
   * job failed, so the host retries it and, after MAX_DEQUEUE_COUNT attempts, moves it to the
   * poison queue. Resolves to undefined for a message whose job is no longer configured (a table
   * or environment removed from the settings while messages for it waited): retrying could never
   * help, so it is completed with a warning.
   */
  handle(body: unknown, delivery: Delivery): Promise<TableSyncResult | undefined>;
  /** Messages in the poison queue. */
  poisonCount(signal?: AbortSignal): Promise<number>;
}

export function createJobsService(sync: SyncService, queue: JobQueue): JobsService {
  return {
    async dispatch(logger, signal) {
      const jobs = sync.jobs();
      try {
        await queue.enqueue(jobs, signal);
      } catch (error) {
        throw new IntegrationError(
          `Sync dispatch of ${String(jobs.length)} job(s) failed; the next schedule dispatches again: ${describeError(error)}`,
          { step: 'dispatch jobs' },
        );
      }
      const names = jobs.map((job) => `${job.environment}/${job.table}`);
      logger.info(
        `sync dispatch: enqueued ${String(jobs.length)} job(s): ${names.slice(0, 20).join(', ')}${names.length > 20 ? `, and ${String(names.length - 20)} more` : ''}`,
      );
      return jobs.length;
    },

    async handle(body, delivery) {
      const message = parseJobMessage(body);
      const job = `${message.environment}/${message.table}`;
      const configured = sync.jobs();
      if (
        !configured.some((c) => c.environment === message.environment && c.table === message.table)
      ) {
        const names = configured.map((c) => `${c.environment}/${c.table}`);
        delivery.logger.warn(
          `sync ${job}: message dropped: this job is not configured (any more): SYNC_TABLES and DATAVERSE_ENVIRONMENTS name ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''}`,
        );
        return undefined;
      }
      const result = await sync.runJob({
        environment: message.environment,
        table: message.table,
        ...(message.full === true ? { full: true } : {}),
        logger: delivery.logger,
        ...(delivery.signal === undefined ? {} : { signal: delivery.signal }),
        ...(delivery.hooks === undefined ? {} : { hooks: delivery.hooks }),
      });
      switch (result.outcome) {
        case 'synced':
          return result;
        case 'paused': {
          // The position is saved; the next message carries on from it on whichever instance
          // takes it, instead of waiting for the next schedule.
          const continuation = (message.continuation ?? 0) + 1;
          try {
            await queue.enqueue(
              [{ environment: message.environment, table: message.table, continuation }],
              delivery.signal,
            );
          } catch (error) {
            // The host logs only the message: the job, the cause and its fix must all be in it.
            throw new IntegrationError(
              `Sync of ${job} reached its time budget and saved its position, but its continuation could not be enqueued (the host retries this message, which resumes from the checkpoint): ${describeError(error)}`,
              { step: 'enqueue continuation', environment: message.environment },
            );
          }
          delivery.logger.info(
            `sync ${job}: reached its time budget; continuation ${String(continuation)} enqueued`,
          );
          return result;
        }
        case 'skipped-locked':
          delivery.logger.info(
            `sync ${job}: message dropped: the run holding the lease is working on this table`,
          );
          return result;
        case 'failed':
        case 'aborted': {
          const last = delivery.dequeueCount >= MAX_DEQUEUE_COUNT;
          const next = last
            ? `the host now moves the message to ${SYNC_POISON_QUEUE_NAME}; the next schedule dispatches the job again`
            : 'the host retries the message';
          throw new IntegrationError(
            `Sync of ${job} ${result.outcome} (attempt ${String(delivery.dequeueCount)} of ${String(MAX_DEQUEUE_COUNT)}; ${next}): ${result.error ?? 'no error recorded'}`,
            { step: 'sync job', environment: message.environment },
          );
        }
      }
    },

    async poisonCount(signal) {
      return await queue.poisonCount(signal);
    },
  };
}
