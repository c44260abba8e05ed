import { HttpRequest, InvocationContext } from '@azure/functions';
import { startTestBed, type TestBed } from '@dataverse-s2s/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { health } from '../../src/functions/health';

/**
 * The process-wide runtime behind every function: two invocations that arrive together must
 * share one initialisation — one Key Vault read, one managed-identity token, one Entra token.
 */
describe('shared runtime', () => {
  let bed: TestBed;
  const saved = { ...process.env };

  beforeAll(async () => {
    bed = await startTestBed();
    Object.assign(process.env, bed.appSettings(), bed.processEnvironment());
  });

  afterAll(async () => {
    for (const key of Object.keys(process.env))
      if (!(key in saved)) Reflect.deleteProperty(process.env, key);
    Object.assign(process.env, saved);
    await bed.stop();
  });

  function invocation(id: string): [HttpRequest, InvocationContext] {
    return [
      new HttpRequest({ method: 'GET', url: 'http://localhost/api/health' }),
      new InvocationContext({
        invocationId: id,
        functionName: 'health',
        logHandler: () => undefined,
      }),
    ];
  }

  it('builds once for two concurrent invocations: one Key Vault read, one token request', async () => {
    const [first, second] = await Promise.all([
      health(...invocation('1')),
      health(...invocation('2')),
    ]);

    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(bed.keyVault.readCount(bed.ids.credentialName)).toBe(1);
    expect(bed.managedIdentity.requestCount()).toBe(1);
    const dataverseTokens = bed.entra.tokensIssued.filter((t) => t.appId === bed.ids.clientId);
    expect(dataverseTokens).toHaveLength(1);
    expect(bed.dataverse.environment('contoso').requestCounts()['whoami 200']).toBe(1);
  });
});
