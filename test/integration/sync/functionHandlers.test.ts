import { InvocationContext, type Timer } from '@azure/functions';
import { QueueClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { syncDispatch } from '../../../src/functions/syncDispatch';
import { syncJob } from '../../../src/functions/syncJob';
import { SYNC_QUEUE_NAME } from '../../../src/lib/settings';
import { NO_DIFFERENCE } from './mirror';
import { startSyncBed, type SyncBed } from './syncBed';

/**
 * The real functions, as the Functions host calls them: settings from process.env, the
 * process-wide shared runtime. The timer enqueues one message per (environment, table); the
 * queue trigger runs the job its message names (here each message is handed to it as the host
 * would: the decoded body, parsed, with triggerMetadata.dequeueCount). A failing job fails its
 * invocation with the job's name and cause, so the host retries it.
 */
let sync: SyncBed;
const savedEnvironment = { ...process.env };

beforeAll(async () => {
  sync = await startSyncBed({
    environments: [
      { name: 'contoso', accounts: { count: 500, seed: 61 } },
      { name: 'adatum', accounts: { count: 300, seed: 62 } },
    ],
  });
  Object.assign(process.env, sync.settings({ SYNC_TABLE_PREFIX: 'mirrorTimer' }));
});

afterAll(async () => {
  for (const key of Object.keys(process.env)) {
    if (!(key in savedEnvironment)) Reflect.deleteProperty(process.env, key);
  }
  Object.assign(process.env, savedEnvironment);
  await sync.stop();
});

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: {
    last: '2030-01-01T00:00:00.000Z',
    next: '2030-01-01T00:05:00.000Z',
    lastUpdated: '2030-01-01T00:00:00.000Z',
  },
};

/** An invocation context whose log lines go to the file's collector (and leak scan). */
function invocation(id: string, functionName: string, dequeueCount?: number): InvocationContext {
  return new InvocationContext({
    invocationId: id,
    functionName,
    ...(dequeueCount === undefined ? {} : { triggerMetadata: { dequeueCount } }),
    logHandler: (level, ...args) => {
      sync.visible.add(`log:${level}`, args.map(String).join(' '));
    },
  });
}

/** Receives every message on the job queue and hands each to syncJob, as the host would. */
async function runQueuedJobs(dequeueCount = 1): Promise<{ job: string; failure: unknown }[]> {
  const queue = new QueueClient(sync.bed.azurite?.connectionString ?? '', SYNC_QUEUE_NAME);
  const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32 });
  const outcomes: { job: string; failure: unknown }[] = [];
  for (const message of receivedMessageItems) {
    const body: unknown = JSON.parse(Buffer.from(message.messageText, 'base64').toString('utf8'));
    const { environment, table } = body as { environment: string; table: string };
    const failure = await syncJob(
      body,
      invocation(message.messageId, 'syncJob', dequeueCount),
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    await queue.deleteMessage(message.messageId, message.popReceipt);
    outcomes.push({ job: `${environment}/${table}`, failure });
  }
  return outcomes.sort((a, b) => (a.job < b.job ? -1 : 1));
}

describe('syncDispatch and syncJob functions', () => {
  it('the timer enqueues one job per environment and table; each job syncs its mirror', async () => {
    await expect(
      syncDispatch(timer, invocation('dispatch-1', 'syncDispatch')),
    ).resolves.toBeUndefined();
    const outcomes = await runQueuedJobs();

    expect(outcomes).toEqual([
      { job: 'adatum/account', failure: undefined },
      { job: 'contoso/account', failure: undefined },
    ]);
    expect(await sync.tableDiff('contoso', 'mirrorTimer')).toEqual(NO_DIFFERENCE);
    expect(await sync.tableDiff('adatum', 'mirrorTimer')).toEqual(NO_DIFFERENCE);
    for (const name of ['contoso', 'adatum']) {
      expect((await sync.checkpoint(name))?.deltaLink).toContain('$deltatoken=');
      expect(
        sync.visible.logLines().filter((line) => line.includes(`sync ${name}/account: synced`)),
      ).toHaveLength(1);
    }
  });

  it('a failing job throws naming the job, attempt and cause; the other job still completes', async () => {
    const contoso = sync.environment('contoso');
    const adatum = sync.environment('adatum');
    const ids = [...contoso.allAccounts()].map((row) => row.accountid);
    contoso.createAccount({ name: 'Created before the failing run' });
    contoso.updateAccount(ids[1] ?? '', { name: 'Updated before the failing run' });
    contoso.deleteAccount(ids[2] ?? '');
    // adatum's application user is gone: every Dataverse call there answers 403.
    adatum.removeApplicationUser(sync.bed.ids.clientId);
    const adatumBefore = await sync.checkpoint('adatum');

    await syncDispatch(timer, invocation('dispatch-2', 'syncDispatch'));
    const outcomes = await runQueuedJobs(2);

    expect(outcomes.map(({ job, failure }) => [job, failure === undefined])).toEqual([
      ['adatum/account', false],
      ['contoso/account', true],
    ]);
    const failure = outcomes[0]?.failure;
    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    sync.visible.add('error:syncJob', message); // the host logs it: scanned for leaks too
    expect(message).toMatch(
      /^Sync of adatum\/account failed \(attempt 2 of 5; the host retries the message\): /,
    );
    expect(message).toContain('application user'); // the operator's fix travels with it
    expect(await sync.tableDiff('contoso', 'mirrorTimer')).toEqual(NO_DIFFERENCE);
    const adatumAfter = await sync.checkpoint('adatum');
    expect(adatumAfter?.deltaLink).toBe(adatumBefore?.deltaLink);
    expect(adatumAfter?.lastError).toMatch(/application user/); // the cause, with its fix
    expect((await sync.checkpoint('contoso'))?.lastError).toBeUndefined();
  });

  it('a message that is not a job fails with what is wrong, never running a sync', async () => {
    const failure: unknown = await syncJob(
      '{"table":"account"}',
      invocation('bad', 'syncJob'),
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((failure as Error).message).toBe(
      'The sync job message is not a job: "environment" is missing',
    );
  });

  it('no planted or issued secret appears in any log line or error of this file', () => {
    expect(sync.leaks()).toEqual([]);
  });
});
