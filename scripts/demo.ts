/**
 * `npm run demo`: the app's main job, end to end and offline. Starts the test bed (Dataverse
 * with two environments in two tenants, Entra ID, Key Vault, managed identity, Azurite), runs
 * the real accountSync timer handler (full load), changes and deletes accounts in Dataverse,
 * runs it again (delta), checks the mirror table against the source, then calls the real
 * health handler. Prints what happens at each step.
 */
import { TableClient } from '@azure/data-tables';
import { HttpRequest, InvocationContext, type Timer } from '@azure/functions';
import { ensureProcessTrustsTestBed, startTestBed, type TestBed } from '@dataverse-s2s/testbed';

import { accountSync } from '../src/functions/accountSync';
import { health } from '../src/functions/health';
import { loadSettings } from '../src/lib/settings';

function step(title: string): void {
  process.stdout.write(`\n=== ${title}\n`);
}

function context(functionName: string): InvocationContext {
  return new InvocationContext({
    invocationId: `demo-${functionName}-${Date.now()}`,
    functionName,
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

/** Compares the mirror partition of each environment with the Dataverse source, row by row. */
async function compareMirror(bed: TestBed, columns: readonly string[]): Promise<void> {
  const azurite = bed.azurite;
  if (azurite === undefined) throw new Error('demo needs Azurite');
  const table = TableClient.fromConnectionString(azurite.connectionString, 'accounts', {
    allowInsecureConnection: true,
  });
  for (const environment of bed.dataverse.environments) {
    const mirror = new Map<string, Record<string, unknown>>();
    for await (const entity of table.listEntities({
      queryOptions: { filter: `PartitionKey eq '${environment.name}'` },
    })) {
      mirror.set(entity.rowKey ?? '', entity);
    }
    let differences = 0;
    let sourceRows = 0;
    for (const account of environment.allAccounts()) {
      sourceRows += 1;
      const row = mirror.get(account.accountid);
      const source = account as unknown as Record<string, unknown>;
      if (row === undefined || columns.some((c) => asText(row[c]) !== asText(source[c])))
        differences += 1;
      mirror.delete(account.accountid);
    }
    const extras = mirror.size;
    const verdict = differences === 0 && extras === 0 ? 'mirror equals source' : 'MIRROR DIFFERS';
    process.stdout.write(
      `  ${environment.name}: ${sourceRows} accounts in Dataverse; ${verdict} (${differences} missing or stale, ${extras} extra)\n`,
    );
    if (differences > 0 || extras > 0) process.exitCode = 1;
  }
}

async function main(): Promise<void> {
  await ensureProcessTrustsTestBed();
  step('Starting the test bed (Dataverse ×2, Entra ID, Key Vault, managed identity, Azurite)');
  const bed = await startTestBed({
    azurite: true,
    environments: [
      { name: 'contoso', accounts: { count: 5000, seed: 1 } },
      { name: 'fabrikam', tenant: 'customer', accounts: { count: 1200, seed: 2 } },
    ],
  });
  try {
    Object.assign(process.env, bed.appSettings(), bed.processEnvironment());
    for (const environment of bed.dataverse.environments) {
      process.stdout.write(
        `  ${environment.name}: ${environment.serviceRootUrl} (tenant ${environment.tenantId.slice(0, 8)}…)\n`,
      );
    }
    process.stdout.write(
      '  The client secret lives only in Key Vault; the app reads it with its managed identity.\n',
    );

    // The functions' shared runtime reads these settings on first use, i.e. from here on.
    const columns = loadSettings().sync.columns;

    step('Run 1: accountSync timer handler — first run, full load');
    await accountSync(timer, context('accountSync'));
    await compareMirror(bed, columns);

    step('Changing Dataverse: contoso +3 created, 5 updated, 4 deleted; fabrikam 2 deleted');
    const contoso = bed.dataverse.environment('contoso');
    const ids = [...contoso.allAccounts()].slice(0, 9).map((a) => a.accountid);
    for (let i = 0; i < 3; i += 1)
      contoso.createAccount({ name: `Demo account ${i}`, accountnumber: `DEMO-${i}` });
    for (const id of ids.slice(0, 5))
      contoso.updateAccount(id, { name: `Renamed ${id.slice(0, 8)}`, telephone1: '+1 555 0100' });
    for (const id of ids.slice(5, 9)) contoso.deleteAccount(id);
    const fabrikam = bed.dataverse.environment('fabrikam');
    for (const account of [...fabrikam.allAccounts()].slice(0, 2))
      fabrikam.deleteAccount(account.accountid);

    step('Run 2: accountSync timer handler — delta (only the changes, deletions included)');
    await accountSync(timer, context('accountSync'));
    await compareMirror(bed, columns);

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
