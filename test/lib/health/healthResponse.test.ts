import { describe, expect, it } from 'vitest';

import { ConfigurationError } from '../../../src/lib/errors';
import { healthReportOrStartupFailure } from '../../../src/lib/health/healthResponse';
import type { HealthService } from '../../../src/lib/health/healthService';
import type { Logger } from '../../../src/lib/util';

function capture(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info: ${m}`),
    warn: (m) => lines.push(`warn: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
  };
}

const hanging = (): Promise<HealthService> => new Promise<HealthService>(() => undefined);
const vaultRefusal = (): Promise<HealthService> =>
  Promise.reject(
    new ConfigurationError('KEY_VAULT_URL https://kv-contoso.vault.azure.net is not reachable', {
      step: 'Key Vault read',
      code: 'ENOTFOUND',
      hint: 'az network private-dns link vnet create ...',
    }),
  );

describe('healthReportOrStartupFailure', () => {
  it('answers with a failing app:startup check when the runtime hangs past the budget', async () => {
    const logger = capture();
    const report = await healthReportOrStartupFailure(hanging, logger, {
      detailedErrors: false,
      startupBudgetInMs: 20,
    });
    expect(report.status).toBe('fail');
    const output = report.checks['app:startup']?.[0]?.output ?? '';
    expect(output).toMatch(
      /^startup: failed \[StartupTimeout\]\. Details and the fix: the function's log at (\S+), or run dataverse-s2s doctor\.$/,
    );
    const time = /log at (\S+),/.exec(output)?.[1] ?? '';
    expect(logger.lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^error: Health check could not start at ${time}: startup: The app did not finish starting within 20 ms.*Fix: .*KEY_VAULT_URL`,
        ),
      ),
    ]);
  });

  it('keeps the failing step, code and status, but not the message or fix, out of the default body', async () => {
    const logger = capture();
    const report = await healthReportOrStartupFailure(vaultRefusal, logger, {
      detailedErrors: false,
    });
    const body = JSON.stringify(report);
    expect(report.output).toMatch(/^Key Vault read: failed \[ENOTFOUND\]\. Details and the fix/);
    expect(body).not.toContain('kv-contoso');
    expect(body).not.toContain('az ');
    expect(logger.lines[0]).toContain('https://kv-contoso.vault.azure.net is not reachable');
    expect(logger.lines[0]).toContain('Fix: az network private-dns');
  });

  it('with detailedErrors the body carries the full description and fix', async () => {
    const report = await healthReportOrStartupFailure(vaultRefusal, capture(), {
      detailedErrors: true,
    });
    expect(report.checks['app:startup']?.[0]?.output).toContain(
      'Key Vault read: KEY_VAULT_URL https://kv-contoso.vault.azure.net is not reachable [ENOTFOUND]. Fix: az network private-dns',
    );
  });
});

describe('one deadline for the whole poll', () => {
  it('gives the check only what the start left of the budget', async () => {
    const deadlines: (number | undefined)[] = [];
    const service: HealthService = {
      current: (options?: { deadlineAt?: number }) => {
        deadlines.push(options?.deadlineAt);
        return Promise.resolve({
          status: 'pass',
          description: 'd',
          time: new Date().toISOString(),
          checks: {},
        });
      },
    };
    const slowStart = (): Promise<HealthService> =>
      new Promise((resolve) => {
        setTimeout(() => {
          resolve(service);
        }, 150);
      });
    const startedAt = Date.now();
    await healthReportOrStartupFailure(slowStart, capture(), {
      detailedErrors: false,
      startupBudgetInMs: 1_000,
    });
    // The start took ~150 ms of the 1 s budget: the check must end by the same deadline, not
    // get a second full budget of its own.
    expect(deadlines).toHaveLength(1);
    expect(deadlines[0]).toBeGreaterThanOrEqual(startedAt + 1_000 - 5);
    expect(deadlines[0]).toBeLessThanOrEqual(Date.now() + 1_000 - 100);
  });
});
