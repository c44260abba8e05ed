import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DataverseError, DataverseThrottledError } from '../../../src/lib/dataverse';
import {
  dataverseError,
  drop,
  harness,
  json,
  type ScriptedServer,
  stall,
  stallMidBody,
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

describe('throttling (429 service protection)', () => {
  it.each(['0x80072322', '0x80072321', '0x80072326', '-2147015902', '-2147015903', '-2147015898'])(
    'code %s: waits exactly Retry-After, then succeeds without using the retry budget',
    async (code) => {
      const h = harness(server, { maxRetries: 0 });
      server.script(dataverseError(429, code, 'limit', { 'retry-after': '3' }), json(200, WHO));
      await expect(h.client.whoAmI()).resolves.toMatchObject({ UserId: 'u' });
      expect(h.sleeps).toEqual([3000]);
      expect(server.requests).toHaveLength(2);
      expect(h.client.stats()).toMatchObject({
        requests: 2,
        throttledResponses: 1,
        throttledWaitInMs: 3000,
        retries: 0,
      });
      expect(h.client.stats().lastThrottledAt).toBeInstanceOf(Date);
      h.client.close();
    },
  );

  it('accepts Retry-After as an HTTP date', async () => {
    const h = harness(server);
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 60_000).toUTCString();
    server.script(
      dataverseError(429, '0x80072322', 'limit', { 'retry-after': at }),
      json(200, WHO),
    );
    await h.client.whoAmI();
    expect(h.sleeps).toHaveLength(1);
    expect(h.sleeps[0]).toBeGreaterThan(55_000);
    expect(h.sleeps[0]).toBeLessThanOrEqual(61_000);
    h.client.close();
  });

  it('keeps waiting through many throttles (work is never dropped while the deadline allows)', async () => {
    const h = harness(server, { maxRetries: 1 });
    const throttle = dataverseError(429, '0x80072326', 'concurrency', { 'retry-after': '1' });
    server.script(throttle, throttle, throttle, throttle, throttle, json(200, WHO));
    await h.client.whoAmI();
    expect(h.sleeps).toEqual([1000, 1000, 1000, 1000, 1000]);
    h.client.close();
  });

  it('gives up with DataverseThrottledError when the next wait would pass the deadline', async () => {
    const h = harness(server, { overallDeadlineInMs: 10_000 });
    const throttle = dataverseError(429, '0x80072321', 'execution time', { 'retry-after': '4' });
    server.script(throttle, throttle, throttle, throttle);
    const error = await h.client.whoAmI().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataverseThrottledError);
    const throttled = error as DataverseThrottledError;
    expect(h.sleeps).toEqual([4000, 4000]);
    expect(throttled).toMatchObject({
      status: 429,
      code: '0x80072321',
      retryable: true,
      environment: 'contoso-test',
      requestId: 'svc-0x80072321',
    });
    expect(throttled.message).toContain('deadline');
    expect(throttled.hint).toContain('service protection limits (combined execution time)');
    h.client.close();
  });

  it('uses backoff when Retry-After is malformed', async () => {
    const h = harness(server);
    server.script(
      dataverseError(429, '0x80072322', 'limit', { 'retry-after': 'soon' }),
      json(200, WHO),
    );
    await h.client.whoAmI();
    expect(h.sleeps).toEqual([500]);
    h.client.close();
  });
});

describe('transient failures', () => {
  it('recovers from a burst of 5xx with exponential backoff and one client request id', async () => {
    const h = harness(server);
    server.script(
      dataverseError(503, '', 'busy'),
      json(500, {}),
      json(502, {}),
      json(504, {}),
      json(200, WHO),
    );
    await h.client.whoAmI();
    expect(h.sleeps).toEqual([500, 1000, 2000, 4000]);
    const ids = new Set(server.requests.map((r) => r.headers['x-ms-client-request-id']));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(h.client.stats()).toMatchObject({ requests: 5, retries: 4, throttledResponses: 0 });
    h.client.close();
  });

  it('does not retry 501', async () => {
    const h = harness(server);
    server.script(dataverseError(501, '0x8004800d', 'not implemented'));
    const error = (await h.client.whoAmI().catch((e: unknown) => e)) as DataverseError;
    expect(error).toBeInstanceOf(DataverseError);
    expect(error).toMatchObject({ status: 501, code: '0x8004800d', retryable: false });
    expect(server.requests).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
    h.client.close();
  });

  it('does not retry 404 and explains a wrong org URL on WhoAmI', async () => {
    const h = harness(server);
    server.script(json(404, 'Not Found'));
    const error = (await h.client.whoAmI().catch((e: unknown) => e)) as DataverseError;
    expect(error.status).toBe(404);
    expect(error.hint).toContain('does not serve the Dataverse Web API');
    expect(server.requests).toHaveLength(1);
    h.client.close();
  });

  it('stops after maxRetries transient retries with a clear error', async () => {
    const h = harness(server, { maxRetries: 2 });
    server.script(
      json(500, {}),
      json(500, {}),
      dataverseError(500, '0x80040216', 'Generic SQL error.'),
    );
    const error = (await h.client.whoAmI().catch((e: unknown) => e)) as DataverseError;
    expect(server.requests).toHaveLength(3);
    expect(error.message).toBe(
      'GET /api/data/v9.2/WhoAmI failed with HTTP 500: Generic SQL error. (gave up after 3 attempts: retry limit 2 reached)',
    );
    expect(error).toMatchObject({ retryable: true, code: '0x80040216', step: 'WhoAmI' });
    h.client.close();
  });

  it('retries a dropped connection', async () => {
    const h = harness(server);
    server.script(drop, json(200, WHO));
    await expect(h.client.whoAmI()).resolves.toMatchObject({ OrganizationId: 'o' });
    expect(h.sleeps).toEqual([500]);
    expect(server.requests).toHaveLength(2);
    h.client.close();
  });

  it('times out a stalled response, retries, and fails clearly at the deadline', async () => {
    const h = harness(server, { timeoutInMs: 150, maxRetries: 10, overallDeadlineInMs: 3_000 });
    server.script(stall, stallMidBody, stall, stall);
    const error = (await h.client.whoAmI().catch((e: unknown) => e)) as DataverseError;
    expect(error).toBeInstanceOf(DataverseError);
    expect(h.sleeps).toEqual([500, 1000]);
    expect(server.requests).toHaveLength(3);
    expect(error).toMatchObject({ code: 'REQUEST_TIMEOUT', retryable: true, status: undefined });
    expect(error.message).toBe(
      "GET /api/data/v9.2/WhoAmI got no response: no complete response within 150 ms (gave up after 3 attempts: the call's 3 s deadline would pass before the next attempt)",
    );
    expect(error.hint).toContain('did not answer');
    h.client.close();
  });

  it("stops at once when the caller's signal aborts, with the caller's reason", async () => {
    const h = harness(server, { timeoutInMs: 10_000 });
    server.script(stall);
    const controller = new AbortController();
    const pending = h.client.whoAmI(controller.signal);
    setTimeout(() => {
      controller.abort(new Error('run budget spent'));
    }, 50);
    await expect(pending).rejects.toThrow('run budget spent');
    expect(h.sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
    h.client.close();
  });
});
