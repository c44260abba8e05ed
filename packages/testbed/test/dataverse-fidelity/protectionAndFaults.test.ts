import { afterEach, describe, expect, it } from 'vitest';

import {
  type SimEnvironment,
  type SimEnvironmentOptions,
  theoreticalRowsPerSecond,
} from '../../src/dataverse';
import {
  apiHeaders,
  environmentOptions,
  type ErrorBody,
  type SimulatorFixture,
  startSimulator,
} from './simulatorFixture';

describe('Dataverse simulator: service protection and injected faults', () => {
  let fixture: SimulatorFixture | undefined;
  afterEach(async () => {
    await fixture?.sim.stop();
    fixture = undefined;
  });

  const start = async (overrides: Partial<SimEnvironmentOptions>): Promise<SimEnvironment> => {
    fixture = await startSimulator([environmentOptions(overrides)]);
    return fixture.sim.environment('contoso');
  };
  const whoAmI = (env: SimEnvironment, signal?: AbortSignal): Promise<Response> =>
    fetch(`${env.serviceRootUrl}WhoAmI`, {
      headers: apiHeaders(fixture!.tokenFor(env.url)),
      signal,
    });

  it('fails the request over the concurrency limit at once with 429 0x80072326 and Retry-After', async () => {
    const env = await start({
      limits: { concurrent: 2 },
      latency: { perRequestMs: 300, perRowMs: 0 },
    });
    const responses = await Promise.all([whoAmI(env), whoAmI(env), whoAmI(env)]);
    const throttled = responses.filter((response) => response.status === 429);
    expect(throttled).toHaveLength(1);
    expect(throttled[0]!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await throttled[0]!.json()) as ErrorBody).error).toEqual({
      code: '0x80072326',
      message: 'Number of concurrent requests exceeded the limit of 2.',
    });
    expect(env.peakConcurrency).toBe(3);
  });

  it('fails requests over the request-count window with 429 0x80072322', async () => {
    const env = await start({ limits: { requestsPerWindow: 2, windowMs: 60_000 } });
    expect((await whoAmI(env)).status).toBe(200);
    expect((await whoAmI(env)).status).toBe(200);
    const third = await whoAmI(env);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await third.json()) as ErrorBody).error).toEqual({
      code: '0x80072322',
      message: 'Number of requests exceeded the limit of 2 over time window of 60 seconds.',
    });
  });

  it('fails requests over the execution-time window with 429 0x80072321', async () => {
    const env = await start({
      limits: { executionTimeMsPerWindow: 50, windowMs: 60_000 },
      latency: { perRequestMs: 60, perRowMs: 0 },
    });
    expect((await whoAmI(env)).status).toBe(200);
    const second = await whoAmI(env);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toMatch(/^\d+$/);
    const body = (await second.json()) as ErrorBody;
    expect(body.error.code).toBe('0x80072321');
    expect(body.error.message).toMatch(
      /^Combined execution time of incoming requests exceeded limit of 50 milliseconds over time window of 60 seconds\./,
    );
  });

  it('injects throttles, server errors and latency in order, on the matching route only', async () => {
    const env = await start({});
    env.injectFault({
      kind: 'throttle',
      code: 'requests',
      retryAfterSeconds: 7,
      count: 1,
      route: 'whoami',
    });
    env.injectFault({ kind: 'serverError', status: 503, count: 1 });
    const accounts = await fetch(`${env.serviceRootUrl}accounts?$top=1`, {
      headers: apiHeaders(fixture!.tokenFor(env.url)),
    });
    expect(accounts.status).toBe(503);
    const throttled = await whoAmI(env);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('7');
    expect(((await throttled.json()) as ErrorBody).error.code).toBe('0x80072322');
    expect((await whoAmI(env)).status).toBe(200);
    expect(env.requestCounts()).toMatchObject({
      'accounts 503': 1,
      'whoami 429': 1,
      'whoami 200': 1,
    });
  });

  it('drops connections and stalls until the client gives up', async () => {
    const env = await start({});
    env.injectFault({ kind: 'dropConnection', count: 1 });
    await expect(whoAmI(env)).rejects.toThrow();
    env.injectFault({ kind: 'stall', count: 1 });
    await expect(whoAmI(env, AbortSignal.timeout(200))).rejects.toThrow();
    expect((await whoAmI(env)).status).toBe(200);
  });

  it('computes the theoretical single-reader throughput of the latency model', () => {
    expect(theoreticalRowsPerSecond(5000, { perRequestMs: 100, perRowMs: 0.1 })).toBe(5000 / 0.6);
    expect(theoreticalRowsPerSecond(100, { perRequestMs: 0, perRowMs: 0 })).toBe(Infinity);
  });
});
