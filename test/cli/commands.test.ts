import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { HealthReport } from '../../src/lib/health';
import { BlobLeaseProvider, SYNC_CONTAINER_NAME } from '../../src/lib/sync';
import { silentLogger } from '../../src/lib/util';
import { CliBed } from './cliHarness';

let cli: CliBed;
let table: TableClient;
/** A mirror table of the bed's storage: SYNC_TABLE_PREFIX `dv` + the logical name. */
function mirrorTable(name: string): TableClient {
  return TableClient.fromConnectionString(cli.bed.azurite!.connectionString, name, {
    allowInsecureConnection: true,
  });
}
beforeAll(async () => {
  cli = await CliBed.start({
    environments: [
      {
        name: 'contoso',
        accounts: { count: 120, seed: 1 },
        tables: { contact: { count: 30, seed: 3 } },
      },
      { name: 'fabrikam', tenant: 'customer', accounts: { count: 40, seed: 2 } },
    ],
  });
  table = mirrorTable('dvaccount');
});
afterAll(async () => {
  await cli.stop();
});

async function mirrorRows(
  mirror: TableClient = table,
): Promise<{ partitionKey: string; rowKey: string }[]> {
  const rows: { partitionKey: string; rowKey: string }[] = [];
  for await (const entity of mirror.listEntities()) {
    rows.push({ partitionKey: entity.partitionKey!, rowKey: entity.rowKey! });
  }
  return rows;
}

describe('dataverse-s2s sync', () => {
  it("--env contoso copies exactly contoso's accounts into the mirror table", async () => {
    const run = await cli.run(['sync', '--env', 'contoso']);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /sync contoso\/account: synced \(full round, generation \d+\).*created 120/,
    );
    expect(run.stdout).not.toContain('fabrikam/');
    const rows = await mirrorRows();
    const contoso = cli.bed.dataverse.environment('contoso');
    expect(rows).toHaveLength(contoso.accountCount());
    expect(new Set(rows.map((row) => row.partitionKey))).toEqual(new Set(['contoso']));
    const ids = [...contoso.allAccounts()].map((account) => account.accountid).sort();
    expect(rows.map((row) => row.rowKey).sort()).toEqual(ids);
  });

  it('on a terminal draws one status line redrawn in place, then the summary', async () => {
    cli.bed.dataverse.environment('contoso').createAccount({ name: 'Terminal Ltd' });
    const run = await cli.run(['sync', '--env', 'contoso'], { tty: true });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('\r\x1b[2Ksyncing contoso/account: starting');
    // The status line is cleared before the permanent summary line is printed.
    expect(run.stdout).toContain('\r\x1b[2Ksync contoso/account: synced (delta round');
    expect(run.stdout).toMatch(/created 1,/);
  });

  it('stops when interrupted (Ctrl-C) with exit code 130, and the next run carries on', async () => {
    const interrupt = new AbortController();
    interrupt.abort(new Error('interrupted (Ctrl-C)'));
    const stopped = await cli.run(['sync', '--env', 'fabrikam'], { signal: interrupt.signal });

    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/sync fabrikam\/account: aborted/);
    expect(stopped.stderr).toContain('interrupted: each table stopped at a page boundary');
    expect((await mirrorRows()).filter((row) => row.partitionKey === 'fabrikam')).toHaveLength(0);

    const resumed = await cli.run(['sync', '--env', 'fabrikam']);
    expect(resumed.code).toBe(0);
    expect((await mirrorRows()).filter((row) => row.partitionKey === 'fabrikam')).toHaveLength(
      cli.bed.dataverse.environment('fabrikam').accountCount(),
    );
  });

  it('exits 3 and says when the lease expires when another run holds it (nothing was synced)', async () => {
    const container = BlobServiceClient.fromConnectionString(
      cli.bed.azurite!.connectionString,
    ).getContainerClient(SYNC_CONTAINER_NAME);
    const other = await new BlobLeaseProvider(container, { logger: silentLogger }).tryAcquire(
      'contoso/account',
    );
    expect(other).toBeDefined();
    try {
      const run = await cli.run(['sync', '--env', 'contoso']);
      expect(run.code).toBe(3);
      expect(run.stdout + run.stderr).toMatch(
        /sync contoso\/account: another run holds the lease \(held by .+ since .+\); it expires by \d{4}-\d\d-\d\dT[\d:.]+Z if that run has stopped/,
      );
    } finally {
      await other?.release();
    }
  });

  it('exits 1 and names the failing environment when the application user is missing', async () => {
    const fabrikam = cli.bed.dataverse.environment('fabrikam');
    fabrikam.removeApplicationUser(cli.bed.ids.clientId);
    try {
      const run = await cli.run(['sync']);

      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/sync contoso\/account: synced/);
      expect(run.stderr).toMatch(/error: sync fabrikam\/account: failed.*Application users/);
    } finally {
      fabrikam.setApplicationUser(cli.bed.ids.clientId, { enabled: true });
    }
  });

  it('refuses an --env name that is not configured, listing the configured ones', async () => {
    const run = await cli.run(['sync', '--env', 'contsoo']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no configured environment named contsoo');
    expect(run.stderr).toContain('use one of: contoso, fabrikam');
  });

  it('--table contact syncs only contact when SYNC_TABLES names account and contact', async () => {
    const contoso = cli.bed.dataverse.environment('contoso');
    const notSynced = contoso.createAccount({ name: 'Other Table Ltd' });
    const run = await cli.run(['sync', '--table', 'contact'], {
      env: { ...process.env, SYNC_TABLES: 'account,contact' },
    });

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /sync contoso\/contact: synced \(full round, generation \d+\).*created 30,/,
    );
    expect(run.stdout).toMatch(/sync fabrikam\/contact: synced \(full round, generation \d+\)/);
    expect(run.stdout + run.stderr).not.toContain('/account');
    const rows = await mirrorRows(mirrorTable('dvcontact'));
    expect(new Set(rows.map((row) => row.partitionKey))).toEqual(new Set(['contoso']));
    const ids = [...contoso.table('contact').rows()].map((contact) => contact.contactid).sort();
    expect(ids).toHaveLength(30);
    expect(rows.map((row) => row.rowKey).sort()).toEqual(ids);
    expect((await mirrorRows()).map((row) => row.rowKey)).not.toContain(notSynced);
  });

  it('refuses a --table that SYNC_TABLES does not name, listing the configured tables', async () => {
    const run = await cli.run(['sync', '--table', 'contcat'], {
      env: { ...process.env, SYNC_TABLES: 'account,contact' },
    });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no selected environment syncs table contcat');
    expect(run.stderr).toContain('use one of: account, contact (SYNC_TABLES');
    expect(run.stdout).not.toMatch(/^sync /m);
  });
});

describe('dataverse-s2s health', () => {
  it('prints the health+json report with status pass and exits 0 once every environment synced', async () => {
    expect((await cli.run(['sync'])).code).toBe(0);
    const run = await cli.run(['health']);

    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as HealthReport;
    expect(report.status).toBe('pass');
    expect(Object.keys(report.checks)).toEqual(
      expect.arrayContaining([
        'credential:expiry',
        'contoso:whoAmI',
        'fabrikam:whoAmI',
        'contoso/account:lastSync',
      ]),
    );
    expect(run.stderr).toBe('');
  });

  it('prints a failing report with the role fix and exits 1 when Key Vault refuses', async () => {
    cli.bed.keyVault.revoke(cli.bed.ids.managedIdentityObjectId);
    try {
      const run = await cli.run(['health']);

      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout) as HealthReport;
      expect(report.status).toBe('fail');
      expect(report.output).toContain("'Key Vault Secrets User'");
    } finally {
      cli.bed.keyVault.grant(cli.bed.ids.managedIdentityObjectId);
    }
  });
  it('shows each failing check with its full description and fix, unlike the endpoint by default', async () => {
    const contoso = cli.bed.dataverse.environment('contoso');
    contoso.removeApplicationUser(cli.bed.ids.clientId);
    try {
      const run = await cli.run(['health']);

      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout) as HealthReport;
      expect(report.checks['contoso:whoAmI']?.[0]?.output).toContain(
        `the application user for client id ${cli.bed.ids.clientId} does not exist in environment contoso: create it`,
      );
    } finally {
      contoso.setApplicationUser(cli.bed.ids.clientId, { enabled: true });
    }
  });
});

describe('output of every command above', () => {
  it('never contains a planted secret or an issued token', () => {
    expect(cli.bed.entra.tokens.issued.length).toBeGreaterThan(0);
    expect(cli.leakedSecrets()).toEqual([]);
  });
});
