import { QueueClient } from '@azure/storage-queue';
import { QueueHost, type SimEnvironment, type SimTableName } from '@dataverse-s2s/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MAX_DEQUEUE_COUNT } from '../../../src/lib/queue';
import type { Runtime } from '../../../src/lib/runtime';
import { SYNC_POISON_QUEUE_NAME, SYNC_QUEUE_NAME } from '../../../src/lib/settings';
import { NO_DIFFERENCE, readTableMirror } from './mirror';
import { DEFAULT_SYNC_TABLES, startSyncBed, type SyncBed } from './syncBed';

/**
 * The fan-out on Azurite's real queue: the dispatcher enqueues one message per (environment,
 * table); several QueueHost instances (the test bed's stand-in for the Functions host's queue
 * listener: visibility renewal, retries, dequeue count, poison queue) each with a runtime of
 * its own stand in for Flex Consumption instances. Every mirror must equal its source.
 */
const ENVIRONMENTS = ['north', 'south', 'east', 'west'] as const;
const TABLES = `${DEFAULT_SYNC_TABLES},contact`;
/** host.json's queue settings, except the message lease (10 min in the host; 2 s here). */
const HOST = { batchSize: 2, newBatchThreshold: 2, maxDequeueCount: MAX_DEQUEUE_COUNT };

let sync: SyncBed;
let dispatcher: Runtime;

beforeAll(async () => {
  sync = await startSyncBed({
    environments: [
      ...ENVIRONMENTS.map((name, i) => ({
        name,
        accounts: { count: 400 + i * 50, seed: 70 + i },
        tables: { contact: { count: 150, seed: 80 + i } },
      })),
      { name: 'crash', accounts: { count: 3000, seed: 90 } },
      {
        name: 'broken',
        accounts: { count: 10, seed: 91 },
        tables: { new_project: { count: 5, seed: 92 } },
      },
    ],
  });
  dispatcher = await sync.runtime(settingsFor(ENVIRONMENTS));
});

afterAll(async () => {
  await sync.stop();
});

/** App settings naming only `names` (each consumer must know the environments it runs). */
function settingsFor(names: readonly string[], tables = TABLES): Record<string, string> {
  const all = JSON.parse(sync.settings().DATAVERSE_ENVIRONMENTS ?? '[]') as { name: string }[];
  return {
    DATAVERSE_ENVIRONMENTS: JSON.stringify(all.filter((e) => names.includes(e.name))),
    SYNC_TABLES: tables,
    SYNC_TABLE_PREFIX: 'fan',
    HEALTH_DETAILED_ERRORS: 'true',
  };
}

function queue(name = SYNC_QUEUE_NAME): QueueClient {
  return new QueueClient(sync.bed.azurite?.connectionString ?? '', name);
}

async function queueLength(client: QueueClient): Promise<number> {
  if (!(await client.exists())) return 0;
  return (await client.getProperties()).approximateMessagesCount ?? 0;
}

/** One stand-in instance: its own runtime (as a separate process would have) and listener. */
async function consumer(
  name: string,
  runtime: Runtime,
  options: { messageLeaseSeconds?: number; pageDelayInMs?: number } = {},
): Promise<QueueHost> {
  const host = new QueueHost({
    connectionString: sync.bed.azurite?.connectionString ?? '',
    queueName: SYNC_QUEUE_NAME,
    name,
    ...HOST,
    maxPollingIntervalInMs: 200,
    messageLeaseSeconds: options.messageLeaseSeconds ?? 10,
    handler: async (body, delivery) => {
      const delay = options.pageDelayInMs;
      await runtime.jobs.handle(body, {
        dequeueCount: delivery.dequeueCount,
        logger: sync.logger,
        signal: delivery.signal,
        ...(delay === undefined
          ? {}
          : {
              hooks: {
                afterSinkWrite: () => new Promise((resolve) => setTimeout(resolve, delay)),
              },
            }),
      });
    },
  });
  await host.start();
  return host;
}

async function until(
  condition: () => Promise<boolean> | boolean,
  timeoutInMs = 60_000,
): Promise<void> {
  const end = Date.now() + timeoutInMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Ids and versions of a mirror table against a simulated table: what a replica must hold. */
async function idVersionDiff(
  environment: SimEnvironment,
  table: SimTableName,
): Promise<{ missing: number; extra: number; stale: number }> {
  const handle = environment.table(table);
  const mirror = await readTableMirror(
    sync.table(`fan${table.replace(/_/g, '')}`),
    environment.name,
  );
  let missing = 0;
  let stale = 0;
  const ids = new Set<string>();
  for (const row of handle.rows()) {
    const id = String(row[handle.primaryIdAttribute]).toLowerCase();
    ids.add(id);
    const mirrored = mirror.get(id);
    if (mirrored === undefined) missing += 1;
    else if (mirrored.versionnumber !== String(row.versionnumber)) stale += 1;
  }
  const extra = [...mirror.keys()].filter((id) => !ids.has(id)).length;
  return { missing, extra, stale };
}

const SAME = { missing: 0, extra: 0, stale: 0 };

function summaries(job: string, outcome: string): string[] {
  return sync.visible.logLines().filter((line) => line.includes(`sync ${job}: ${outcome}`));
}

describe('dispatch and four consumers', () => {
  it('enqueues one message per (environment, table); four instances drain the queue; every mirror equals its source', async () => {
    const dispatched = await dispatcher.jobs.dispatch(sync.logger);
    expect(dispatched).toBe(ENVIRONMENTS.length * 2);
    expect(await queueLength(queue())).toBe(ENVIRONMENTS.length * 2);

    const consumers = await Promise.all(
      ['i1', 'i2', 'i3', 'i4'].map(
        async (name) => await consumer(name, await sync.runtime(settingsFor(ENVIRONMENTS))),
      ),
    );
    await until(
      () =>
        consumers.reduce((n, c) => n + c.events.filter((e) => e.kind === 'completed').length, 0) ===
        ENVIRONMENTS.length * 2,
    );
    await Promise.all(consumers.map((c) => c.stop()));

    for (const name of ENVIRONMENTS) {
      expect(await sync.tableDiff(name, 'fan')).toEqual(NO_DIFFERENCE);
      expect(await idVersionDiff(sync.environment(name), 'contact')).toEqual(SAME);
      for (const table of ['account', 'contact']) {
        expect(summaries(`${name}/${table}`, 'synced (full round')).toHaveLength(1);
        expect((await sync.checkpoint(name, table))?.deltaLink).toContain('$deltatoken=');
      }
    }
    // The work spread: more than one instance ran jobs, none failed, nothing is left.
    const busy = consumers.filter((c) => c.events.some((e) => e.kind === 'completed'));
    expect(busy.length).toBeGreaterThan(1);
    expect(consumers.flatMap((c) => c.events).filter((e) => e.kind !== 'completed')).toEqual([]);
    expect(await queueLength(queue())).toBe(0);
  });

  it('a duplicate message is harmless: one run syncs, the other drops or finds nothing new', async () => {
    const north = sync.environment('north');
    const id = north.createAccount({ name: 'created before the duplicates' });
    const consumers = await Promise.all(
      ['d1', 'd2'].map(
        async (name) => await consumer(name, await sync.runtime(settingsFor(['north']))),
      ),
    );
    const duplicate = { environment: 'north', table: 'account' };
    const jobs = await sync.runtime(settingsFor(['north']));
    await jobs.jobs.handle(duplicate, { dequeueCount: 1, logger: sync.logger }); // warm-up delta
    const before = summaries('north/account', 'synced').length;
    await queue().sendMessage(Buffer.from(JSON.stringify(duplicate)).toString('base64'));
    await queue().sendMessage(Buffer.from(JSON.stringify(duplicate)).toString('base64'));
    north.updateAccount(id, { name: 'changed between the duplicates' });
    await until(() => consumers.reduce((n, c) => n + c.events.length, 0) === 2);
    await Promise.all(consumers.map((c) => c.stop()));

    expect(consumers.flatMap((c) => c.events).map((e) => e.kind)).toEqual([
      'completed',
      'completed',
    ]);
    const ran = summaries('north/account', 'synced').length - before;
    const dropped = sync.visible
      .logLines()
      .filter((line) => line.includes('sync north/account: message dropped')).length;
    expect(ran + dropped).toBe(2);
    expect(ran).toBeGreaterThanOrEqual(1);
    expect(await sync.tableDiff('north', 'fan')).toEqual(NO_DIFFERENCE);
  });
});

describe('a consumer that dies mid-job', () => {
  it('its message reappears, another instance resumes the job from the checkpoint, and the mirror equals the source', async () => {
    const settings = settingsFor(['crash'], 'account(name,accountnumber,revenue,statecode)');
    const first = await consumer(
      'doomed',
      await sync.runtime({ ...settings, SYNC_PAGE_SIZE: '200' }),
      {
        messageLeaseSeconds: 2,
        pageDelayInMs: 150,
      },
    );
    await queue().sendMessage(
      Buffer.from(JSON.stringify({ environment: 'crash', table: 'account' })).toString('base64'),
    );
    // Kill it once it has applied a few pages of the full load.
    await until(async () => ((await sync.checkpoint('crash'))?.round?.pagesDone ?? 0) >= 3);
    await first.kill();
    const stopped = await sync.checkpoint('crash');
    expect(stopped?.round?.kind).toBe('full');
    expect(first.events.map((e) => e.kind)).toEqual(['abandoned']);

    const second = await consumer(
      'survivor',
      await sync.runtime({ ...settings, SYNC_PAGE_SIZE: '200' }),
    );
    await until(() => second.events.length === 1);
    await second.stop();

    expect(second.events[0]).toMatchObject({ kind: 'completed', dequeueCount: 2 });
    // The same round, resumed where the dead instance left it (not restarted).
    const done = await sync.checkpoint('crash');
    expect(done?.generation).toBe(stopped?.round?.generation);
    expect(done?.deltaLink).toContain('$deltatoken=');
    const columns = ['name', 'accountnumber', 'revenue', 'statecode'];
    expect(await sync.tableDiff('crash', 'fan', columns)).toEqual(NO_DIFFERENCE);
  });
});

describe('a job that fails every attempt', () => {
  it('lands in the poison queue; health shows the poison count and the table’s last error', async () => {
    // new_project exists in "broken" but has change tracking off: every attempt fails.
    const runtime = await sync.runtime(settingsFor(['broken'], 'new_project'));
    const host = await consumer('poisoned', runtime);
    await runtime.jobs.dispatch(sync.logger);
    await until(() => host.events.some((e) => e.kind === 'poisoned'));
    await host.stop();

    expect(host.events.map((e) => `${e.kind}:${String(e.dequeueCount)}`)).toEqual([
      'failed:1',
      'failed:2',
      'failed:3',
      'failed:4',
      'poisoned:5',
    ]);
    expect(host.events[0]?.error).toMatch(
      /^Sync of broken\/new_project failed \(attempt 1 of 5; the host retries the message\): .*change tracking off/,
    );
    expect(host.events[4]?.error).toContain(
      `attempt 5 of 5; the host now moves the message to ${SYNC_POISON_QUEUE_NAME}`,
    );
    expect(await queueLength(queue(SYNC_POISON_QUEUE_NAME))).toBe(1);

    const health = await runtime.health.current();
    const poison = health.checks['sync:poisonMessages']?.[0];
    expect(poison).toMatchObject({ status: 'warn', observedValue: 1 });
    const lastSync = health.checks['broken/new_project:lastSync']?.[0];
    expect(lastSync?.status).toBe('warn');
    expect(lastSync?.output).toContain('Track changes');
  });
});

describe('secrets', () => {
  it('no planted or issued secret appears in any log line of this file', () => {
    expect(sync.leaks()).toEqual([]);
  });
});
