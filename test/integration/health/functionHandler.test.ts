import { HttpRequest, InvocationContext } from '@azure/functions';
import { startTestBed, type TestBed } from '@dataverse-s2s/testbed';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { health } from '../../../src/functions/health';
import type { HealthReport } from '../../../src/lib/health';
import { findLeaks, findSecretShapes, VisibleOutput } from '../support/leakScan';

/**
 * The registered HTTP function itself, with the process-wide shared runtime, which reads its
 * settings from process.env exactly as in Azure: the bed's app settings and the platform's
 * managed identity variables are put there before the first call.
 */
let bed: TestBed;
const visible = new VisibleOutput();
const savedEnvironment = { ...process.env };

beforeAll(async () => {
  bed = await startTestBed({
    azurite: true,
    environments: [{ name: 'contoso', accounts: { count: 2, seed: 1 } }],
  });
  Object.assign(process.env, bed.appSettings(), bed.processEnvironment());
  // The shared runtime logs through the console (Application Insights in Azure): collect it.
  for (const level of ['info', 'warn', 'error'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      visible.add(`log:${level}`, args.map(String).join(' '));
    });
  }
});

afterAll(async () => {
  vi.restoreAllMocks();
  for (const name of Object.keys(process.env)) {
    if (!(name in savedEnvironment)) Reflect.deleteProperty(process.env, name);
  }
  Object.assign(process.env, savedEnvironment);
  await bed.stop();
});

function invocation(): InvocationContext {
  return new InvocationContext({
    invocationId: 'health-test',
    functionName: 'health',
    logHandler: (level, ...args) => {
      visible.add(`log:${level}`, args.map(String).join(' '));
    },
  });
}

/** healthResponse always answers with a string body; anything else is a failure here. */
function bodyText(body: unknown): string {
  if (typeof body !== 'string') throw new Error(`expected a string body, got ${typeof body}`);
  return body;
}

describe('GET /api/health through the registered function', () => {
  it('answers 200 application/health+json with every check of the configured environment', async () => {
    const request = new HttpRequest({ method: 'GET', url: 'https://app.example/api/health' });

    const response = await health(request, invocation());

    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({
      'Content-Type': 'application/health+json',
      'Cache-Control': 'no-store',
    });
    const body = bodyText(response.body);
    visible.add('body', body);
    const report = JSON.parse(body) as HealthReport;
    // No sync has run: lastSync warns, which keeps the answer 200.
    expect(report.status).toBe('warn');
    expect(Object.keys(report.checks).sort()).toEqual([
      'contoso/account:lastSync',
      'contoso:throttling',
      'contoso:token',
      'contoso:whoAmI',
      'credential:expiry',
      'credential:version',
      'sync:poisonMessages',
    ]);
    expect(report.checks['sync:poisonMessages']?.[0]).toMatchObject({
      status: 'pass',
      observedValue: 0,
    });
    expect(report.checks['contoso:whoAmI']?.[0]).toMatchObject({
      status: 'pass',
      organizationId: bed.dataverse.environment('contoso').organizationId,
    });
    expect(report.checks['contoso/account:lastSync']?.[0]?.output).toBe(
      'No successful sync of this table yet.',
    );
    expect(
      visible.logLines().some((line) => line.includes('Dataverse runtime ready: contoso')),
    ).toBe(true);
  });

  it('a second call shares the process runtime and its cached report', async () => {
    const contoso = bed.dataverse.environment('contoso');
    contoso.resetStats();

    const response = await health(
      new HttpRequest({ method: 'GET', url: 'https://app.example/api/health' }),
      invocation(),
    );

    visible.add('body', bodyText(response.body));
    expect(response.status).toBe(200);
    expect(contoso.requestCounts()).toEqual({});
  });

  it('leaks no secret, key or token into any log line or response body', () => {
    expect(visible.texts.filter((text) => text.source === 'body')).toHaveLength(2);
    expect(visible.logLines().length).toBeGreaterThan(1);
    expect(bed.entra.tokens.issued.length).toBeGreaterThan(1);
    const leaks = findLeaks(visible.texts, bed.plantedSecrets());
    expect(leaks).toEqual([]);
    expect(findSecretShapes(visible.texts)).toEqual([]);
  });
});
