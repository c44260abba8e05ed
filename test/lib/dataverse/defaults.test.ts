import { describe, expect, it } from 'vitest';

import {
  resolveClientOptions,
  SERVICE_CONCURRENCY_LIMIT,
} from '../../../src/lib/dataverse/options';
import { silentLogger } from '../../../src/lib/util';

/** The defaults README promises ("Talking to Dataverse"), as the client resolves them. */
describe('Dataverse client defaults', () => {
  const resolved = resolveClientOptions({
    environment: {
      name: 'contoso',
      url: 'https://contoso.crm.dynamics.com',
      tenantId: 't',
      tables: [{ logicalName: 'account' }],
    },
    getToken: () => Promise.resolve('t'),
    logger: silentLogger,
  });

  it('starts at 4 requests in flight until the first x-ms-dop-hint, never above 52', () => {
    expect(resolved.initialConcurrency).toBe(4);
    expect(resolved.maxConcurrency).toBe(52);
    expect(SERVICE_CONCURRENCY_LIMIT).toBe(52);
  });

  it('retries transient failures 5 times within a 5-minute deadline per call, 30 s per attempt', () => {
    expect(resolved).toMatchObject({
      maxRetries: 5,
      overallDeadlineInMs: 300_000,
      timeoutInMs: 30_000,
      retryDelayInMs: 1_000,
      maxRetryDelayInMs: 30_000,
      maxRetryAfterInMs: 300_000,
      transient: { retryUnresolvedHost: false },
    });
  });

  it('refuses a maxConcurrency above the service limit', () => {
    expect(() =>
      resolveClientOptions({
        environment: {
          name: 'contoso',
          url: 'https://contoso.crm.dynamics.com',
          tenantId: 't',
          tables: [{ logicalName: 'account' }],
        },
        getToken: () => Promise.resolve('t'),
        logger: silentLogger,
        maxConcurrency: 53,
      }),
    ).toThrow(/maxConcurrency must be a whole number from 1 to 52/);
  });
});
