import { inspect } from 'node:util';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  DataverseAuthorizationError,
  type DataverseError,
  isDataverseError,
} from '../../../src/lib/dataverse';
import {
  dataverseError,
  drop,
  harness,
  json,
  type ScriptedServer,
  stall,
  startScriptedServer,
} from './scriptedServer';

const WHO = { UserId: 'u', BusinessUnitId: 'b', OrganizationId: 'o' };

let server: ScriptedServer;
beforeEach(async () => {
  server = await startScriptedServer();
});
afterEach(async () => {
  await server.stop();
});

describe('bearer token', () => {
  it('sends the token and the OData headers, and never a cookie', async () => {
    const h = harness(server);
    server.script(
      json(200, WHO, { 'set-cookie': 'ARRAffinity=abc; Path=/; HttpOnly', 'x-ms-dop-hint': '8' }),
      json(200, WHO),
    );
    const result = await h.client.whoAmI();
    await h.client.whoAmI();
    expect(result).toEqual({ ...WHO, dopHint: 8, latencyInMs: 0 });
    const [first, second] = server.requests;
    expect(first).toMatchObject({ method: 'GET', url: '/api/data/v9.2/WhoAmI' });
    expect(first?.headers).toMatchObject({
      authorization: 'Bearer token-1',
      accept: 'application/json',
      'odata-maxversion': '4.0',
      'odata-version': '4.0',
    });
    expect(second?.headers.cookie).toBeUndefined();
    h.client.close();
  });

  it('on 401 refreshes the token once and resends', async () => {
    const h = harness(server);
    server.script(json(401, ''), json(200, WHO));
    await h.client.whoAmI();
    expect(h.tokenRequests).toEqual([{ forceRefresh: false }, { forceRefresh: true }]);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-2',
    ]);
    expect(h.sleeps).toEqual([]);
    h.client.close();
  });

  it('a second 401 fails as DataverseAuthorizationError with the audience hint', async () => {
    const h = harness(server);
    server.script(json(401, ''), json(401, ''), json(200, WHO));
    const error = (await h.client.whoAmI().catch((e: unknown) => e)) as DataverseError;
    expect(error).toBeInstanceOf(DataverseAuthorizationError);
    expect(isDataverseError(error)).toBe(true);
    expect(server.requests).toHaveLength(2);
    expect(error.retryable).toBe(false);
    expect(error.hint).toContain(
      `check the environment URL (${server.url}): the token audience must equal it`,
    );
    h.client.close();
  });

  it('403 0x80072560 explains the missing application user', async () => {
    const h = harness(server);
    server.script(
      dataverseError(403, '0x80072560', 'The user is not a member of the organization.'),
    );
    const error = (await h.client.whoAmI().catch((e: unknown) => e)) as DataverseError;
    expect(error).toBeInstanceOf(DataverseAuthorizationError);
    expect(error.hint).toBe(
      'the application user for client id 00000000-0000-0000-0000-0000000000aa does not exist in environment contoso-test: create it (Power Platform admin center → Environments → contoso-test → Settings → Users + permissions → Application users) and give it a custom security role with read access to the synced tables',
    );
    expect(error.describe()).toContain('(service request id svc-0x80072560)');
    expect(
      h.logLines.some(
        (l) =>
          l.startsWith('warn ') &&
          l.includes('service request id svc-0x80072560') &&
          l.includes('client request id'),
      ),
    ).toBe(true);
    h.client.close();
  });

  it('explains a disabled application user', async () => {
    const h = harness(server);
    server.script(
      dataverseError(403, '0x80040225', 'The user with SystemUserId=1234 is disabled.'),
    );
    const error = (await h.client.whoAmI().catch((e: unknown) => e)) as DataverseError;
    expect(error.hint).toContain('is disabled in environment contoso-test: activate it');
    h.client.close();
  });
});

describe('no secret in errors or logs', () => {
  const PLANTED = 'eyJhbGciOiJSUzI1NiJ9.PLANTED-TOKEN-VALUE.c2lnbmF0dXJl';

  function everything(error: unknown): string {
    const parts: string[] = [];
    let current: unknown = error;
    for (let depth = 0; current !== undefined && depth < 10; depth += 1) {
      parts.push(JSON.stringify(current), inspect(current, { depth: Infinity, showHidden: true }));
      if (current instanceof Error) parts.push(current.stack ?? '');
      current = current instanceof Error ? current.cause : undefined;
    }
    return parts.join('\n');
  }

  it.each([
    ['401 twice', [json(401, ''), json(401, '')], {}],
    ['403', [dataverseError(403, '0x80072560', 'not a member')], {}],
    ['5xx until the retry limit', [json(500, {}), json(500, {})], { maxRetries: 1 }],
    ['dropped connection', [drop], { maxRetries: 0 }],
    ['timeout', [stall], { maxRetries: 0, timeoutInMs: 100 }],
    [
      'throttled to the deadline',
      [dataverseError(429, '0x80072322', 'x', { 'retry-after': '9' })],
      { overallDeadlineInMs: 5_000 },
    ],
  ] as const)('%s', async (_label, responders, overrides) => {
    const h = harness(server, overrides, [PLANTED, PLANTED]);
    server.script(...responders);
    const error = await h.client.whoAmI().catch((e: unknown) => e);
    expect(isDataverseError(error)).toBe(true);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${PLANTED}`);
    const text = everything(error);
    expect(text).not.toContain('PLANTED-TOKEN');
    expect(text).not.toMatch(/bearer\s/i);
    expect(text).not.toMatch(/"?authorization"?\s*:/i);
    expect(h.logLines.join('\n')).not.toContain('PLANTED-TOKEN');
    expect(h.logLines.length).toBeGreaterThan(0);
    h.client.close();
  });
});
