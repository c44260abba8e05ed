import { describe, expect, it } from 'vitest';

import type { DataverseTokenProvider } from '../../../src/lib/auth';
import type { ClientStats, DataverseClient, WhoAmIResult } from '../../../src/lib/dataverse';
import { AuthenticationError } from '../../../src/lib/errors';
import { type HealthDependencies, runHealthCheck } from '../../../src/lib/health/runHealthCheck';
import type { EnvironmentSettings } from '../../../src/lib/settings';

const contoso: EnvironmentSettings = {
  name: 'contoso',
  url: 'https://contoso.crm.dynamics.com',
  tenantId: 't1',
};
const fabrikam: EnvironmentSettings = {
  name: 'fabrikam',
  url: 'https://fabrikam.crm.dynamics.com',
  tenantId: 't2',
};
const now = new Date('2026-11-23T12:00:00Z');

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
    ...overrides,
  };
}

describe('runHealthCheck', () => {
  it('passes with token, WhoAmI facts, credential expiry, last sync and throttling per environment', async () => {
    const report = await runHealthCheck(deps({}));
    expect(report.status).toBe('pass');
    expect(Object.keys(report.checks)).toEqual([
      'contoso:lastSync',
      'contoso:throttling',
      'contoso:token',
      'contoso:whoAmI',
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
    expect(token?.output).toContain('fabrikam / Entra token');
    expect(token?.output).toContain('AADSTS700016');
    expect(token?.output).toContain('grant admin consent');
    expect(report.checks['fabrikam:whoAmI']?.[0]?.output).toContain('Not attempted');
  });

  it('reports a hung WhoAmI as failed when the budget runs out instead of waiting', async () => {
    const hung = deps({
      timeoutInMs: 50,
      clientFor: (environment) =>
        client(environment, () => new Promise<WhoAmIResult>(() => undefined)),
    });
    const report = await runHealthCheck(hung);
    expect(report.status).toBe('fail');
    expect(report.checks['contoso:whoAmI']?.[0]?.output).toContain('No answer within');
    expect(report.checks['contoso:token']?.[0]?.status).toBe('pass');
    expect(report.checks['credential:expiry']?.[0]?.status).toBe('pass');
  });

  it('warns, not fails, when only the checkpoint read hangs past the budget', async () => {
    const report = await runHealthCheck(
      deps({ timeoutInMs: 50, lastSync: () => new Promise(() => undefined) }),
    );
    expect(report.status).toBe('warn');
    expect(report.checks['contoso:lastSync']?.[0]).toMatchObject({ status: 'warn' });
    expect(report.checks['contoso:lastSync']?.[0]?.output).toContain('No answer within');
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
    expect(report.checks['contoso:lastSync']?.[0]?.status).toBe('warn');
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
