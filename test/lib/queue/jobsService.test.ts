import { QueueClient } from '@azure/storage-queue';
import { AZURITE_ACCOUNT_KEY, type RunningAzurite, startAzurite } from '@dataverse-s2s/testbed';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createJobQueue, createJobsService, MAX_DEQUEUE_COUNT } from '../../../src/lib/queue';
import { SYNC_POISON_QUEUE_NAME, SYNC_QUEUE_NAME } from '../../../src/lib/settings';
import type {
  JobRunRequest,
  SyncOutcome,
  SyncService,
  TableSyncResult,
} from '../../../src/lib/sync';
import type { Logger } from '../../../src/lib/util';

/**
 * What the queue handler does with each outcome of a job, on Azurite's real queue. The sync
 * service is the seam: it answers with a scripted outcome, as a run that reached its budget,
 * found the lease held or failed would; what is under test is the message handling.
 */
let azurite: RunningAzurite;
let queue: QueueClient;
const lines: string[] = [];
const logger: Logger = {
  info: (message) => lines.push(`info: ${message}`),
  warn: (message) => lines.push(`warn: ${message}`),
  error: (message) => lines.push(`error: ${message}`),
};

function result(outcome: SyncOutcome, error?: string): TableSyncResult {
  return {
    environment: 'contoso',
    table: 'new_project',
    outcome,
    roundKind: 'full',
    generation: 1,
    pages: 3,
    rows: 300,
    created: 300,
    updated: 0,
    deleted: 0,
    skipped: 0,
    swept: 0,
    rejected: 0,
    checkpointMoved: outcome === 'synced' || outcome === 'paused',
    expiredTokenRecovered: false,
    throttledResponses: 0,
    throttledWaitInMs: 0,
    durationInMs: 10,
    ...(error === undefined ? {} : { error }),
  };
}

/** A sync service whose every job ends with `outcome`; records the jobs it was asked to run. */
function scripted(outcome: SyncOutcome, runs: JobRunRequest[], error?: string): SyncService {
  return {
    jobs: () => [
      { environment: 'contoso', table: 'account' },
      { environment: 'contoso', table: 'new_project' },
    ],
    runJob: (request) => {
      runs.push(request);
      return Promise.resolve(result(outcome, error));
    },
    run: () => Promise.reject(new Error('not used by the queue handler')),
    lastSync: () => Promise.reject(new Error('not used by the queue handler')),
  };
}

function service(outcome: SyncOutcome, runs: JobRunRequest[] = [], error?: string) {
  const jobQueue = createJobQueue({
    settingName: 'AzureWebJobsStorage',
    connectionString: azurite.connectionString,
  });
  return createJobsService(scripted(outcome, runs, error), jobQueue);
}

/** Every message on the job queue, decoded (base64 JSON, as host.json's messageEncoding). */
async function queued(): Promise<unknown[]> {
  if (!(await queue.exists())) return [];
  const { peekedMessageItems } = await queue.peekMessages({ numberOfMessages: 32 });
  return peekedMessageItems.map(
    (item) => JSON.parse(Buffer.from(item.messageText, 'base64').toString('utf8')) as unknown,
  );
}

beforeAll(async () => {
  azurite = await startAzurite();
  queue = new QueueClient(azurite.connectionString, SYNC_QUEUE_NAME);
}, 60_000);

afterAll(async () => {
  await azurite.stop();
});

beforeEach(async () => {
  lines.length = 0;
  if (await queue.exists()) await queue.clearMessages();
});

describe('the queue handler', () => {
  it('the dispatcher enqueues one message per (environment, table)', async () => {
    expect(await service('synced').dispatch(logger)).toBe(2);
    expect(await queued()).toEqual([
      { environment: 'contoso', table: 'account' },
      { environment: 'contoso', table: 'new_project' },
    ]);
    expect(lines).toEqual([
      'info: sync dispatch: enqueued 2 job(s): contoso/account, contoso/new_project',
    ]);
  });

  it('a job that reached its time budget enqueues its own continuation, counting them', async () => {
    const runs: JobRunRequest[] = [];
    const jobs = service('paused', runs);
    await jobs.handle(
      { environment: 'contoso', table: 'new_project' },
      { dequeueCount: 1, logger },
    );
    await jobs.handle(
      { environment: 'contoso', table: 'new_project', continuation: 1 },
      { dequeueCount: 1, logger },
    );
    expect(await queued()).toEqual([
      { environment: 'contoso', table: 'new_project', continuation: 1 },
      { environment: 'contoso', table: 'new_project', continuation: 2 },
    ]);
    expect(lines).toEqual([
      'info: sync contoso/new_project: reached its time budget; continuation 1 enqueued',
      'info: sync contoso/new_project: reached its time budget; continuation 2 enqueued',
    ]);
    // A continuation resumes from the checkpoint: it never asks for a full round.
    expect(runs.map((run) => run.full)).toEqual([undefined, undefined]);
  });

  it('a continuation that cannot be enqueued fails the message naming the job, the cause and the fix', async () => {
    // Nothing listens on port 1: every queue call fails at once (one try, no retries).
    const unreachable = createJobQueue(
      {
        settingName: 'AzureWebJobsStorage',
        connectionString: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${AZURITE_ACCOUNT_KEY};QueueEndpoint=http://127.0.0.1:1/devstoreaccount1`,
      },
      { pipeline: { retryOptions: { maxTries: 1 } } },
    );
    const jobs = createJobsService(scripted('paused', []), unreachable);
    const failure = await jobs
      .handle({ environment: 'contoso', table: 'new_project' }, { dequeueCount: 1, logger })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    expect(message).toContain(
      'Sync of contoso/new_project reached its time budget and saved its position, but its continuation could not be enqueued (the host retries this message, which resumes from the checkpoint)',
    );
    expect(message).toContain('The sync job queue could not be written');
    expect(message).toContain('AzureWebJobsStorage');
    expect(message).not.toContain(AZURITE_ACCOUNT_KEY);

    // The dispatcher's failure carries the same cause and fix into the host's log.
    const dispatch = await jobs.dispatch(logger).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((dispatch as Error).message).toMatch(
      /^Sync dispatch of 2 job\(s\) failed; the next schedule dispatches again: .*The sync job queue could not be written.*AzureWebJobsStorage/s,
    );
  });

  it('a --full message runs a full round', async () => {
    const runs: JobRunRequest[] = [];
    await service('synced', runs).handle(
      { environment: 'contoso', table: 'account', full: true },
      { dequeueCount: 1, logger },
    );
    expect(runs.map((run) => [run.environment, run.table, run.full])).toEqual([
      ['contoso', 'account', true],
    ]);
  });

  it('a message for a job whose lease is held is completed and dropped with a log line', async () => {
    const outcome = await service('skipped-locked').handle(
      { environment: 'contoso', table: 'new_project' },
      { dequeueCount: 1, logger },
    );
    expect(outcome?.outcome).toBe('skipped-locked');
    expect(await queued()).toEqual([]);
    expect(lines).toEqual([
      'info: sync contoso/new_project: message dropped: the run holding the lease is working on this table',
    ]);
  });

  it('a message for a job no longer configured is completed with a log line, not retried into the poison queue', async () => {
    const runs: JobRunRequest[] = [];
    const outcome = await service('synced', runs).handle(
      { environment: 'contoso', table: 'new_widget' },
      { dequeueCount: 1, logger },
    );
    expect(outcome).toBeUndefined();
    expect(runs).toEqual([]);
    expect(lines).toEqual([
      'warn: sync contoso/new_widget: message dropped: this job is not configured (any more): SYNC_TABLES and DATAVERSE_ENVIRONMENTS name contoso/account, contoso/new_project',
    ]);
  });

  it('a failed job throws, so the host retries it; the last attempt says it goes to the poison queue', async () => {
    const jobs = service('failed', [], 'contoso / read page: HTTP 500');
    await expect(
      jobs.handle({ environment: 'contoso', table: 'new_project' }, { dequeueCount: 2, logger }),
    ).rejects.toThrow(
      'Sync of contoso/new_project failed (attempt 2 of 5; the host retries the message): contoso / read page: HTTP 500',
    );
    await expect(
      jobs.handle(
        { environment: 'contoso', table: 'new_project' },
        { dequeueCount: MAX_DEQUEUE_COUNT, logger },
      ),
    ).rejects.toThrow(
      `(attempt 5 of 5; the host now moves the message to ${SYNC_POISON_QUEUE_NAME}; the next schedule dispatches the job again)`,
    );
    expect(await queued()).toEqual([]);
  });

  it('a message that is not a job fails naming what is wrong, without quoting the body', async () => {
    await expect(
      service('synced').handle(
        { environment: 'contoso', secret: 'p@ss' },
        { dequeueCount: 1, logger },
      ),
    ).rejects.toThrow(/The sync job message is not a job/);
    await expect(
      service('synced').handle(
        { environment: 'contoso', secret: 'p@ss' },
        { dequeueCount: 1, logger },
      ),
    ).rejects.not.toThrow(/p@ss/);
  });

  it('counts the poison queue (0 while it does not exist)', async () => {
    const jobs = service('synced');
    expect(await jobs.poisonCount()).toBe(0);
    const poison = new QueueClient(azurite.connectionString, SYNC_POISON_QUEUE_NAME);
    await poison.createIfNotExists();
    await poison.sendMessage('e30=');
    await poison.sendMessage('e30=');
    expect(await jobs.poisonCount()).toBe(2);
  });
});
