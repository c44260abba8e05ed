import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
  checkOf,
  expectNoLeaks,
  type HealthBed,
  loggedDetailOf,
  startHealthBed,
  statusesOf,
} from './healthBed';

/**
 * Transient Dataverse trouble during the health check's WhoAmI: each service-protection 429,
 * a 5xx burst, a dropped connection and a stalled response. Documented outcomes: the client
 * absorbs the first four (waiting exactly Retry-After on 429s, which the throttling check
 * reports as a warning); a stall fails the WhoAmI check within the health budget, and the
 * next check after the cache window passes again.
 */
let health: HealthBed;

beforeAll(async () => {
  health = await startHealthBed({
    environments: [{ name: 'contoso', accounts: { count: 2, seed: 1 } }],
  });
});

afterAll(async () => {
  await health.stop();
});

beforeEach(() => {
  const contoso = health.bed.dataverse.environment('contoso');
  contoso.clearFaults();
  contoso.resetStats();
});

const contoso = () => health.bed.dataverse.environment('contoso');

describe('service protection 429s during the health check', () => {
  const kinds = [
    { code: 'requests', hex: '0x80072322' },
    { code: 'executionTime', hex: '0x80072321' },
    { code: 'concurrency', hex: '0x80072326' },
  ] as const;

  for (const { code, hex } of kinds) {
    it(`${code} (${hex}): WhoAmI passes after waiting exactly Retry-After, throttling warns`, async () => {
      contoso().injectFault({
        kind: 'throttle',
        code,
        retryAfterSeconds: 1,
        count: 1,
        route: 'whoami',
      });
      const logsBefore = health.visible.logLines().length;

      const call = await health.health(health.runtime());

      expect(call.status).toBe(200);
      expect(call.contentType).toBe('application/health+json');
      // No sync has run in this bed: lastSync warns too, which is why the overall is warn.
      expect(call.report.status).toBe('warn');
      expect(statusesOf(call.report)).toMatchObject({
        'contoso:token': 'pass',
        'contoso:whoAmI': 'pass',
        'contoso:throttling': 'warn',
        'credential:expiry': 'pass',
      });
      const throttling = checkOf(call.report, 'contoso:throttling');
      expect(throttling).toMatchObject({
        componentType: 'service protection',
        observedValue: 1,
        throttledWaitInMs: 1000,
      });
      expect(throttling.output).toContain('Dataverse throttled this application user (429)');
      expect(contoso().requestCounts()).toEqual({ 'whoami 429': 1, 'whoami 200': 1 });
      const logged = health.visible.logLines().slice(logsBefore);
      expect(
        logged.filter((line) => line.includes(`throttled (${hex}); waiting 1000 ms as told`)),
      ).toHaveLength(1);
    });
  }
});

describe('server errors, dropped connections and stalls during the health check', () => {
  it('a 503 burst (2 responses) passes after two backoff retries', async () => {
    contoso().injectFault({ kind: 'serverError', status: 503, count: 2, route: 'whoami' });
    const logsBefore = health.visible.logLines().length;

    const call = await health.health(health.runtime());

    expect(call.status).toBe(200);
    expect(statusesOf(call.report)).toMatchObject({
      'contoso:whoAmI': 'pass',
      // 5xx is not service protection: no throttling warning.
      'contoso:throttling': 'pass',
    });
    expect(contoso().requestCounts()).toEqual({ 'whoami 503': 2, 'whoami 200': 1 });
    const retries = health.visible
      .logLines()
      .slice(logsBefore)
      .filter((line) => /WhoAmI.* → HTTP 503; retry [12]\/5 in \d+ ms/.test(line));
    expect(retries).toHaveLength(2);
  });

  it('a dropped connection passes after one retry', async () => {
    contoso().injectFault({ kind: 'dropConnection', count: 1, route: 'whoami' });
    const logsBefore = health.visible.logLines().length;

    const call = await health.health(health.runtime());

    expect(call.status).toBe(200);
    expect(checkOf(call.report, 'contoso:whoAmI').status).toBe('pass');
    expect(contoso().requestCounts()).toEqual({ 'whoami 0': 1, 'whoami 200': 1 });
    const logged = health.visible.logLines().slice(logsBefore);
    expect(logged.some((line) => /WhoAmI.* → ECONNRESET; retry 1\/5/.test(line))).toBe(true);
  });

  it('a stalled WhoAmI fails its check within the health budget; the next window passes', async () => {
    contoso().injectFault({ kind: 'stall', count: 1, route: 'whoami' });
    const getRuntime = health.runtime({
      overrides: { HEALTH_CACHE_SECONDS: '1' },
      healthTimeoutInMs: 2000,
    });

    const stalled = await health.health(getRuntime);

    expect(stalled.status).toBe(503);
    expect(stalled.contentType).toBe('application/health+json');
    expect(stalled.report.status).toBe('fail');
    const whoAmI = checkOf(stalled.report, 'contoso:whoAmI');
    expect(whoAmI.status).toBe('fail');
    expect(whoAmI.output).toContain('contoso / WhoAmI: failed [REQUEST_TIMEOUT]');
    expect(whoAmI.output).toContain(`the function's log at ${whoAmI.time}`);
    // The client knows the poll's deadline and gives up before the health budget runs out.
    expect(loggedDetailOf(health, stalled, 'contoso:whoAmI')).toMatch(
      /WhoAmI got no response: no complete response within \d+ ms \(gave up after 1 attempt: the caller's deadline would pass before the next attempt\)/,
    );
    // The token came back and nothing was throttled: only the hung step fails.
    expect(checkOf(stalled.report, 'contoso:token').status).toBe('pass');
    expect(checkOf(stalled.report, 'contoso:throttling')).toMatchObject({
      status: 'pass',
      observedValue: 0,
    });
    expect(checkOf(stalled.report, 'credential:expiry').status).toBe('pass');

    // Within the window the failed result is served from the cache, without a new WhoAmI, and
    // its failure was logged once (by the check, not by each poll).
    const cached = await health.health(getRuntime);
    expect(cached.report.time).toBe(stalled.report.time);
    expect(loggedDetailOf(health, stalled, 'contoso:whoAmI')).toContain(
      `${contoso().url} did not answer`,
    );

    await new Promise((resolve) => setTimeout(resolve, 1100));
    const recovered = await health.health(getRuntime);

    expect(recovered.status).toBe(200);
    expect(checkOf(recovered.report, 'contoso:whoAmI').status).toBe('pass');
    expect(contoso().requestCounts()).toEqual({ 'whoami 0': 1, 'whoami 200': 1 });
  });

  it('leaks no secret, key or token into any log line or response body', () => {
    expectNoLeaks(health);
  });
});
