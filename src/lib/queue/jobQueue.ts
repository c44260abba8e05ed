import type { TokenCredential } from '@azure/identity';
import { QueueClient, type StoragePipelineOptions } from '@azure/storage-queue';

import { ConfigurationError, IntegrationError, statusOf } from '../errors';
import { type StorageConnection, SYNC_POISON_QUEUE_NAME, SYNC_QUEUE_NAME } from '../settings';
import { mapWithConcurrency } from '../util';
import { encodeJobMessage, type SyncJobMessage } from './message';

/** Messages sent at once: a dispatch of hundreds of jobs takes a few round trips, not hundreds. */
const SEND_CONCURRENCY = 16;

/** The job queue as the dispatcher, the jobs and health use it. */
export interface JobQueue {
  /** Enqueues one message per job; creates the queue on first use. */
  enqueue(messages: readonly SyncJobMessage[], signal?: AbortSignal): Promise<void>;
  /** Messages in the poison queue (jobs that failed maxDequeueCount times); 0 when none. */
  poisonCount(signal?: AbortSignal): Promise<number>;
}

export interface JobQueueOptions {
  /** For the identity-based form (`__queueServiceUri`); the connection's own `__clientId` wins. */
  readonly credential?: TokenCredential;
  /** Retry tuning (tests that stop storage on purpose). */
  readonly pipeline?: StoragePipelineOptions;
}

function queueClient(
  connection: StorageConnection,
  name: string,
  options: JobQueueOptions,
): QueueClient {
  if (connection.connectionString !== undefined) {
    try {
      return new QueueClient(connection.connectionString, name, options.pipeline);
    } catch (error) {
      // The SDK's own message ("Invalid URL") says nothing about which setting is wrong.
      throw new ConfigurationError(
        `${connection.settingName} names no queue endpoint, so the sync job queue cannot be reached`,
        {
          step: 'job queue',
          hint: `Use a connection string with AccountName=…;AccountKey=… (or an explicit QueueEndpoint=…), or the identity-based ${connection.settingName}__queueServiceUri; the syncJob trigger reads the same setting.`,
          cause: error,
        },
      );
    }
  }
  const { queueServiceUri } = connection;
  if (queueServiceUri === undefined || options.credential === undefined) {
    throw new ConfigurationError(
      `${connection.settingName} needs a connection string, or ${connection.settingName}__queueServiceUri plus a managed identity`,
      {
        step: 'job queue',
        hint: `Set ${connection.settingName}__queueServiceUri (or __accountName); the syncJob trigger reads the same setting.`,
      },
    );
  }
  return new QueueClient(
    `${queueServiceUri.replace(/\/+$/, '')}/${name}`,
    options.credential,
    options.pipeline,
  );
}

function queueError(step: string, error: unknown): IntegrationError {
  const status = statusOf(error);
  const denied = status === 403;
  return new IntegrationError(
    `The sync job queue could not be ${step === 'enqueue jobs' ? 'written' : 'read'}${status === undefined ? '' : ` (HTTP ${String(status)})`}`,
    {
      step,
      ...(status === undefined ? {} : { status }),
      hint: denied
        ? "Grant the function app's managed identity Storage Queue Data Contributor on the storage account of AzureWebJobsStorage (infra/ does)."
        : 'Check AzureWebJobsStorage (its __queueServiceUri) and that the storage account is reachable; the next schedule dispatches again.',
      cause: error,
    },
  );
}

/**
 * The `dataverse-sync-jobs` queue in AzureWebJobsStorage. Messages are base64 JSON, as the
 * queue trigger decodes them by default (the SDK sends text as given).
 */
export function createJobQueue(
  connection: StorageConnection,
  options: JobQueueOptions = {},
): JobQueue {
  // Built on first use: a runtime whose queue is misconfigured still answers health, with the
  // reason in its poison-queue check.
  let clients: { queue: QueueClient; poison: QueueClient } | undefined;
  const queues = (): { queue: QueueClient; poison: QueueClient } => {
    clients ??= {
      queue: queueClient(connection, SYNC_QUEUE_NAME, options),
      poison: queueClient(connection, SYNC_POISON_QUEUE_NAME, options),
    };
    return clients;
  };
  let created: Promise<unknown> | undefined;
  return {
    async enqueue(messages, signal) {
      const { queue } = queues();
      try {
        created ??= queue.createIfNotExists({ abortSignal: signal }).catch((error: unknown) => {
          created = undefined;
          throw error;
        });
        await created;
        await mapWithConcurrency(messages, SEND_CONCURRENCY, async (message) => {
          await queue.sendMessage(encodeJobMessage(message), { abortSignal: signal });
        });
      } catch (error) {
        throw queueError('enqueue jobs', error);
      }
    },
    async poisonCount(signal) {
      const { poison } = queues();
      try {
        const properties = await poison.getProperties({ abortSignal: signal });
        return properties.approximateMessagesCount ?? 0;
      } catch (error) {
        // No poison queue yet: the host creates it with the first poison message.
        if (statusOf(error) === 404) return 0;
        throw queueError('read poison queue', error);
      }
    },
  };
}
