import { randomBytes } from 'node:crypto';

import { HttpRequest, InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { health } from '../../src/functions/health';
import type { HealthReport } from '../../src/lib/health';
import { findLeaks, findSecretShapes, VisibleOutput } from '../integration/support/leakScan';

/**
 * A storage connection string pasted into SYNC_STORAGE (which takes the NAME of the
 * setting that holds one) fails the app's start. The settings error travels to the shared
 * runtime's startup log line, the health function's log and the 503 `app:startup` body: none of
 * them may carry any part of the account key.
 */
const ACCOUNT_KEY = randomBytes(64).toString('base64');
const visible = new VisibleOutput();
const savedEnvironment = { ...process.env };

beforeAll(() => {
  Object.assign(process.env, {
    DATAVERSE_URL: 'https://contoso.crm.dynamics.com',
    DATAVERSE_TENANT_ID: '11111111-2222-3333-4444-555555555555',
    DATAVERSE_CLIENT_ID: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    DATAVERSE_CREDENTIAL_TYPE: 'secret',
    DATAVERSE_CLIENT_SECRET: 'local-secret-value-of-enough-length',
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    SYNC_STORAGE: `AccountKey=${ACCOUNT_KEY};AccountName=contosostore;DefaultEndpointsProtocol=https;EndpointSuffix=core.windows.net`,
  });
  // The shared runtime logs through the console (Application Insights in Azure): collect it.
  for (const level of ['info', 'warn', 'error'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      visible.add(`log:${level}`, args.map(String).join(' '));
    });
  }
});

afterAll(() => {
  vi.restoreAllMocks();
  for (const name of Object.keys(process.env)) {
    if (!(name in savedEnvironment)) Reflect.deleteProperty(process.env, name);
  }
  Object.assign(process.env, savedEnvironment);
});

/** One GET /api/health through the registered function; its body is collected for the scan. */
async function getHealth(): Promise<{ status: number; report: HealthReport }> {
  const response = await health(
    new HttpRequest({ method: 'GET', url: 'https://app.example/api/health' }),
    new InvocationContext({
      invocationId: 'startup-secrets',
      functionName: 'health',
      logHandler: (level, ...args) => {
        visible.add(`log:${level}`, args.map(String).join(' '));
      },
    }),
  );
  if (typeof response.body !== 'string') throw new Error('expected a string body');
  visible.add(`body:${String(response.status)}`, response.body);
  return { status: response.status ?? 200, report: JSON.parse(response.body) as HealthReport };
}

describe('a connection string in SYNC_STORAGE', () => {
  it('fails the start with 503 app:startup, and no log line or body holds any part of the key', async () => {
    const { status, report } = await getHealth();

    expect(status).toBe(503);
    expect(report.checks['app:startup']?.[0]?.status).toBe('fail');
    expect(findLeaks(visible.texts, [ACCOUNT_KEY])).toEqual([]);
    expect(findSecretShapes(visible.texts)).toEqual([]);
    const startupLine = visible
      .logLines()
      .find((line) => line.startsWith('error: Dataverse runtime could not start'));
    expect(startupLine).toContain(
      'SYNC_STORAGE: holds what looks like a storage connection string',
    );
    expect(startupLine).toContain('Example: SYNC_STORAGE=AzureWebJobsStorage');
    // By default the body says which step failed and where to read the rest.
    expect(report.output).toMatch(
      /^settings: failed \[InvalidSettings\]\. Details and the fix: the function's log at \S+, or run dataverse-s2s doctor\.$/,
    );
  });

  it('with HEALTH_DETAILED_ERRORS=true the body lists the setting problem, still without the key', async () => {
    process.env.HEALTH_DETAILED_ERRORS = 'true';

    const { status, report } = await getHealth();

    expect(status).toBe(503);
    expect(report.output).toContain(
      'SYNC_STORAGE: holds what looks like a storage connection string',
    );
    expect(findLeaks(visible.texts, [ACCOUNT_KEY])).toEqual([]);
    expect(findSecretShapes(visible.texts)).toEqual([]);
  });
});
