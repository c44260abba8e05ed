/**
 * `npm run demo`: the app's main job, end to end and offline. Starts the test bed (Dataverse
 * with two environments in two tenants, each with account, contact and new_project; Entra ID,
 * Key Vault, managed identity, Azurite), then runs the real functions as the Functions host
 * would: the syncDispatch timer enqueues one job per (environment, table) on the Storage queue
 * and three queue listeners (stand-ins for three Flex Consumption instances) run the syncJob
 * function. First a full load; then Dataverse changes (rows created, updated, deleted, and a
 * column added to new_project) and a second round of deltas with the new column backfilled.
 * Each mirror table is checked against its source; finally the real health handler answers.
 */
import { TableClient } from '@azure/data-tables';
import { HttpRequest, InvocationContext, type Timer } from '@azure/functions';
import {
  ensureProcessTrustsTestBed,
  QueueHost,
  type SimEnvironment,
  type SimTableName,
  startTestBed,
  type TestBed,
} from '@dataverse-s2s/testbed';

import { health } from '../src/functions/health';
import { syncDispatch } from '../src/functions/syncDispatch';
import { syncJob } from '../src/functions/syncJob';
import { mirrorTableName, SYNC_QUEUE_NAME } from '../src/lib/settings';

const TABLES: readonly SimTableName[] = ['account', 'contact', 'new_project'];
const PREFIX = 'dv';
const INSTANCES = 3;

function step(title: string): void {
  process.stdout.write(`\n=== ${title}\n`);
}

function context(
  functionName: string,
  triggerMetadata?: Record<string, unknown>,
): InvocationContext {
  return new InvocationContext({
    invocationId: `demo-${functionName}-${Date.now()}`,
    functionName,
    ...(triggerMetadata === undefined ? {} : { triggerMetadata }),
    logHandler: (level, ...args) => {
      process.stdout.write(`  [${functionName} ${level}] ${args.map(String).join(' ')}\n`);
    },
  });
}

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: {
    last: new Date(0).toISOString(),
    next: new Date().toISOString(),
    lastUpdated: new Date().toISOString(),
  },
};

/** A column value as comparable text: the mirror stores numbers and strings, the source JSON. */
function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return JSON.stringify(value);
}

/** Three listeners on the job queue, each handing messages to syncJob as the host does. */
async function startInstances(bed: TestBed): Promise<QueueHost[]> {
  const instances: QueueHost[] = [];
  for (let i = 1; i <= INSTANCES; i += 1) {
    const host = new QueueHost({
      connectionString: bed.azurite?.connectionString ?? '',
      queueName: SYNC_QUEUE_NAME,
      name: `instance-${String(i)}`,
      batchSize: 2,
      newBatchThreshold: 2,
      maxPollingIntervalInMs: 250,
      handler: (body, delivery) =>
        syncJob(body, context(`syncJob@${String(i)}`, { dequeueCount: delivery.dequeueCount })),
    });
    await host.start();
    instances.push(host);
  }
  return instances;
}

/** Dispatches one round and waits until the listeners have completed every job it enqueued. */
async function syncRound(instances: readonly QueueHost[], jobs: number): Promise<void> {
  const completedBefore = completed(instances);
  await syncDispatch(timer, context('syncDispatch'));
  const deadline = Date.now() + 120_000;
  while (completed(instances) - completedBefore < jobs) {
    if (Date.now() > deadline) throw new Error('the queued jobs did not finish within 2 minutes');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const counts = instances.map(
    (instance, i) =>
      `instance-${String(i + 1)} ${String(instance.events.filter((e) => e.kind === 'completed').length)}`,
  );
  process.stdout.write(`  jobs completed per instance so far: ${counts.join(', ')}\n`);
}

/** Jobs settled for good: completed, or moved to the poison queue after their last attempt. */
function completed(instances: readonly QueueHost[]): number {
  return instances.reduce(
    (sum, instance) =>
      sum +
      instance.events.filter((event) => event.kind === 'completed' || event.kind === 'poisoned')
        .length,
    0,
  );
}

/**
 * Compares each mirror table's partition with its Dataverse table: every row present with the
 * source's versionnumber and `column` (when given) equal, no row the source no longer has.
 */
async function compareMirror(
  bed: TestBed,
  column?: { table: SimTableName; name: string },
): Promise<void> {
  const azurite = bed.azurite;
  if (azurite === undefined) throw new Error('demo needs Azurite');
  for (const environment of bed.dataverse.environments) {
    const verdicts: string[] = [];
    for (const table of TABLES) {
      const { rows, differences, extras } = await compareTable(
        azurite.connectionString,
        environment,
        table,
        column?.table === table ? column.name : undefined,
      );
      const ok = differences === 0 && extras === 0;
      if (!ok) process.exitCode = 1;
      verdicts.push(
        `${table} ${String(rows)} rows ${ok ? 'equal' : `DIFFER (${String(differences)} missing or stale, ${String(extras)} extra)`}`,
      );
    }
    process.stdout.write(`  ${environment.name}: ${verdicts.join('; ')}\n`);
  }
}

async function compareTable(
  connectionString: string,
  environment: SimEnvironment,
  table: SimTableName,
  column: string | undefined,
): Promise<{ rows: number; differences: number; extras: number }> {
  const mirror = new Map<string, Record<string, unknown>>();
  const client = TableClient.fromConnectionString(
    connectionString,
    mirrorTableName(PREFIX, table),
    { allowInsecureConnection: true },
  );
  for await (const entity of client.listEntities({
    queryOptions: { filter: `PartitionKey eq '${environment.name}'` },
  })) {
    mirror.set(entity.rowKey ?? '', entity);
  }
  const handle = environment.table(table);
  let rows = 0;
  let differences = 0;
  for (const source of handle.rows()) {
    rows += 1;
    const id = String(source[handle.primaryIdAttribute]).toLowerCase();
    const row = mirror.get(id);
    const stale =
      row === undefined ||
      asText(row.versionnumber) !== asText(source.versionnumber) ||
      (column !== undefined && asText(row[column]) !== asText(source[column]));
    if (stale) differences += 1;
    mirror.delete(id);
  }
  return { rows, differences, extras: mirror.size };
}

async function main(): Promise<void> {
  await ensureProcessTrustsTestBed();
  step('Starting the test bed (Dataverse ×2, Entra ID, Key Vault, managed identity, Azurite)');
  const bed = await startTestBed({
    azurite: true,
    environments: [
      {
        name: 'contoso',
        accounts: { count: 3000, seed: 1 },
        tables: {
          contact: { count: 1500, seed: 3 },
          new_project: { count: 400, seed: 5, changeTracking: true },
        },
      },
      {
        name: 'fabrikam',
        tenant: 'customer',
        accounts: { count: 1200, seed: 2 },
        tables: {
          contact: { count: 600, seed: 4 },
          new_project: { count: 120, seed: 6, changeTracking: true },
        },
      },
    ],
  });
  let instances: QueueHost[] = [];
  try {
    Object.assign(process.env, bed.appSettings(), bed.processEnvironment(), {
      SYNC_TABLES: TABLES.join(','),
      SYNC_TABLE_PREFIX: PREFIX,
    });
    for (const environment of bed.dataverse.environments) {
      process.stdout.write(
        `  ${environment.name}: ${environment.serviceRootUrl} (tenant ${environment.tenantId.slice(0, 8)}…)\n`,
      );
    }
    process.stdout.write(
      '  The client secret lives only in Key Vault; the app reads it with its managed identity.\n' +
        `  SYNC_TABLES=${TABLES.join(',')}: every readable column of each, typed from metadata.\n`,
    );
    const jobs = bed.dataverse.environments.length * TABLES.length;
    instances = await startInstances(bed);

    step(
      `Round 1: syncDispatch enqueues ${String(jobs)} jobs; ${String(INSTANCES)} instances run syncJob (full load)`,
    );
    await syncRound(instances, jobs);
    await compareMirror(bed);

    step('Changing Dataverse: rows created, updated and deleted; a column added to new_project');
    const contoso = bed.dataverse.environment('contoso');
    const accounts = contoso.table('account');
    const ids = [...accounts.rows()].slice(0, 9).map((row) => String(row.accountid));
    for (let i = 0; i < 3; i += 1)
      accounts.create({ name: `Demo account ${String(i)}`, accountnumber: `DEMO-${String(i)}` });
    for (const id of ids.slice(0, 5))
      accounts.update(id, { name: `Renamed ${id.slice(0, 8)}`, telephone1: '+1 555 0100' });
    for (const id of ids.slice(5, 9)) accounts.delete(id);
    const contacts = bed.dataverse.environment('fabrikam').table('contact');
    for (const row of [...contacts.rows()].slice(0, 2)) contacts.delete(String(row.contactid));
    for (const environment of bed.dataverse.environments) {
      environment.addColumn('new_project', {
        LogicalName: 'new_risk',
        AttributeType: 'String',
        AttributeTypeName: { Value: 'StringType' },
        MaxLength: 100,
      });
    }
    const projects = contoso.table('new_project');
    const project = String([...projects.rows()][0]?.new_projectid);
    projects.update(project, { new_risk: 'supplier delay' });
    process.stdout.write(
      '  contoso: account +3 created, 5 updated, 4 deleted; fabrikam: contact 2 deleted\n' +
        '  both: new_project gains new_risk (one contoso project sets it)\n',
    );

    step('Round 2: deltas with deletions; new_project backfilled for its new column');
    await syncRound(instances, jobs);
    await compareMirror(bed, { table: 'new_project', name: 'new_risk' });

    step('GET /api/health — the health handler');
    const response = await health(
      new HttpRequest({ method: 'GET', url: 'http://localhost/api/health' }),
      context('health'),
    );
    const body = JSON.parse(typeof response.body === 'string' ? response.body : '{}') as {
      status: string;
      checks: Record<
        string,
        { status: string; observedValue?: unknown; observedUnit?: string; output?: string }[]
      >;
    };
    process.stdout.write(
      `  HTTP ${response.status}, ${JSON.stringify(response.headers)}: status ${body.status}\n`,
    );
    for (const [key, [check]] of Object.entries(body.checks)) {
      if (check === undefined) continue;
      const observed =
        check.observedValue === undefined
          ? ''
          : ` ${asText(check.observedValue)} ${check.observedUnit ?? ''}`;
      process.stdout.write(
        `  ${check.status.padEnd(4)} ${key}${observed}${check.output === undefined ? '' : ` — ${check.output}`}\n`,
      );
    }
    const tokens = bed.entra.tokensIssued.length;
    process.stdout.write(
      `\n  Entra tokens issued: ${tokens}; Key Vault reads: ${bed.keyVault.readCount(bed.ids.credentialName)}\n`,
    );
  } finally {
    step('Stopping the test bed');
    for (const instance of instances) await instance.stop();
    await bed.stop();
  }
  process.stdout.write(
    process.exitCode === 1 ? 'Demo found a difference: see above.\n' : 'Demo complete.\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`Demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
