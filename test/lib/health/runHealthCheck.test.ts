import { describe, expect, it } from 'vitest';

import type { DataverseTokenProvider } from '../../../src/lib/auth';
import type { ClientStats, DataverseClient, WhoAmIResult } from '../../../src/lib/dataverse';
import { AuthenticationError } from '../../../src/lib/errors';
import { type HealthDependencies, runHealthCheck } from '../../../src/lib/health/runHealthCheck';
import { type EnvironmentSettings, SYNC_POISON_QUEUE_NAME } from '../../../src/lib/settings';
import type { Logger } from '../../../src/lib/util';

const contoso: EnvironmentSettings = {
  name: 'contoso',
  url: 'https://contoso.crm.dynamics.com',
  tenantId: 't1',
  tables: [{ logicalName: 'account' }],
};
const fabrikam: EnvironmentSettings = {
  name: 'fabrikam',
  url: 'https://fabrikam.crm.dynamics.com',
  tenantId: 't2',
  tables: [{ logicalName: 'account' }],
};
const now = new Date('2026-11-23T12:00:00Z');
const NOW_ISO = '2026-11-23T12:00:00.000Z';

/** A logger that keeps `level: message` lines. */
function capture(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info: ${m}`),
    warn: (m) => lines.push(`warn: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
  };
}

const quietStats: ClientStats = {
  requests: 1,
  throttledResponses: 0,
  throttledWaitInMs: 0,
  retries: 0,
  lastThrottledAt: undefined,
};

function client(
  environment: EnvironmentSettings,
  whoAmI: () => Promise<WhoAmIResult>,
  stats = quietStats,
): DataverseClient {
  const unused = (): never => {
    throw new Error('not used by health');
  };
  return {
    environment,
    whoAmI,
    stats: () => stats,
    queryPages: unused,
    queryRows: unused,
    changePages: unused,
    getJson: unused,
  };
}

function deps(overrides: Partial<HealthDependencies>): HealthDependencies {
  const tokenProvider: DataverseTokenProvider = {
    getToken: () => Promise.resolve({ token: 't', expiresOnTimestamp: 0 }),
    describeCredential: () =>
      Promise.resolve({
        type: 'secret',
        source: 'keyVault',
        version: 'v1',
        expiresOn: new Date(now.getTime() + 90 * 864e5),
        thumbprintSha256: undefined,
      }),
  };
  const who = (): Promise<WhoAmIResult> =>
    Promise.resolve({
      UserId: 'u',
      BusinessUnitId: 'b',
      OrganizationId: 'o',
      dopHint: 8,
      latencyInMs: 12,
    });
  return {
    environments: [contoso],
    tokenProvider,
    clientFor: (environment) => client(environment, who),
    lastSync: () =>
      Promise.resolve({ lastSuccessAt: new Date(now.getTime() - 60_000), lastError: undefined }),
    syncSchedule: '0 */5 * * * *',
    credentialExpiryWarningDays: 30,
    timeoutInMs: 5_000,
    now: () => now,
    detailedErrors: false,
    logger: capture(),
    ...overrides,
  };
}

/** What Key Vault's stand-in refusal names: vault, secret, identity, tenant, the az fix. */
const VAULT = 'https://kv-contoso-integration.vault.azure.net';
const OBJECT_ID = '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f';
const TENANT_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
function keyVaultRefusal(): AuthenticationError {
  return new AuthenticationError(
    `Key Vault ${VAULT} refused to read secret 'dataverse-client' for the managed identity in tenant ${TENANT_ID}`,
    {
      step: 'Key Vault read',
      status: 403,
      code: 'Forbidden',
      hint: `the managed identity (object id ${OBJECT_ID}) lacks 'Key Vault Secrets User' on vault ${VAULT}: az role assignment create --role "Key Vault Secrets User" --assignee-object-id ${OBJECT_ID}`,
    },
  );
}

describe('runHealthCheck', () => {
  it('passes with token, WhoAmI facts, credential expiry, last sync and throttling per environment', async () => {
    const report = await runHealthCheck(deps({}));
    expect(report.status).toBe('pass');
    expect(Object.keys(report.checks)).toEqual([
      'contoso:throttling',
      'contoso:token',
      'contoso:whoAmI',
      'contoso/account:lastSync',
      'credential:expiry',
      'credential:version',
    ]);
    expect(report.checks['contoso:whoAmI']?.[0]).toMatchObject({
      status: 'pass',
      userId: 'u',
      organizationId: 'o',
      dopHint: 8,
      observedValue: 12,
    });
  });

  it('fails the environment whose token fails, names the step, and keeps the others passing', async () => {
    const failing: DataverseTokenProvider = {
      ...deps({}).tokenProvider,
      getToken: (environment) =>
        environment.name === 'fabrikam'
          ? Promise.reject(
              new AuthenticationError('app has no service principal in tenant t2', {
                step: 'Entra token',
                environment: 'fabrikam',
                code: 'AADSTS700016',
                hint: 'grant admin consent',
              }),
            )
          : Promise.resolve({ token: 't', expiresOnTimestamp: 0 }),
    };
    const report = await runHealthCheck(
      deps({ environments: [contoso, fabrikam], tokenProvider: failing }),
    );
    expect(report.status).toBe('fail');
    expect(report.checks['contoso:whoAmI']?.[0]?.status).toBe('pass');
    const token = report.checks['fabrikam:token']?.[0];
    expect(token?.status).toBe('fail');
    expect(token?.output).toBe(
      `fabrikam / Entra token: failed [AADSTS700016]. Details and the fix: the function's log at ${NOW_ISO}, or run dataverse-s2s doctor.`,
    );
    expect(report.checks['fabrikam:whoAmI']?.[0]?.output).toContain('Not attempted');
  });

  it('logs each failure in full once, at the time its summary points to', async () => {
    const logger = capture();
    const failing: DataverseTokenProvider = {
      ...deps({}).tokenProvider,
      describeCredential: () => Promise.reject(keyVaultRefusal()),
    };
    await runHealthCheck(deps({ tokenProvider: failing, logger }));
    expect(logger.lines).toEqual([
      `error: Health check credential:expiry failed at ${NOW_ISO}: ${keyVaultRefusal().describe()}`,
    ]);
    expect(logger.lines[0]).toContain('az role assignment create');
  });

  it('by default the output names no vault, secret, object id, tenant or az command', async () => {
    const failing: DataverseTokenProvider = {
      ...deps({}).tokenProvider,
      describeCredential: () => Promise.reject(keyVaultRefusal()),
      getToken: () => Promise.reject(keyVaultRefusal()),
    };
    const report = await runHealthCheck(deps({ tokenProvider: failing }));
    const body = JSON.stringify(report);
    for (const detail of [VAULT, 'kv-contoso', 'dataverse-client', OBJECT_ID, TENANT_ID, 'az '])
      expect(body).not.toContain(detail);
    expect(report.checks['credential:expiry']?.[0]?.output).toBe(
      `Key Vault read: failed [Forbidden] (HTTP 403). Details and the fix: the function's log at ${NOW_ISO}, or run dataverse-s2s doctor.`,
    );
  });

  it('with detailedErrors the output is the full description and fix', async () => {
    const failing: DataverseTokenProvider = {
      ...deps({}).tokenProvider,
      describeCredential: () => Promise.reject(keyVaultRefusal()),
    };
    const report = await runHealthCheck(deps({ tokenProvider: failing, detailedErrors: true }));
    expect(report.checks['credential:expiry']?.[0]?.output).toBe(keyVaultRefusal().describe());
  });

  it('reports a hung WhoAmI as failed when the budget runs out instead of waiting', async () => {
    const logger = capture();
    const hung = deps({
      logger,
      timeoutInMs: 50,
      clientFor: (environment) =>
        client(environment, () => new Promise<WhoAmIResult>(() => undefined)),
    });
    const report = await runHealthCheck(hung);
    expect(report.status).toBe('fail');
    const output = report.checks['contoso:whoAmI']?.[0]?.output;
    expect(output).toContain(
      "No answer within the health check's 50 ms budget (step contoso:whoAmI)",
    );
    expect(output).toContain(`the function's log at ${NOW_ISO}`);
    expect(output).not.toContain('waiting for');
    expect(logger.lines).toContain(
      `error: Health check contoso:whoAmI failed at ${NOW_ISO}: No answer within the health check's 50 ms budget (step contoso:whoAmI, waiting for WhoAmI at https://contoso.crm.dynamics.com). The service may be hung or throttling this application user.`,
    );
    expect(report.checks['contoso:token']?.[0]?.status).toBe('pass');
    expect(report.checks['credential:expiry']?.[0]?.status).toBe('pass');
  });

  it('a step that fails after the budget ran out is neither reported nor logged again', async () => {
    const logger = capture();
    let failedLate: () => void = () => undefined;
    const late = new Promise<void>((resolve) => (failedLate = resolve));
    const report = await runHealthCheck(
      deps({
        logger,
        timeoutInMs: 30,
        clientFor: (environment) =>
          client(environment, async () => {
            await new Promise((resolve) => setTimeout(resolve, 80));
            failedLate();
            throw new AuthenticationError('too late', { step: 'WhoAmI', environment: 'contoso' });
          }),
      }),
    );
    await late;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(report.checks['contoso:whoAmI']?.[0]?.output).toContain('No answer within');
    expect(logger.lines.filter((line) => line.includes('contoso:whoAmI'))).toHaveLength(1);
  });

  it('warns, not fails, when only the checkpoint read hangs past the budget', async () => {
    const report = await runHealthCheck(
      deps({ timeoutInMs: 50, lastSync: () => new Promise(() => undefined) }),
    );
    expect(report.status).toBe('warn');
    expect(report.checks['contoso/account:lastSync']?.[0]).toMatchObject({ status: 'warn' });
    expect(report.checks['contoso/account:lastSync']?.[0]?.output).toContain('No answer within');
    expect(report.checks['contoso:whoAmI']?.[0]?.status).toBe('pass');
  });

  it('warns about recent throttling and a stale sync without failing', async () => {
    const throttled: ClientStats = {
      ...quietStats,
      throttledResponses: 3,
      throttledWaitInMs: 9000,
      lastThrottledAt: new Date(now.getTime() - 60_000),
    };
    const report = await runHealthCheck(
      deps({
        clientFor: (environment) =>
          client(
            environment,
            () =>
              Promise.resolve({
                UserId: 'u',
                BusinessUnitId: 'b',
                OrganizationId: 'o',
                dopHint: undefined,
                latencyInMs: 1,
              }),
            throttled,
          ),
        lastSync: () =>
          Promise.resolve({
            lastSuccessAt: new Date(now.getTime() - 3600_000),
            lastError: undefined,
          }),
      }),
    );
    expect(report.status).toBe('warn');
    expect(report.checks['contoso:throttling']?.[0]).toMatchObject({
      status: 'warn',
      observedValue: 3,
    });
    expect(report.checks['contoso/account:lastSync']?.[0]?.status).toBe('warn');
  });

  it('judges the credential once Entra has answered: warns on credential:version and the expiry of the version in use', async () => {
    // The provider learns that Entra rejects the current version only from the token request.
    let answered = false;
    const provider: DataverseTokenProvider = {
      getToken: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        answered = true;
        return { token: 't', expiresOnTimestamp: 0 };
      },
      describeCredential: () =>
        Promise.resolve({
          type: 'certificate',
          source: 'keyVault',
          version: answered ? 'older' : 'current',
          expiresOn: new Date(now.getTime() + (answered ? 10 : 365) * 864e5),
          thumbprintSha256: 'AB',
          ...(answered
            ? {
                fallback: {
                  currentVersion: 'current',
                  currentThumbprintSha256: 'CD',
                  code: 'AADSTS700027',
                  reason: 'Entra ID rejects the current version current.',
                  fix: 'az ad app credential reset --id c --keyvault kv --cert dv --append',
                  since: now,
                },
              }
            : {}),
        }),
    };
    const report = await runHealthCheck(deps({ tokenProvider: provider }));

    expect(report.status).toBe('warn');
    expect(report.checks['contoso:token']?.[0]?.status).toBe('pass');
    expect(report.checks['credential:version']?.[0]).toMatchObject({
      status: 'warn',
      observedValue: 'older',
      currentVersion: 'current',
      code: 'AADSTS700027',
      output:
        'Entra ID rejects the current version current. Tokens work; the app switches back by itself once Entra ID accepts the current version. Fix: az ad app credential reset --id c --keyvault kv --cert dv --append',
    });
    expect(report.checks['credential:expiry']?.[0]).toMatchObject({
      status: 'warn',
      observedValue: 10,
      version: 'older',
    });
  });

  it('has no credential:version check for a credential from local settings', async () => {
    const local: DataverseTokenProvider = {
      ...deps({}).tokenProvider,
      describeCredential: () =>
        Promise.resolve({
          type: 'secret',
          source: 'setting',
          version: undefined,
          expiresOn: undefined,
          thumbprintSha256: undefined,
        }),
    };
    const report = await runHealthCheck(deps({ tokenProvider: local }));
    expect(report.checks['credential:version']).toBeUndefined();
    expect(report.checks['credential:expiry']?.[0]?.status).toBe('pass');
  });
});

describe('runHealthCheck: one lastSync check per table', () => {
  it('asks for the last sync of each (environment, table) and keys the check <env>/<table>:lastSync', async () => {
    const asked: string[] = [];
    const twoTables: EnvironmentSettings = {
      ...contoso,
      tables: [{ logicalName: 'account' }, { logicalName: 'contact', columns: ['fullname'] }],
    };
    const report = await runHealthCheck(
      deps({
        environments: [twoTables, fabrikam],
        lastSync: (environment, table) => {
          asked.push(`${environment.name}/${table}`);
          // Only contoso's contact is stale: the other tables must stay passing.
          const ageInMs = environment.name === 'contoso' && table === 'contact' ? 3600_000 : 60_000;
          return Promise.resolve({
            lastSuccessAt: new Date(now.getTime() - ageInMs),
            lastError: undefined,
          });
        },
      }),
    );
    expect(asked.sort()).toEqual(['contoso/account', 'contoso/contact', 'fabrikam/account']);
    expect(
      Object.keys(report.checks)
        .filter((key) => key.endsWith(':lastSync'))
        .sort(),
    ).toEqual([
      'contoso/account:lastSync',
      'contoso/contact:lastSync',
      'fabrikam/account:lastSync',
    ]);
    expect(report.checks['contoso/contact:lastSync']?.[0]).toMatchObject({
      componentId: 'contoso/contact',
      componentType: 'table sync',
      status: 'warn',
    });
    expect(report.checks['contoso/account:lastSync']?.[0]).toMatchObject({
      componentId: 'contoso/account',
      componentType: 'table sync',
      status: 'pass',
    });
    expect(report.checks['fabrikam/account:lastSync']?.[0]?.status).toBe('pass');
    expect(report.status).toBe('warn');
  });

  it('warns only the table whose checkpoint cannot be read, naming it as the component', async () => {
    const twoTables: EnvironmentSettings = {
      ...contoso,
      tables: [{ logicalName: 'account' }, { logicalName: 'contact' }],
    };
    const report = await runHealthCheck(
      deps({
        environments: [twoTables],
        lastSync: (_environment, table) =>
          table === 'contact'
            ? Promise.reject(new Error('storage unreachable'))
            : Promise.resolve({
                lastSuccessAt: new Date(now.getTime() - 60_000),
                lastError: undefined,
              }),
      }),
    );
    expect(report.status).toBe('warn');
    expect(report.checks['contoso/contact:lastSync']?.[0]).toMatchObject({
      componentId: 'contoso/contact',
      status: 'warn',
    });
    expect(report.checks['contoso/account:lastSync']?.[0]?.status).toBe('pass');
  });
});

describe('runHealthCheck: the poison queue', () => {
  it('has no poison check when the count is not wired (the CLI without a queue)', async () => {
    const report = await runHealthCheck(deps({}));
    expect(report.checks['sync:poisonMessages']).toBeUndefined();
  });

  it('passes with an empty poison queue', async () => {
    const report = await runHealthCheck(deps({ poisonCount: () => Promise.resolve(0) }));
    expect(report.status).toBe('pass');
    expect(report.checks['sync:poisonMessages']?.[0]).toMatchObject({
      componentId: 'sync',
      status: 'pass',
      observedValue: 0,
    });
  });

  it('warns, naming the poison queue, when jobs gave up', async () => {
    const report = await runHealthCheck(deps({ poisonCount: () => Promise.resolve(3) }));
    expect(report.status).toBe('warn');
    const check = report.checks['sync:poisonMessages']?.[0];
    expect(check).toMatchObject({ componentId: 'sync', status: 'warn', observedValue: 3 });
    expect(check?.output).toContain(SYNC_POISON_QUEUE_NAME);
    expect(check?.output).toMatch(/^3 sync job message\(s\) failed every attempt/);
  });

  it('warns, not fails, when the poison queue cannot be read', async () => {
    const logger = capture();
    const report = await runHealthCheck(
      deps({ logger, poisonCount: () => Promise.reject(new Error('queue service unreachable')) }),
    );
    expect(report.status).toBe('warn');
    expect(report.checks['sync:poisonMessages']?.[0]).toMatchObject({
      componentId: 'sync',
      status: 'warn',
    });
    expect(report.checks['contoso:whoAmI']?.[0]?.status).toBe('pass');
    expect(logger.lines).toEqual([
      expect.stringMatching(
        /^warn: Health check sync:poisonMessages warned at .*queue service unreachable/,
      ),
    ]);
  });

  it('warns, not fails, when the poison queue read hangs past the budget', async () => {
    const report = await runHealthCheck(
      deps({ timeoutInMs: 50, poisonCount: () => new Promise<number>(() => undefined) }),
    );
    expect(report.status).toBe('warn');
    expect(report.checks['sync:poisonMessages']?.[0]).toMatchObject({ status: 'warn' });
    expect(report.checks['sync:poisonMessages']?.[0]?.output).toContain('No answer within');
  });
});
